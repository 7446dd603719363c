"""`--json`: the same results the terminal shows, as one UTF-8 JSON document, fields named as in the YAML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from faq_cli import query as q
from faq_cli.catalogue.model import Event, Incident, PartialDate, Person
from faq_cli.mirrors.record import fields, is_record
from faq_cli.text.inert import json_escape

if TYPE_CHECKING:  # stats is imported by the command that needs it, not by every --json
    from faq_cli import stats as st
    from faq_cli.catalogue.registry import LayerRow


def plain(value: Any) -> Any:
    """Model objects to JSON values: records, dataclasses and named tuples to objects, dates to partial ISO strings."""
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # query's result classes (before plain tuples)
        return {name: plain(getattr(value, name)) for name in value._fields}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if is_record(value):  # the model's classes
        return {name: plain(getattr(value, name)) for name in fields(value)}
    if hasattr(value, "__slots__") and hasattr(value, "__dataclass_fields__"):  # stats'
        return {name: plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def dumps(document: Any) -> str:
    # ensure_ascii=False keeps names readable; json escapes C0 controls itself, and json_escape the rest a
    # terminal might obey (C1, bidi, zero-width, lone surrogates from argv), so the document stays inert.
    return json_escape(json.dumps(document, ensure_ascii=False, indent=2))


def _incident(item: Incident, people: Sequence[q.PersonRole]) -> dict[str, Any]:
    """An incident's fields, its people each with their name: as `incidents`, `incident`, `ask` and `timeline` give it."""
    doc: dict[str, Any] = plain(item)
    doc["people"] = [
        {"person": r.involvement.person, "name": r.name, "role": r.involvement.role, "outcome": r.involvement.outcome}
        for r in people
    ]
    return doc


def incident_rows(rows: Sequence[q.IncidentRow]) -> list[dict[str, Any]]:
    """`faq incidents --json`: each incident in full, its people named."""
    return [_incident(row.incident, row.people) for row in rows]


def incident_view(view: q.IncidentView) -> dict[str, Any]:
    doc = _incident(view.incident, view.people)
    doc["questions"] = [r.id for r in view.questions]
    doc["events"] = [r.id for r in view.events]
    doc["nearby_incidents"] = [r.id for r in view.incidents]
    return doc


def answer(result: q.Answer) -> dict[str, Any]:
    """`faq ask --json`: the match (any kind, with that entry's fields, and `fact` for a stated fact) and the
    alternatives; a question's fields are as they always were."""
    match: dict[str, Any] | None = None
    if result.question is not None:
        match = {"kind": "question", **plain(result.question)}
        match["score"] = result.score
        match["related"] = [plain(r) for r in result.related]
    elif result.kind is not None and result.view is not None:
        fields = _view(result.view)
        if "kind" in fields:  # an incident's or event's own kind: `kind` says what the match is
            fields[f"{result.kind}_kind"] = fields.pop("kind")
        match = {"kind": result.kind, **fields}
        match["score"] = result.score
        match["related"] = _related_of(result.view)
        if result.fact is not None:
            match["fact"] = {"field": result.fact.field, "text": result.fact.text, "sources": [s.id for s in result.fact.sources]}
    doc: dict[str, Any] = {"query": result.query, "match": match, "alternatives": []}
    for c in result.alternatives:
        item = {"kind": c.kind, "id": c.id, "label": c.label, "score": c.score, "catalogue": c.catalogue}
        if c.kind == "question":
            item["question"] = c.label
        doc["alternatives"].append(item)
    if result.hint is not None:
        doc["names"] = {"kind": result.hint.type, "id": result.hint.id, "label": result.hint.label}
    return doc


def _view(view: q.Profile | q.IncidentView | q.EventView) -> dict[str, Any]:
    if isinstance(view, q.Profile):
        return profile(view)
    if isinstance(view, q.IncidentView):
        return _incident(view.incident, view.people)
    return event_view(view)


def _related_of(view: q.Profile | q.IncidentView | q.EventView) -> list[Any]:
    if isinstance(view, q.Profile):
        incidents = [
            {"id": i.id, "type": "incident", "label": i.title, "date": i.date.iso(), "catalogue": i.catalogue}
            for i, _ in view.incidents
        ]
        return incidents + [
            {"id": x.id, "type": "question", "label": x.question, "date": None, "catalogue": x.catalogue} for x in view.questions
        ]
    if isinstance(view, q.IncidentView):
        return [plain(r) for r in (*view.incidents, *view.events, *view.questions)]
    return [plain(r) for r in (*view.people, *view.incidents, *view.questions)]


def event_view(view: q.EventView) -> dict[str, Any]:
    doc: dict[str, Any] = plain(view.event)
    doc["questions"] = [r.id for r in view.questions]
    doc["nearby_incidents"] = [r.id for r in view.incidents]
    return doc


def no_match(result: q.NoMatch) -> dict[str, Any]:
    return {
        "query": result.query,
        "match": None,
        "ambiguous": result.ambiguous,
        "candidates": [
            {"id": c.id, "name" if result.what == "person" else "title": c.label, "score": c.score, "catalogue": c.catalogue}
            for c in result.candidates
        ],
    }


def person(item: Person) -> dict[str, Any]:
    doc: dict[str, Any] = plain(item)
    main = item.main_position
    doc["main_position"] = plain(main) if main else None
    return doc


def profile(result: q.Profile) -> dict[str, Any]:
    doc = person(result.person)
    doc["incidents"] = [i.id for i, _ in result.incidents]
    doc["roles"] = [{"incident": i.id, "role": inv.role, "outcome": inv.outcome} for i, inv in result.incidents]
    doc["events"] = [e.id for e in result.events]
    doc["questions"] = list(result.mentions)  # every one, as the list of ids is cheap whatever the terminal shows
    return doc


def timeline(items: Sequence[q.TimelineItem]) -> list[dict[str, Any]]:
    """Each entry in full (an incident as `incidents --json` gives it, from a timeline built `named`), led by its "type".

    A position (only in a person's timeline) is `{"type": "position", "id", "date", "title",
    "person", "position": {...}, "verification"}`.
    """
    out = []
    for item in items:
        if isinstance(item.entry, Incident):
            body = _incident(item.entry, item.roles)
        elif isinstance(item.entry, Event):
            body = plain(item.entry)
        else:
            body = {
                "id": item.id,
                "date": item.date.iso(),
                "title": item.title,
                "person": item.people[0] if item.people else None,
                "position": plain(item.entry),
                "verification": item.verification,
            }
        out.append({"type": item.type, **body})
    return out


def sources(uses: list[q.SourceUse]) -> list[dict[str, Any]]:
    out = []
    for use in uses:
        doc: dict[str, Any] = plain(use.source)
        doc["cited_by"] = [plain(r) for r in use.cited_by]
        out.append(doc)
    return out


def questions(numbered: list[tuple[int, Any]]) -> list[dict[str, Any]]:
    out = []
    for n, item in numbered:
        doc: dict[str, Any] = plain(item)
        doc["number"] = n
        out.append(doc)
    return out


def stats(result: st.Stats) -> dict[str, Any]:
    """`faq stats --json`: the counts behind the charts."""
    return {
        "catalogue": plain(result.info),
        "incidents_per_year": [{"year": y, "count": n} for y, n in result.per_year],
        "incidents_per_kind": [{"kind": k, "count": n} for k, n in result.per_kind],
        "verification": [{"level": c.level, "count": c.total, **c.sections} for c in result.verification],
    }


def search(result: q.SearchResult) -> list[dict[str, Any]]:
    """`faq search --json`: the hits, best first, each with its snippet and the spans of matched words."""
    return [
        {
            "type": h.type,
            "id": h.id,
            "title": h.title,
            "score": h.score,
            "snippet": h.snippet,
            "highlights": [list(span) for span in h.highlights],
            "catalogue": h.catalogue,
        }
        for h in result.hits
    ]


def catalogue_list(rows: list[LayerRow]) -> list[dict[str, Any]]:
    """`faq catalogue list --json`: each active layer, lowest first."""
    return [
        {
            "name": r.name,
            "kind": r.kind,
            "path": r.path,
            "source": r.source,
            "updated": r.updated,
            "title": r.title,
            "as_of": r.as_of,
            "age_days": r.age_days,
            "entries": r.entries,
            "problems": r.problems,
        }
        for r in rows
    ]
