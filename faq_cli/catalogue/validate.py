"""Check parsed files against the catalogue schema, collecting every problem with its line.

The walker interprets the subset of JSON Schema that `schema.py` uses, so the
printed schema and the loader cannot drift apart. It converts values as it
goes: dates become `PartialDate`, counts become `int`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from faq_cli.catalogue.model import DateError, PartialDate
from faq_cli.catalogue.schema import DEFS, SECTIONS, Schema
from faq_cli.catalogue.yamlfile import LocList, LocMap, Mark
from faq_cli.errors import Problem

_PATTERNS: dict[str, re.Pattern[str]] = {}
_ENTRY_NOUN = {
    "sources": "source",
    "people": "person",
    "incidents": "incident",
    "events": "event",
    "questions": "question",
}


class Walker:
    """Validates one file's sections; `problems` collects what is wrong."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, mark: Mark, message: str) -> None:
        self.problems.append(Problem(self.path, mark[0], mark[1], message))

    def file(self, data: LocMap) -> dict[str, Any]:
        """Validate the top level; return the sections that are sound enough to use."""
        sections: dict[str, Any] = {}
        for key, value in data.items():
            if self.known(key, data.key_marks[key]):
                sections[key] = self.check(value, SECTIONS[key], data.value_marks[key], key)
        return sections

    def known(self, section: str, mark: Mark) -> bool:
        """Whether a top-level key names a section; a problem when it does not."""
        if section in SECTIONS:
            return True
        self.problem(mark, f"unknown section '{show(section)}'{suggest(section, SECTIONS)}; sections are {', '.join(SECTIONS)}")
        return False

    def item(self, section: str, value: object, mark: Mark) -> Any:
        """Check one item of a list section, as `file` checks each when it checks the whole section."""
        noun = _ENTRY_NOUN.get(section)
        return self.check(value, SECTIONS[section]["items"], mark, f"{noun} entry" if noun else f"an item of {section}")

    def check(self, value: object, schema: Schema, mark: Mark, name: str) -> Any:
        """Check one value; return it converted, or None where it is unusable."""
        if "$ref" in schema:
            schema = DEFS[schema["$ref"].rsplit("/", 1)[1]]
        if value is None:
            self.problem(mark, f"{name} has no value")
            return None
        if "x-choices" in schema:  # text here; whether the catalogue allows the value is checked across files
            return self._text(value, schema, mark, name)
        if "enum" in schema:
            if value not in schema["enum"]:
                options = ", ".join(schema["enum"])
                self.problem(mark, f"{name} must be one of {options}, not '{show(value)}'{suggest(value, schema['enum'])}")
                return None
            return value
        if schema.get("x-date"):
            return self._date(value, mark, name)
        kind = schema.get("type")
        checker = _CHECKERS.get(kind if isinstance(kind, str) else "text")
        assert checker is not None, kind
        return checker(self, value, schema, mark, name)

    def _object(self, value: object, schema: Schema, mark: Mark, name: str) -> LocMap | None:
        if not isinstance(value, LocMap):
            self.problem(mark, f"{name} must be a mapping of fields, not {_what(value)}")
            return None
        props: dict[str, Schema] = schema["properties"]
        ok = True
        meant: set[str] = set()  # fields a misspelt key was taken for: not reported again as missing
        for key in list(value):
            if key not in props:
                self.problem(value.key_marks[key], f"unknown field '{show(key)}' in {name}{suggest(key, props)}")
                meant.add(closest(key, props) or "")
                ok = False
                del value[key]
                continue
            converted = self.check(value[key], props[key], value.value_marks[key], _field(name, key))
            if converted is None:
                ok = False
                del value[key]
            else:
                value[key] = converted
        missing = [key for key in schema.get("required", ()) if key not in value and key not in value.key_marks]
        for key in missing:
            if key not in meant:
                self.problem(value.mark, f"{name} lacks the required field '{key}'")
        return value if ok and not missing else _Broken.of(value)

    def _array(self, value: object, schema: Schema, mark: Mark, name: str) -> LocList | None:
        if not isinstance(value, LocList):
            self.problem(mark, f"{name} must be a list, not {_what(value)}")
            return None
        noun = _ENTRY_NOUN.get(name)  # a section ('people'), not a field of the same name ("'people'")
        item_name = f"{noun} entry" if noun else f"an item of {name}"
        for i, item in enumerate(value):
            value[i] = self.check(item, schema["items"], value.item_marks[i], item_name)
        return value

    def _string(self, value: object, schema: Schema, mark: Mark, name: str) -> str | None:
        text = self._text(value, schema, mark, name)
        if text is None:
            return None
        pattern = schema.get("pattern")
        if pattern:
            regex = _PATTERNS.get(pattern) or _PATTERNS.setdefault(pattern, _compile(pattern))
            if not regex.search(text):
                self.problem(mark, f"{name} '{show(text)}' is not valid: expected {schema.get('description', 'another form')}")
                return None
        return text

    def _text(self, value: object, schema: Schema, mark: Mark, name: str) -> str | None:
        if not isinstance(value, str):
            self.problem(mark, f"{name} must be text, not {_what(value)}")
            return None
        return value

    def _integer(self, value: object, schema: Schema, mark: Mark, name: str) -> int | None:
        text = self._text(value, schema, mark, name)
        if text is None:
            return None
        if len(text) > 12 or not text.isascii() or not text.isdigit():
            what = "too large" if text.isascii() and text.isdigit() else f"not a whole number: '{show(text)}'"
            self.problem(mark, f"{name} is {what}")
            return None
        number = int(text)
        if number > schema.get("maximum", number):
            self.problem(mark, f"{name} is too large ({number})")
            return None
        return number

    def _date(self, value: object, mark: Mark, name: str) -> PartialDate | None:
        if not isinstance(value, str):
            self.problem(mark, f"{name} must be a date (YYYY, YYYY-MM or YYYY-MM-DD), not {_what(value)}")
            return None
        try:
            return PartialDate.parse(value)
        except DateError as exc:
            self.problem(mark, f"{name}: {exc}")
            return None


class _Broken(LocMap):
    """An entry with a problem: kept so its id still counts, never built into the model."""

    @classmethod
    def of(cls, source: LocMap) -> _Broken:
        broken = cls(source.mark)
        broken.update(source)
        broken.key_marks, broken.value_marks = source.key_marks, source.value_marks
        return broken


def is_broken(value: object) -> bool:
    return isinstance(value, _Broken)


_CHECKERS: dict[str, Callable[..., Any]] = {
    "object": Walker._object,
    "array": Walker._array,
    "string": Walker._string,
    "integer": Walker._integer,
    "text": Walker._text,
}


def _compile(pattern: str) -> re.Pattern[str]:
    # JSON Schema patterns are ECMA-262, where `$` never matches before a final newline; Python's does.
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


def _field(owner: str, key: str) -> str:
    return f"'{key}'"


def _what(value: object) -> str:
    if isinstance(value, LocMap):
        return "a mapping"
    if isinstance(value, LocList):
        return "a list"
    return f"'{show(value)}'"


def show(value: object, limit: int = 60) -> str:
    """A value quoted in a message: one line, no control characters, bounded."""
    text = str(value)
    cleaned = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text[: limit + 1])
    return cleaned[:limit] + ("…" if len(text) > limit else "")


def closest(word: object, options: Any) -> str | None:
    close = difflib.get_close_matches(str(word)[:60], list(options), n=1, cutoff=0.75)
    return close[0] if close else None


def suggest(word: object, options: Any) -> str:
    close = closest(word, options)
    return f" (did you mean '{close}'?)" if close else ""
