"""The catalogue as a whole: the overview `faq` prints with no command, and the counts behind `faq stats`.

Pure functions over a loaded catalogue, like query.py; the renderers draw them.
"""

from __future__ import annotations

import shlex
from collections import Counter
from dataclasses import dataclass

from faq_cli.model import VERIFICATION_LEVELS, Catalogue, CatalogueInfo, PartialDate

# Sections in the order a reader meets them, with the command that lists each.
SECTION_COMMANDS = (
    ("questions", "questions"),
    ("incidents", "incidents"),
    ("events", "timeline"),
    ("people", "people"),
    ("sources", "sources"),
)
# The sections whose entries carry a verification level.
VERIFIED_SECTIONS = ("incidents", "events", "questions", "people")
# Years between the first and last incident are all drawn (zeros too) unless the span is wider than this.
MAX_FILLED_YEARS = 100
MAX_EXAMPLE_QUESTION = 48


@dataclass(frozen=True, slots=True)
class Example:
    command: str
    purpose: str


@dataclass(frozen=True, slots=True)
class Overview:
    """What `faq` alone shows: the catalogue's name and date, what it holds, and commands to try."""

    info: CatalogueInfo
    counts: dict[str, int]
    first: PartialDate | None
    last: PartialDate | None
    examples: list[Example]
    prog: str = "faq"  # how the commands shown begin: `faq` with the call's `--data` options
    layers: tuple[str, ...] = ()  # the names of the catalogue's layers, when it has more than one


@dataclass(frozen=True, slots=True)
class LevelCount:
    """How many entries of each section stand at one verification level."""

    level: str
    sections: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.sections.values())


@dataclass(frozen=True, slots=True)
class Stats:
    info: CatalogueInfo
    per_year: list[tuple[int, int]]
    per_kind: list[tuple[str, int]]
    verification: list[LevelCount]


def overview(catalogue: Catalogue, prog: str = "faq") -> Overview:
    """Counts per section, the span of dated entries, and example commands that work on this catalogue
    (each begins with `prog`, so that it runs as printed)."""
    counts = {section: len(getattr(catalogue, section)) for section, _ in SECTION_COMMANDS}
    dates = [i.date for i in catalogue.incidents.values()] + [e.date for e in catalogue.events.values()]
    layers = tuple(layer.name for layer in catalogue.layers) if len(catalogue.layers) > 1 else ()
    first, last = min(dates, default=None), max(dates, default=None)
    return Overview(catalogue.info, counts, first, last, _examples(catalogue, prog), prog, layers)


def _examples(catalogue: Catalogue, prog: str) -> list[Example]:
    examples: list[Example] = []
    if catalogue.questions:
        # Curators put the main question first; a long one gives way to the shortest.
        question = next(iter(catalogue.questions.values()))
        if len(question.question) > MAX_EXAMPLE_QUESTION:
            question = min(catalogue.questions.values(), key=lambda q: len(q.question))
        examples.append(Example(f"{prog} ask {shlex.quote(question.question)}", "in your own words"))
    if catalogue.incidents:
        latest = max(i.date.year for i in catalogue.incidents.values())
        examples.append(Example(f"{prog} incidents --year {latest}", "a year's incidents"))
    if catalogue.people:
        examples.append(Example(f"{prog} profile {shlex.quote(_short_name(catalogue))}", "one person in full"))
    if catalogue.incidents or catalogue.events:
        examples.append(Example(f"{prog} timeline", "everything by date"))
    examples.append(Example(f"{prog} stats", "charts"))
    examples.append(Example("faq --help", "all commands"))
    return examples


def _short_name(catalogue: Catalogue) -> str:
    """The surname of the person in the latest incident (else the first person) if no one else bears it; else their id.

    A plain word count rather than the fuzzy matcher: the overview must not pay for loading search.
    """
    latest = sorted((i for i in catalogue.incidents.values() if i.people), key=lambda i: (i.date, i.id))
    person_id = latest[-1].people[0].person if latest else next(iter(catalogue.people))
    words = catalogue.people[person_id].name.split()
    if not words:
        return person_id
    surname = words[-1]
    bearers = [p for p in catalogue.people.values() if surname.casefold() in (w.casefold() for n in p.names for w in n.split())]
    return surname if len(bearers) == 1 else person_id


def stats(catalogue: Catalogue) -> Stats:
    """Incidents per year (gaps filled) and per kind, and entries per verification level."""
    years = Counter(i.date.year for i in catalogue.incidents.values())
    if years and max(years) - min(years) < MAX_FILLED_YEARS:
        per_year = [(y, years.get(y, 0)) for y in range(min(years), max(years) + 1)]
    else:
        per_year = sorted(years.items())
    kinds = Counter(i.kind for i in catalogue.incidents.values())
    per_kind = sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
    levels = []
    for level in VERIFICATION_LEVELS:
        sections = {s: sum(1 for e in getattr(catalogue, s).values() if e.verification == level) for s in VERIFIED_SECTIONS}
        levels.append(LevelCount(level, sections))
    return Stats(catalogue.info, per_year, per_kind, levels)
