"""The catalogue's entries and PartialDate: plain typed data, no I/O, no Rich."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Literal, Protocol, TypeVar

from faq_cli.mirrors.record import field, record

VERIFICATION_LEVELS = ("confirmed", "reported", "unverified")
# What may happen to a person in an incident of any subject (violence, accidents, crime, the courts); a
# catalogue adds its own under `vocabulary: outcome`.
OUTCOMES = (
    "killed",
    "wounded",
    "injured",
    "unharmed",
    "missing",
    "arrested",
    "detained",
    "charged",
    "convicted",
    "acquitted",
    "released",
    "escaped",
    "unknown",
)
ATTRIBUTION_STATUSES = ("unattributed", "suspected", "alleged", "claimed", "disputed", "confirmed")
# The fields whose values a catalogue may list under `vocabulary:`: a closed list of general defaults that a
# catalogue extends, or None for free text that a catalogue may restrict by listing the values it allows.
CHOICE_DEFAULTS: dict[str, tuple[str, ...] | None] = {
    "outcome": OUTCOMES,
    "attribution": ATTRIBUTION_STATUSES,
    "incident_kind": None,
    "event_kind": None,
    "role": None,
}
SECTIONS = ("catalogue", "vocabulary", "synonyms", "sources", "people", "incidents", "events", "questions")
ENTRY_SECTIONS = ("sources", "people", "incidents", "events", "questions")

Verification = str
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# ASCII digits only, as in ISO 8601. Compiled (and cached by `re`) on first use: most commands never parse a date.
_DATE_PATTERN = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?"


class DateError(ValueError):
    """A value that is not a partial ISO date; the message says why."""


def _days_in(year: int, month: int) -> int:
    """The days in a month of the (proleptic) Gregorian calendar, as `calendar.monthrange`, without importing it."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@record(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day.

    Orders by its start (a month sorts at its first day, before any day in it),
    and prints at its own precision: "2024", "Dec 2025", "6 Feb 2026".
    """

    year: int
    month: int = 0
    day: int = 0

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read `2024`, `"2025-12"`, `"2025-12-22"` or a `datetime.date`."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, _dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise DateError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {type(value).__name__}")
        if isinstance(value, int) and not 1 <= value <= 9999:  # str() of a 5,000-digit int would raise
            raise DateError("not a date: a number that is not a year from 1 to 9999 (expected YYYY, YYYY-MM or YYYY-MM-DD)")
        text = str(value).strip()
        match = re.fullmatch(_DATE_PATTERN, text)
        if not match:
            raise DateError(f"not a date: {text[:40]!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)")
        year, month, day = (int(g) if g else 0 for g in match.groups())
        if year < 1:
            raise DateError(f"not a real date: {text!r} (year 0000)")
        if match.group(2) and not 1 <= month <= 12:
            raise DateError(f"not a real date: {text!r} (there is no month {month})")
        if match.group(3) and not 1 <= day <= _days_in(year, month):
            raise DateError(f"not a real date: {text!r} ({_MONTHS[month - 1]} {year} has no day {day})")
        return cls(year, month, day)

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        """The partial ISO form, as written in the catalogue: 2024, 2025-12, 2025-12-22."""
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def human(self) -> str:
        """The form people read, never more precise than what is known."""
        if self.day:
            return f"{self.day} {_MONTHS[self.month - 1]} {self.year}"
        if self.month:
            return f"{_MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    def end(self) -> PartialDate:
        """The last day this date can stand for (`2025-12` ends on 31 Dec 2025)."""
        month = self.month or 12
        day = self.day or _days_in(self.year, month)
        return PartialDate(self.year, month, day)

    def __str__(self) -> str:
        return self.iso()

    # Dates are compared, sorted and hashed far more than any other record: written out, these run
    # about twice as fast as the generic methods @record shares.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, PartialDate):
            return (self.year, self.month, self.day) == (other.year, other.month, other.day)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.year, self.month, self.day))

    def __lt__(self, other: PartialDate) -> bool:
        if isinstance(other, PartialDate):
            return (self.year, self.month, self.day) < (other.year, other.month, other.day)
        return NotImplemented

    def __le__(self, other: PartialDate) -> bool:
        if isinstance(other, PartialDate):
            return (self.year, self.month, self.day) <= (other.year, other.month, other.day)
        return NotImplemented

    def __gt__(self, other: PartialDate) -> bool:
        if isinstance(other, PartialDate):
            return (self.year, self.month, self.day) > (other.year, other.month, other.day)
        return NotImplemented

    def __ge__(self, other: PartialDate) -> bool:
        if isinstance(other, PartialDate):
            return (self.year, self.month, self.day) >= (other.year, other.month, other.day)
        return NotImplemented


@record(frozen=True)
class Dispute:
    """Another source's version of something the entry states."""

    claim: str
    sources: tuple[str, ...]
    about: str | None = None


@record(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: PartialDate
    url: str | None = None
    kind: str | None = None
    catalogue: str = ""  # the layer the entry comes from (set by the loader, never written in YAML)


@record(frozen=True)
class Position:
    title: str
    organisation: str
    start: PartialDate | None = None
    end: PartialDate | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()

    def span(self) -> str:
        """When it was held, at the dates' own precision: "2011 – 2020", "since 2011", "until Dec 2024", or ""."""
        if self.start and self.end:
            return f"{self.start.human()} – {self.end.human()}"
        if self.start:
            return f"since {self.start.human()}"
        return f"until {self.end.human()}" if self.end else ""


@record(frozen=True)
class Honour:
    title: str
    date: PartialDate | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()


@record(frozen=True)
class Sanction:
    by: str
    date: PartialDate
    reason: str
    sources: tuple[str, ...] = ()


@record(frozen=True)
class Status:
    state: str
    as_of: PartialDate
    note: str | None = None
    verification: Verification = "confirmed"


@record(frozen=True)
class Person:
    id: str
    name: str
    native_name: str | None = None
    aliases: tuple[str, ...] = ()
    born: PartialDate | None = None
    birthplace: str | None = None
    summary: str | None = None
    positions: tuple[Position, ...] = ()
    honours: tuple[Honour, ...] = ()
    sanctions: tuple[Sanction, ...] = ()
    status: Status | None = None
    verification: Verification = "confirmed"
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    catalogue: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling the person is known by, the main name first."""
        native = (self.native_name,) if self.native_name else ()
        return (self.name, *native, *self.aliases)

    @property
    def main_position(self) -> Position | None:
        """The current position that started last, else the last one listed."""
        current = [p for p in self.positions if p.end is None]
        pool = current or list(self.positions)
        if not pool:
            return None
        dated = [p for p in pool if p.start is not None]
        return max(dated, key=lambda p: p.start) if dated else pool[-1]  # type: ignore[arg-type, return-value]


@record(frozen=True)
class Involvement:
    """A person's part in an incident."""

    person: str
    role: str
    outcome: str


@record(frozen=True)
class Casualties:
    killed: int | None = None
    wounded: int | None = None
    note: str | None = None


@record(frozen=True)
class Attribution:
    status: str
    by: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()


@record(frozen=True)
class Incident:
    id: str
    date: PartialDate
    title: str
    kind: str
    place: str
    sources: tuple[str, ...]
    people: tuple[Involvement, ...] = ()
    casualties: Casualties | None = None
    attribution: Attribution | None = None
    summary: str | None = None
    verification: Verification = "confirmed"
    tags: tuple[str, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    catalogue: str = ""


@record(frozen=True)
class Event:
    id: str
    date: PartialDate
    title: str
    sources: tuple[str, ...]
    end: PartialDate | None = None
    kind: str | None = None
    people: tuple[str, ...] = ()
    summary: str | None = None
    verification: Verification = "confirmed"
    tags: tuple[str, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    catalogue: str = ""


@record(frozen=True)
class Question:
    id: str
    question: str
    answer: str
    also: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    verification: Verification = "confirmed"
    disputes: tuple[Dispute, ...] = ()
    catalogue: str = ""


@record(frozen=True)
class CatalogueInfo:
    name: str = "faq catalogue"
    as_of: PartialDate | None = None
    description: str | None = None


@record(frozen=True)
class CatalogueLayer:
    """One layer of a catalogue: the name its entries carry, its `catalogue:` header and the `vocabulary:` it adds."""

    name: str
    info: CatalogueInfo = field(default_factory=CatalogueInfo)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    header: bool = False  # whether the layer has a `catalogue:` header of its own


Entry = Source | Person | Incident | Event | Question
T = TypeVar("T")


class DerivedRows(Protocol):
    """Rows of what a layer above derived from a catalogue, stored with its compiled index."""

    def get(self, keys: Collection[str]) -> dict[str, bytes]:
        """The values of those keys that exist."""
        ...

    def scan(self, prefix: str) -> Iterator[tuple[str, bytes]]:
        """Every row whose key starts with `prefix`."""
        ...


class CatalogueIndex(Protocol):
    """Lookups a compiled index answers without reading every entry (see `faq_cli/store/read.py`).

    Each returns a superset of what the caller wants, in file order: the query
    functions still apply their own filters, so answers never depend on the index.
    """

    def dated(
        self, section: str, years: tuple[int, ...], since: PartialDate | None, until: PartialDate | None, person: str | None
    ) -> list[Incident] | list[Event]:
        """Incidents or events whose span may meet the date filters and that may involve `person`."""
        ...

    def citing(self, ids: Collection[str]) -> list[Question]:
        """Questions whose `related` list may name one of `ids`."""
        ...

    def mentions(self, ids: Collection[str], last: int | None) -> tuple[list[str], list[Question]]:
        """The ids of the questions whose `related` list names one of `ids`, in file order, and the last `last` of
        those questions (all of them with None). Exact, not a superset: the ids count what a profile says."""
        ...

    def candidates(self, section: str, text: str) -> Mapping[str, Entry] | None:
        """The entries of `section` most likely to match `text`; None when the section is small enough to rank whole."""
        ...

    def derived(self, name: str) -> DerivedRows | None:
        """The rows a layer above derived from the whole catalogue when the index was built (None: derive them now)."""
        ...

    def parsed(self, section: str, entry_id: str, text: str) -> Sequence[object] | None:
        """The tokens markdown-it gave for an entry's Markdown field when the index was built, if that field is `text`."""
        ...


@record()
class Catalogue:
    """A whole, validated catalogue: every section in file order, references resolved.

    The sections are plain dicts when loaded from YAML, and mappings that read
    entries on demand when served from the index (which then sets `index`).
    """

    info: CatalogueInfo = field(default_factory=CatalogueInfo)
    synonyms: tuple[tuple[str, ...], ...] = ()
    sources: Mapping[str, Source] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    incidents: Mapping[str, Incident] = field(default_factory=dict)
    events: Mapping[str, Event] = field(default_factory=dict)
    questions: Mapping[str, Question] = field(default_factory=dict)
    index: CatalogueIndex | None = None
    layers: tuple[CatalogueLayer, ...] = ()

    def layer(self, name: str) -> CatalogueLayer | None:
        """The layer an entry's `catalogue` names (None for an entry built outside a load)."""
        return next((layer for layer in self.layers if layer.name == name), None)

    def choices(self) -> dict[str, tuple[str, ...] | None]:
        """The values each choice field allows in the top layer (what a new entry there may use); None: any text."""
        return allowed_choices([layer.choices for layer in self.layers])[-1] if self.layers else dict(CHOICE_DEFAULTS)

    def section_of(self, entry_id: str) -> str | None:
        """The section holding an id, for `related` lists (people first)."""
        for name in ("people", "incidents", "events", "questions", "sources"):
            if entry_id in getattr(self, name):
                return name
        return None

    def lookup(self, entry_id: str) -> Entry | None:
        section = self.section_of(entry_id)
        entries: Mapping[str, Entry] = getattr(self, section) if section else {}
        return entries.get(entry_id)


def allowed_choices(declared: Sequence[Mapping[str, Sequence[str]]]) -> list[dict[str, tuple[str, ...] | None]]:
    """Per layer, the values each choice field allows there: a layer may use what it and the layers under it list.

    A closed field (outcome, attribution) allows its defaults and every value listed for it; an open one
    (kinds, roles) allows any text until a layer lists values for it, and then only the values listed.
    """
    allowed: dict[str, tuple[str, ...] | None] = dict(CHOICE_DEFAULTS)
    out: list[dict[str, tuple[str, ...] | None]] = []
    for layer in declared:
        for name, values in layer.items():
            before = allowed.get(name)
            allowed[name] = tuple(dict.fromkeys([*(before or ()), *values]))
        out.append(dict(allowed))
    return out
