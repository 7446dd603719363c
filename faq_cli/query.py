"""What each command asks of a catalogue: pure functions returning result objects.

No printing, no exit codes: the CLI hands these results to a renderer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from faq_cli import search
from faq_cli.model import Catalogue, Event, Incident, Involvement, PartialDate, Person, Question, Source

SECTION_TYPE = {"people": "person", "incidents": "incident", "events": "event", "questions": "question", "sources": "source"}


@dataclass(frozen=True, slots=True)
class Related:
    """A pointer to another entry, with what a reader needs to recognise it."""

    id: str
    type: str
    label: str


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    label: str
    score: float


@dataclass(frozen=True, slots=True)
class NoMatch:
    """Nothing matched well enough; the closest candidates, best first."""

    query: str
    what: str
    candidates: list[Candidate]
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    query: str
    question: Question | None
    score: float
    alternatives: list[Candidate]
    sources: list[Source] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PersonRole:
    """A person's part in an incident, with the name to show."""

    involvement: Involvement
    name: str


@dataclass(frozen=True, slots=True)
class IncidentView:
    incident: Incident
    people: list[PersonRole]
    sources: list[Source]
    questions: list[Related]
    events: list[Related]


@dataclass(frozen=True, slots=True)
class TimelineItem:
    date: PartialDate
    type: str
    id: str
    title: str
    kind: str | None
    verification: str
    end: PartialDate | None = None
    people: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Profile:
    person: Person
    incidents: list[tuple[Incident, Involvement]]
    events: list[Event]
    questions: list[Question]
    sources: list[Source]


@dataclass(frozen=True, slots=True)
class SourceUse:
    source: Source
    cited_by: list[Related]


def related(catalogue: Catalogue, ids: Iterable[str]) -> list[Related]:
    """Resolve ids from any section into labelled pointers (unknown ids are skipped)."""
    out: list[Related] = []
    for entry_id in ids:
        section = catalogue.section_of(entry_id)
        if section is None:
            continue
        entry = getattr(catalogue, section)[entry_id]
        label = getattr(entry, "name", None) or getattr(entry, "title", None) or getattr(entry, "question", entry_id)
        out.append(Related(entry_id, SECTION_TYPE[section], str(label)))
    return out


def sources_of(catalogue: Catalogue, ids: Iterable[str]) -> list[Source]:
    seen: dict[str, Source] = {}
    for sid in ids:
        if sid in catalogue.sources and sid not in seen:
            seen[sid] = catalogue.sources[sid]
    return list(seen.values())


# ---- questions -------------------------------------------------------------------------------


def numbered_questions(catalogue: Catalogue, tag: str | None = None) -> list[tuple[int, Question]]:
    """Every question with its stable number (file order); `tag` filters without renumbering."""
    wanted = search.normalise(tag) if tag else None
    return [
        (n, q)
        for n, q in enumerate(catalogue.questions.values(), start=1)
        if wanted is None or wanted in (search.normalise(t) for t in q.tags)
    ]


def ask(catalogue: Catalogue, query: str, top: int = 3) -> Answer:
    """The best-matching question, or none when no question fits well enough."""
    direct = _question_by_id_or_number(catalogue, query)
    ranked = search.rank_questions(query, catalogue)
    if direct is not None:
        ranked = [search.Scored(direct.id, 100.0)] + [s for s in ranked if s.id != direct.id]
        best: search.Scored | None = ranked[0]
    else:
        best = search.confident(ranked, search.QUESTION_THRESHOLD, search.QUESTION_MARGIN)
    rest = [s for s in ranked if best is None or s.id != best.id][: max(top, 0)]
    alternatives = [Candidate(s.id, catalogue.questions[s.id].question, round(s.score, 1)) for s in rest]
    if best is None:
        return Answer(query, None, 0.0, alternatives)
    question = catalogue.questions[best.id]
    return Answer(
        query,
        question,
        round(best.score, 1),
        alternatives,
        sources_of(catalogue, question.sources),
        related(catalogue, question.related),
    )


def _question_by_id_or_number(catalogue: Catalogue, query: str) -> Question | None:
    text = query.strip()
    if text in catalogue.questions:
        return catalogue.questions[text]
    if text.isdigit() and text.isascii():
        number = int(text)
        if 1 <= number <= len(catalogue.questions):
            return list(catalogue.questions.values())[number - 1]
    return None


# ---- people ----------------------------------------------------------------------------------


def find_person(catalogue: Catalogue, name: str) -> Person | NoMatch:
    """The one person `name` refers to, or the closest candidates when that is unclear."""
    if name.strip() in catalogue.people:
        return catalogue.people[name.strip()]
    ranked = search.rank_people(name, catalogue)
    best = search.confident(ranked, search.PERSON_THRESHOLD, search.PERSON_MARGIN)
    if best is not None:
        return catalogue.people[best.id]
    ambiguous = len(ranked) > 1 and ranked[1].score >= search.PERSON_THRESHOLD
    shown = [s for s in ranked if s.score >= search.PERSON_THRESHOLD] if ambiguous else ranked[:3]
    return NoMatch(name, "person", [Candidate(s.id, catalogue.people[s.id].name, round(s.score, 1)) for s in shown], ambiguous)


def profile(catalogue: Catalogue, person: Person) -> Profile:
    """Everything the catalogue says about one person."""
    incidents = [
        (incident, involvement)
        for incident in sorted(catalogue.incidents.values(), key=lambda i: (i.date, i.id))
        for involvement in incident.people
        if involvement.person == person.id
    ]
    events = sorted((e for e in catalogue.events.values() if person.id in e.people), key=lambda e: (e.date, e.id))
    incident_ids = {i.id for i, _ in incidents}
    questions = [q for q in catalogue.questions.values() if person.id in q.related or incident_ids.intersection(q.related)]
    source_ids = [
        *person.sources,
        *(s for p in person.positions for s in p.sources),
        *(s for x in person.sanctions for s in x.sources),
    ]
    source_ids += [s for h in person.honours for s in h.sources]
    return Profile(person, incidents, events, questions, sources_of(catalogue, source_ids))


def people(catalogue: Catalogue) -> list[Person]:
    return list(catalogue.people.values())


# ---- incidents and timeline --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateFilter:
    """`--year` (any of), `--since`, `--until`: partial dates compare by the span they cover."""

    years: tuple[int, ...] = ()
    since: PartialDate | None = None
    until: PartialDate | None = None

    def admits(self, date: PartialDate) -> bool:
        if self.years and date.year not in self.years:
            return False
        if self.since is not None and date.end() < self.since:
            return False
        return not (self.until is not None and date > self.until.end())


def incidents(
    catalogue: Catalogue,
    dates: DateFilter = DateFilter(),
    kind: str | None = None,
    person: Person | None = None,
    place: str | None = None,
    reverse: bool = False,
) -> list[Incident]:
    """Incidents that pass every filter, oldest first (newest first with `reverse`)."""
    kind_key = search.normalise(kind) if kind else None
    place_key = search.normalise(place) if place else None
    chosen = [
        i
        for i in catalogue.incidents.values()
        if dates.admits(i.date)
        and (kind_key is None or kind_key in search.normalise(i.kind))
        and (place_key is None or place_key in search.normalise(i.place))
        and (person is None or any(p.person == person.id for p in i.people))
    ]
    chosen.sort(key=lambda i: (i.date, i.id), reverse=reverse)
    return chosen


def find_incident(catalogue: Catalogue, text: str) -> Incident | NoMatch:
    """An incident by id, or by the words of its title, place or people."""
    if text.strip() in catalogue.incidents:
        return catalogue.incidents[text.strip()]
    ranked = search.rank_incidents(text, catalogue)
    best = search.confident(ranked, search.INCIDENT_THRESHOLD, search.INCIDENT_MARGIN)
    if best is not None:
        return catalogue.incidents[best.id]
    return NoMatch(text, "incident", [Candidate(s.id, catalogue.incidents[s.id].title, round(s.score, 1)) for s in ranked[:3]])


def incident_view(catalogue: Catalogue, incident: Incident) -> IncidentView:
    roles = [PersonRole(p, catalogue.people[p.person].name) for p in incident.people]
    source_ids = [*incident.sources, *(incident.attribution.sources if incident.attribution else ())]
    source_ids += [s for d in incident.disputes for s in d.sources]
    questions = [Related(q.id, "question", q.question) for q in catalogue.questions.values() if incident.id in q.related]
    people_ids = {p.person for p in incident.people}
    events = [
        Related(e.id, "event", e.title)
        for e in sorted(catalogue.events.values(), key=lambda e: (e.date, e.id))
        if abs(_days(e.date) - _days(incident.date)) <= 7 or (people_ids & set(e.people) and e.date.year == incident.date.year)
    ]
    return IncidentView(incident, roles, sources_of(catalogue, source_ids), questions, events)


def _days(date: PartialDate) -> int:
    import datetime as dt

    return dt.date(date.year, date.month or 1, date.day or 1).toordinal()


def timeline(catalogue: Catalogue, dates: DateFilter = DateFilter(), person: Person | None = None) -> list[TimelineItem]:
    """Incidents, events (and a person's position starts) in date order."""
    items: list[TimelineItem] = []
    for i in catalogue.incidents.values():
        involved = tuple(p.person for p in i.people)
        if person is None or person.id in involved:
            items.append(TimelineItem(i.date, "incident", i.id, i.title, i.kind, i.verification, None, involved))
    for e in catalogue.events.values():
        if person is None or person.id in e.people:
            items.append(TimelineItem(e.date, "event", e.id, e.title, e.kind, e.verification, e.end, e.people))
    if person is not None:
        for n, pos in enumerate(person.positions):
            if pos.start is not None:
                title = f"{person.name} becomes {pos.title}, {pos.organisation}"
                items.append(TimelineItem(pos.start, "position", f"{person.id}-position-{n + 1}", title, "position", "confirmed"))
    items = [item for item in items if dates.admits(item.date)]
    order = {"position": 0, "event": 1, "incident": 2}
    items.sort(key=lambda t: (t.date, order[t.type], t.id))
    return items


# ---- sources -----------------------------------------------------------------------------------


def source_uses(catalogue: Catalogue) -> list[SourceUse]:
    """Each source with the entries that cite it anywhere."""
    cites: dict[str, list[Related]] = {sid: [] for sid in catalogue.sources}
    for section in ("people", "incidents", "events", "questions"):
        for entry in getattr(catalogue, section).values():
            for sid in sorted(_cited(entry)):
                if sid in cites:
                    label = getattr(entry, "name", None) or getattr(entry, "title", None) or entry.question
                    cites[sid].append(Related(entry.id, SECTION_TYPE[section], label))
    return [SourceUse(source, cites[sid]) for sid, source in catalogue.sources.items()]


def _cited(entry: object) -> set[str]:
    """Every source id anywhere inside an entry."""
    found: set[str] = set()
    for name in getattr(entry, "__slots__", ()):
        value = getattr(entry, name)
        if name == "sources":
            found.update(value)
        elif isinstance(value, tuple):
            for item in value:
                if hasattr(item, "__slots__"):
                    found |= _cited(item)
        elif hasattr(value, "__slots__") and not isinstance(value, PartialDate):
            found |= _cited(value)
    return found


def parse_years(values: Sequence[str]) -> tuple[int, ...]:
    """`--year` values; raises ValueError naming the bad one."""
    years = []
    for v in values:
        if not (v.isascii() and v.isdigit() and len(v) == 4):
            raise ValueError(f"'{v}' is not a year (expected four digits, such as 2025)")
        years.append(int(v))
    return tuple(years)
