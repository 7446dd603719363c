"""The catalogue's JSON Schema (2020-12): one description that both editors and the loader use.

`faq schema` prints it; `validate.py` walks the same dictionary over the parsed
files, so the schema accepts exactly the structure the loader accepts. What a
schema cannot say (real calendar dates, unique ids, references) is checked
after, in `catalogue.py`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from faq_cli.model import CHOICE_DEFAULTS, VERIFICATION_LEVELS

SCHEMA_ID = "https://faq-cli.invalid/catalogue.schema.json"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
# Only http(s) links become terminal hyperlinks; no space, control, bidi or zero-width character may hide in one.
URL = r"^https?://[^\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+$"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _list(item: Schema) -> Schema:
    return {"type": "array", "items": item}


def _entry(description: str, required: list[str], properties: dict[str, Schema]) -> Schema:
    return {
        "type": "object",
        "description": description,
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }


def _choice(name: str, description: str) -> Schema:
    """A field whose values a catalogue may list under `vocabulary:` (`x-choices` names it; see `catalogue_schema`)."""
    defaults = CHOICE_DEFAULTS[name]
    if defaults is None:
        return {"type": ["string", "number", "boolean"], "description": f"{description} (any text)", "x-choices": name}
    return {"enum": list(defaults), "description": description, "x-choices": name}


_CHOICE_HELP = {
    "outcome": "outcomes for incidents' people, besides the defaults",
    "attribution": "attribution statuses, besides the defaults",
    "incident_kind": "the incident kinds allowed; once listed, an incident's kind must be one of them",
    "event_kind": "the event kinds allowed; once listed, an event's kind must be one of them",
    "role": "the roles allowed for incidents' people; once listed, a role must be one of them",
}

_DISPUTES = {"disputes": _list(_ref("dispute"))}
_VERIFY = {"verification": _ref("verification")}

DEFS: dict[str, Schema] = {
    # Free text: YAML 1.2 editors read `1984` as a number; the loader keeps it as text.
    "text": {"type": ["string", "number", "boolean"], "description": "text, shown as written"},
    "markdown": {"type": ["string", "number", "boolean"], "description": "Markdown text", "x-markdown": True},
    "id": {
        "type": "string",
        "pattern": SLUG,
        "description": "a lower-case slug such as 'kirillov-bombing', unique within its section",
    },
    "ref": {"type": "string", "pattern": SLUG, "description": "the id of another entry, a lower-case slug such as 'kirillov'"},
    "date": {
        "anyOf": [{"type": "string", "pattern": DATE}, {"type": "integer", "minimum": 1, "maximum": 9999}],
        "description": "partial ISO date: 2024, 2025-12 or 2025-12-22",
        "x-date": True,
    },
    "count": {"type": "integer", "minimum": 0, "maximum": 10_000_000},
    "verification": {"enum": list(VERIFICATION_LEVELS), "description": "how well the claim is established"},
    "sources": _list(_ref("ref")),
    "tags": _list(_ref("text")),
    "dispute": _entry(
        "another source's version, shown beside the preferred one",
        ["claim", "sources"],
        {"claim": _ref("markdown"), "sources": _ref("sources"), "about": _ref("text")},
    ),
}

SECTIONS: dict[str, Schema] = {
    "catalogue": _entry(
        "what this catalogue is",
        ["name"],
        {"name": _ref("text"), "as_of": _ref("date"), "description": _ref("markdown")},
    ),
    "vocabulary": _entry(
        "values this catalogue allows in its fixed-vocabulary fields; a layer may use its own and those of the layers under it",
        [],
        {name: {**_list(_ref("text")), "description": help} for name, help in _CHOICE_HELP.items()},
    ),
    "synonyms": _list({**_list(_ref("text")), "description": "terms that mean the same to search"}),
    "sources": _list(
        _entry(
            "a publication cited by entries",
            ["id", "title", "publisher", "date"],
            {
                "id": _ref("id"),
                "title": _ref("text"),
                "publisher": _ref("text"),
                "date": _ref("date"),
                "url": {
                    "type": "string",
                    "pattern": URL,
                    "description": "an http or https link, without spaces or control characters",
                },
                "kind": _ref("text"),
            },
        )
    ),
    "people": _list(
        _entry(
            "a named person",
            ["id", "name"],
            {
                "id": _ref("id"),
                "name": _ref("text"),
                "native_name": _ref("text"),
                "aliases": _list(_ref("text")),
                "born": _ref("date"),
                "birthplace": _ref("text"),
                "summary": _ref("markdown"),
                "positions": _list(
                    _entry(
                        "a post held",
                        ["title", "organisation"],
                        {
                            "title": _ref("text"),
                            "organisation": _ref("text"),
                            "start": _ref("date"),
                            "end": _ref("date"),
                            "note": _ref("markdown"),
                            "sources": _ref("sources"),
                        },
                    )
                ),
                "honours": _list(
                    _entry(
                        "an award or title",
                        ["title"],
                        {"title": _ref("text"), "date": _ref("date"), "note": _ref("markdown"), "sources": _ref("sources")},
                    )
                ),
                "sanctions": _list(
                    _entry(
                        "a sanction imposed on the person",
                        ["by", "date", "reason"],
                        {"by": _ref("text"), "date": _ref("date"), "reason": _ref("markdown"), "sources": _ref("sources")},
                    )
                ),
                "status": _entry(
                    "the person's state as of a date",
                    ["state", "as_of"],
                    {"state": _ref("text"), "as_of": _ref("date"), "note": _ref("markdown"), **_VERIFY},
                ),
                **_VERIFY,
                "sources": _ref("sources"),
                "tags": _ref("tags"),
                **_DISPUTES,
            },
        )
    ),
    "incidents": _list(
        _entry(
            "one dated incident: an attack, an accident, a theft, a ruling…",
            ["id", "date", "title", "kind", "place", "sources"],
            {
                "id": _ref("id"),
                "date": _ref("date"),
                "title": _ref("text"),
                "kind": _choice("incident_kind", "what sort of incident it was"),
                "place": _ref("text"),
                "sources": _ref("sources"),
                "people": _list(
                    _entry(
                        "a person's part in the incident",
                        ["person", "role", "outcome"],
                        {
                            "person": _ref("ref"),
                            "role": _choice("role", "the person's part in it"),
                            "outcome": _choice("outcome", "what happened to the person"),
                        },
                    )
                ),
                "casualties": _entry(
                    "how many were killed or wounded",
                    [],
                    {"killed": _ref("count"), "wounded": _ref("count"), "note": _ref("markdown")},
                ),
                "attribution": _entry(
                    "who is said to be behind it, and how surely",
                    ["status"],
                    {
                        "status": _choice("attribution", "how surely it is attributed"),
                        "by": _ref("text"),
                        "note": _ref("markdown"),
                        "sources": _ref("sources"),
                    },
                ),
                "summary": _ref("markdown"),
                **_VERIFY,
                "tags": _ref("tags"),
                **_DISPUTES,
            },
        )
    ),
    "events": _list(
        _entry(
            "a context event for timelines",
            ["id", "date", "title", "sources"],
            {
                "id": _ref("id"),
                "date": _ref("date"),
                "title": _ref("text"),
                "sources": _ref("sources"),
                "end": _ref("date"),
                "kind": _choice("event_kind", "what sort of event it was"),
                "people": _list(_ref("ref")),
                "summary": _ref("markdown"),
                **_VERIFY,
                "tags": _ref("tags"),
                **_DISPUTES,
            },
        )
    ),
    "questions": _list(
        _entry(
            "a question with its answer",
            ["id", "question", "answer"],
            {
                "id": _ref("id"),
                "question": _ref("text"),
                "answer": _ref("markdown"),
                "also": _list(_ref("text")),
                "tags": _ref("tags"),
                "related": _list(_ref("ref")),
                "sources": _ref("sources"),
                **_VERIFY,
                **_DISPUTES,
            },
        )
    ),
}


def catalogue_schema(choices: Mapping[str, Sequence[str] | None] | None = None) -> Schema:
    """The JSON Schema of one catalogue file; with `choices` (see `Catalogue.choices`), the values a catalogue allows."""
    sections = SECTIONS if choices is None else _with_choices(SECTIONS, choices)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "faq catalogue file",
        "description": "One file of a faq catalogue: a mapping of sections; a section may be split across files.",
        "type": "object",
        "properties": sections,
        "additionalProperties": False,
        "$defs": DEFS,
    }


def _with_choices(sections: dict[str, Schema], choices: Mapping[str, Sequence[str] | None]) -> dict[str, Schema]:
    """A copy of the sections where each choice field allows what `choices` says (None: any text)."""
    copied: dict[str, Schema] = copy.deepcopy(sections)

    def visit(node: object) -> None:
        if isinstance(node, dict):
            name = node.get("x-choices")
            if isinstance(name, str) and name in choices:
                allowed = choices[name]
                if allowed is None:
                    node.pop("enum", None)
                    node["type"] = ["string", "number", "boolean"]
                else:
                    node.pop("type", None)
                    node["enum"] = list(allowed)
                    node["description"] = str(node.get("description", "")).removesuffix(" (any text)")
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(copied)
    return copied
