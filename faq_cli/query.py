"""What each command asks of a catalogue: pure functions returning result objects.

No printing, no exit codes: the CLI hands these results to a renderer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from faq_cli.catalogue.model import (
    Catalogue,
    Dispute,
    Event,
    Incident,
    Involvement,
    PartialDate,
    Person,
    Position,
    Question,
    Source,
)

if TYPE_CHECKING:
    from faq_cli import search
    from faq_cli.text import names
else:  # the matchers (rapidfuzz, their tables) load on first use: `incidents --year` needs neither,
    # `profile` only names, which is small
    from faq_cli._lazy import lazy_module

    names = lazy_module("faq_cli.text.names")
    search = lazy_module("faq_cli.search")

SECTION_TYPE = {"people": "person", "incidents": "incident", "events": "event", "questions": "question", "sources": "source"}

# Result classes are NamedTuples, not frozen dataclasses: as immutable, and about five times cheaper to
# create at import (a dataclass compiles six methods apiece), which every command's start-up pays.


class Related(NamedTuple):
    """A pointer to another entry, with what a reader needs to recognise it."""

    id: str
    type: str
    label: str
    date: PartialDate | None = None
    catalogue: str = ""  # the layer the entry comes from


class Candidate(NamedTuple):
    id: str
    label: str
    score: float
    kind: str = "question"
    catalogue: str = ""


class NoMatch(NamedTuple):
    """Nothing matched well enough; the closest candidates, best first (and an entry the query names, to open)."""

    query: str
    what: str
    candidates: list[Candidate]
    ambiguous: bool = False
    hint: Related | None = None


class Fact(NamedTuple):
    """One of an entry's own fields, stated in a line or two: what a question about that field asked."""

    field: str  # age, born, birthplace, status, position; date, place, casualties, targets, attribution
    text: str
    sources: list[Source]


class Answer(NamedTuple):
    """What `faq ask` found: the matched entry of any kind (or none), with what to show beside it.

    A question keeps its own fields (`question`, `sources`, `related`, `disputes`, `parsed`); a person,
    incident or event comes with its card (`view`), and a question about one of its fields with the
    `fact`. With no confident match, `hint` may name an entry the query speaks of, to open directly."""

    query: str
    question: Question | None
    score: float
    alternatives: list[Candidate]
    sources: list[Source]
    related: list[Related]
    disputes: list[DisputeView]
    parsed: Mapping[str, Sequence[object]] = {}  # its Markdown texts as parsed when the index was built (see _parsed)
    kind: str | None = None  # question, person, incident or event; None when nothing matched well enough
    entry: Question | Person | Incident | Event | None = None
    view: Profile | IncidentView | EventView | None = None
    fact: Fact | None = None
    hint: Related | None = None


class PersonRole(NamedTuple):
    """A person's part in an incident, with the name to show."""

    involvement: Involvement
    name: str


class DisputeView(NamedTuple):
    """One disagreement: what the entry states (when it names the field) beside another source's claim."""

    about: str | None
    stated: str | None
    stated_sources: list[Source]
    claim: str
    claim_sources: list[Source]


class IncidentView(NamedTuple):
    incident: Incident
    people: list[PersonRole]
    sources: list[Source]
    questions: list[Related]
    events: list[Related]
    disputes: list[DisputeView]
    incidents: list[Related]
    parsed: Mapping[str, Sequence[object]] = {}  # its Markdown texts as parsed when the index was built (see _parsed)


class IncidentRow(NamedTuple):
    """An incident as the `incidents` listing shows it: its people named and, when asked for, its sources."""

    incident: Incident
    people: list[PersonRole]
    sources: list[Source]  # empty unless `incident_rows` was asked for them (only Markdown links them)


class EventView(NamedTuple):
    event: Event
    people: list[Related]
    sources: list[Source]
    questions: list[Related]
    incidents: list[Related]  # within a week of it
    disputes: list[DisputeView]
    parsed: Mapping[str, Sequence[object]] = {}


class TimelineItem(NamedTuple):
    """One dated line of a timeline: an incident, an event, or a position a person took up.

    `type` is "incident", "event" or "position"; positions appear only in a person's
    timeline, with the id `<person>-position-<n>` (n counts the person's positions from 1).
    """

    date: PartialDate
    type: str
    id: str
    title: str
    kind: str | None
    verification: str
    end: PartialDate | None = None
    people: tuple[str, ...] = ()
    entry: Incident | Event | Position | None = None
    roles: tuple[PersonRole, ...] = ()  # an incident's people named, when `timeline` was asked to (`named`)


class Profile(NamedTuple):
    person: Person
    incidents: list[tuple[Incident, Involvement]]  # every one they are involved in
    events: list[Event]  # every one they take part in
    questions: list[Question]  # of the questions that mention them or their incidents, the most recent (see profile)
    sources: list[Source]
    disputes: list[DisputeView]
    parsed: Mapping[str, Sequence[object]] = {}  # its Markdown texts as parsed when the index was built (see _parsed)
    mentions: tuple[str, ...] = ()  # the ids of every question that mentions them, in catalogue order


# A profile lists a person's own incidents and events in full, and of the questions that mention them (or one
# of their incidents) the most recent this many, with how many there are and the command that lists them all:
# in a catalogue of 200,000 incidents someone may be mentioned thousands of times.
MENTIONS_SHOWN = 15


class SourceUse(NamedTuple):
    source: Source
    cited_by: list[Related]


class StaleNote(NamedTuple):
    """An answer from a layer whose `as_of` date is older than the threshold: when it was current, and how to
    refresh it (a command, for a catalogue that `faq catalogue update` keeps)."""

    catalogue: str
    as_of: PartialDate
    days: int  # the threshold it is older than
    update: str | None = None


STALE_DAYS = 180  # the default threshold (FAQ_CLI_STALE_DAYS)


def stale_note(catalogue: Catalogue, layer: str, today: PartialDate, days: int, update: str | None = None) -> StaleNote | None:
    """The note an answer from `layer` carries when the layer's `as_of` is more than `days` before `today`
    (a partial date counts from its end: `2025-12` is current to 31 Dec 2025); None when it is not, or `days` is 0."""
    found = catalogue.layer(layer)
    as_of = found.info.as_of if found is not None else None
    if as_of is None or days <= 0:
        return None
    return StaleNote(layer, as_of, days, update) if _days(today) - _days(as_of.end()) > days else None


def related(catalogue: Catalogue, ids: Iterable[str]) -> list[Related]:
    """Resolve ids from any section into labelled pointers (unknown ids are skipped)."""
    out: list[Related] = []
    for entry_id in ids:
        section = catalogue.section_of(entry_id)
        if section is None:
            continue
        entry = getattr(catalogue, section)[entry_id]
        label = getattr(entry, "name", None) or getattr(entry, "title", None) or getattr(entry, "question", entry_id)
        out.append(Related(entry_id, SECTION_TYPE[section], str(label), getattr(entry, "date", None), entry.catalogue))
    return out


def _pointer(entry: Question | Incident | Event) -> Related:
    """A pointer to a question (by its question), an incident or an event (by its title and date)."""
    if isinstance(entry, Question):
        return Related(entry.id, "question", entry.question, None, entry.catalogue)
    kind = "incident" if isinstance(entry, Incident) else "event"
    return Related(entry.id, kind, entry.title, entry.date, entry.catalogue)


def sources_of(catalogue: Catalogue, ids: Iterable[str]) -> list[Source]:
    seen: dict[str, Source] = {}
    for sid in ids:
        if sid in catalogue.sources and sid not in seen:
            seen[sid] = catalogue.sources[sid]
    return list(seen.values())


# ---- disputes ----------------------------------------------------------------------------------


_ABOUT_FIELD = {"position": "positions", "casualty": "casualties", "honour": "honours", "sanction": "sanctions"}


def disputes(catalogue: Catalogue, entry: Person | Incident | Event | Question) -> list[DisputeView]:
    """The entry's disputes, each beside what the entry itself states about the disputed field."""
    views: list[DisputeView] = []
    for d in entry.disputes:
        stated, field_sources = _stated(entry, d)
        preferred = [s for s in field_sources if s not in d.sources] or list(field_sources)
        about = _label_of(catalogue, d.about)
        views.append(
            DisputeView(
                about, stated, sources_of(catalogue, preferred) if stated else [], d.claim, sources_of(catalogue, d.sources)
            )
        )
    return views


def _label_of(catalogue: Catalogue, text: str | None) -> str | None:
    """What a reader is shown for `about`: an entry's label when it names one by id ('yeletskaya-explosion-2025'
    is shown as the explosion's title), the text itself otherwise."""
    if text is None:
        return None
    found = related(catalogue, [text.strip()])
    return found[0].label if found else text


def _stated(entry: Person | Incident | Event | Question, dispute: Dispute) -> tuple[str | None, tuple[str, ...]]:
    """The entry's own version of the field a dispute is about, with the sources that back it."""
    about = " ".join((dispute.about or "").casefold().split())
    name = _ABOUT_FIELD.get(about, about)
    own = tuple(getattr(entry, "sources", ()))
    value = getattr(entry, name, None) if name and name in getattr(entry, "__slots__", ()) else None
    if value is None or value == ():
        return None, own
    if isinstance(value, PartialDate):
        return value.human(), own
    if isinstance(value, str):
        return value, own
    if name == "attribution":
        return f"{value.status} by {value.by}" if value.by else value.status, value.sources or own
    if name == "casualties":
        counts = [f"{n} {label}" for n, label in ((value.killed, "killed"), (value.wounded, "wounded")) if n is not None]
        return ", ".join(counts) or None, own
    if name == "status":
        return f"{value.state} (as of {value.as_of.human()})", own
    if name == "positions":
        text = "; ".join(f"{p.title}, {p.organisation}" + (f" ({p.span()})" if p.span() else "") for p in value)
        return text, tuple(s for p in value for s in p.sources) or own
    if name in ("honours", "sanctions"):
        labels = [getattr(x, "title", None) or f"{x.by} ({x.date.human()})" for x in value]
        return "; ".join(labels), tuple(s for x in value for s in x.sources) or own
    return None, own


# ---- questions -------------------------------------------------------------------------------


def numbered_questions(catalogue: Catalogue, tag: str | None = None) -> list[tuple[int, Question]]:
    """Every question with its stable number (file order); `tag` filters without renumbering."""
    wanted = names.normalise(tag) if tag else None
    return [
        (n, q)
        for n, q in enumerate(catalogue.questions.values(), start=1)
        if wanted is None or wanted in (names.normalise(t) for t in q.tags)
    ]


def ask(catalogue: Catalogue, query: str, top: int = 3) -> Answer:
    """The entry of any kind that answers the query (or a stated fact from it), or none when no entry fits
    well enough; with the runners-up."""
    query = names.printable(query)
    found = search.answer(catalogue, query)
    ranked = list(found.ranked)
    best = found.best
    direct = _direct(catalogue, query)
    if direct is not None:
        best = search.Found(direct[0], direct[1].id, _entry_label(direct[1]), 100.0, 1.0)
        ranked = [best, *(f for f in ranked if (f.kind, f.id) != (best.kind, best.id))]
    fact: Fact | None = None
    if direct is None and not _asks_its_own_question(found):
        asked = _asked_fact(catalogue, query, ranked[:FACT_CANDIDATES])
        if asked is not None:
            best, fact = asked
            ranked = [best, *(f for f in ranked if (f.kind, f.id) != (best.kind, best.id))]
    rest = [f for f in ranked if best is None or (f.kind, f.id) != (best.kind, best.id)][: max(top, 0)]
    alternatives = [Candidate(f.id, f.label, f.score, f.kind, _entry(catalogue, f.kind, f.id).catalogue) for f in rest]
    if best is None:
        return Answer(query, None, 0.0, alternatives, [], [], [], hint=_named_entry(catalogue, query, ranked[:FACT_CANDIDATES]))
    return _answer(catalogue, query, _entry(catalogue, best.kind, best.id), best.score, alternatives, fact)


def _answer(
    catalogue: Catalogue,
    query: str,
    entry: Question | Person | Incident | Event,
    score: float,
    alternatives: list[Candidate],
    fact: Fact | None = None,
) -> Answer:
    """The answer that shows `entry`: a question with its sources, related entries and disputes, or the card
    of a person, incident or event."""
    if isinstance(entry, Question):
        return Answer(
            query,
            entry,
            score,
            alternatives,
            sources_of(catalogue, entry.sources),
            related(catalogue, entry.related),
            disputes(catalogue, entry),
            _parsed(catalogue, "questions", entry.id, entry.answer),
            "question",
            entry,
        )
    kind = "person" if isinstance(entry, Person) else "incident" if isinstance(entry, Incident) else "event"
    view: Profile | IncidentView | EventView
    if isinstance(entry, Person):
        view = profile(catalogue, entry)
    elif isinstance(entry, Incident):
        view = incident_view(catalogue, entry)
    else:
        view = event_view(catalogue, entry)
    return Answer(query, None, score, alternatives, view.sources, [], view.disputes, {}, kind, entry, view, fact)


def entry_answer(catalogue: Catalogue, kind: str, entry_id: str) -> Answer:
    """One entry of any kind, by its kind and id, as `ask` shows it (what `faq browse` opens)."""
    return _answer(catalogue, entry_id, _entry(catalogue, kind, entry_id), 100.0, [])


def every_entry(catalogue: Catalogue) -> list[Related]:
    """Every question, person, incident and event, a kind at a time, each in file order (or date order)."""
    found = [Related(q.id, "question", q.question) for q in catalogue.questions.values()]
    found += [Related(p.id, "person", p.name) for p in catalogue.people.values()]
    found += [
        Related(i.id, "incident", i.title, i.date) for i in sorted(catalogue.incidents.values(), key=lambda i: (i.date, i.id))
    ]
    found += [Related(e.id, "event", e.title, e.date) for e in sorted(catalogue.events.values(), key=lambda e: (e.date, e.id))]
    return found


BROWSE_LIMIT = 200  # `faq browse` lists at most this many hits for a filter (every entry without one)


def matching_entries(catalogue: Catalogue, text: str) -> list[Related]:
    """The entries `faq search` finds for `text`, best first; every entry when `text` is blank."""
    if not text.strip():
        return every_entry(catalogue)
    return [Related(h.id, h.type, h.title) for h in search_entries(catalogue, text, None, BROWSE_LIMIT).hits]


_KIND_SECTION = {"question": "questions", "person": "people", "incident": "incidents", "event": "events"}


def _entry(catalogue: Catalogue, kind: str, entry_id: str) -> Question | Person | Incident | Event:
    entry: Question | Person | Incident | Event = getattr(catalogue, _KIND_SECTION[kind])[entry_id]
    return entry


def _entry_label(entry: Question | Person | Incident | Event) -> str:
    if isinstance(entry, Question):
        return entry.question
    return entry.name if isinstance(entry, Person) else entry.title


def _direct(catalogue: Catalogue, query: str) -> tuple[str, Question | Person | Incident | Event] | None:
    """An entry the query names by its id, or a question by its number."""
    text = query.strip()
    for kind, section in _KIND_SECTION.items():
        entries = getattr(catalogue, section)
        if text in entries:
            return kind, entries[text]
    number = question_number(text)
    if number is not None and 1 <= number <= len(catalogue.questions):
        return "question", catalogue.questions[list(catalogue.questions)[number - 1]]
    return None


def question_number(text: str) -> int | None:
    """The number a query gives, when it is one (`faq ask 3`)."""
    text = text.strip()
    if text.isdigit() and text.isascii() and len(text) <= 9:  # int() refuses very long digit strings
        return int(text)
    return None


def _named_entries(catalogue: Catalogue, query: str, found: Sequence[search.Found]) -> list[search.Found]:
    """The people, incidents and events the query names, best ranked first: people by a word of their
    name (any spelling), incidents and events by the words of their title."""
    people = names.people_in(query, catalogue)

    def names_it(f: search.Found) -> bool:
        if f.kind == "question":
            return False
        if f.named >= NAMED or (f.kind == "person" and f.id in people):
            return True
        entry = _entry(catalogue, f.kind, f.id)
        involved = [p.person for p in entry.people] if isinstance(entry, Incident) else list(getattr(entry, "people", ()))
        return any(p in people for p in involved)

    named = [f for f in found if names_it(f)]
    seen = {f.id for f in named if f.kind == "person"}
    for person_id in people:
        if person_id not in seen:
            named.append(search.Found("person", person_id, catalogue.people[person_id].name, 0.0, 1.0))
    return named


def _named_entry(catalogue: Catalogue, query: str, found: Sequence[search.Found]) -> Related | None:
    """The entry to open with `faq profile`, `faq incident` or `faq event` when no answer fits: one the query
    names (only when it names one alone)."""
    named = _named_entries(catalogue, query, found)
    return related(catalogue, [named[0].id])[0] if len(named) == 1 else None


NAMED = 0.5  # the share of the query's weight an entry's title must match for the query to name it
FACT_CANDIDATES = 15  # how far down the ranking a named entry is looked for, for a question about its fields
OWN_QUESTION = 0.8  # a confident question whose own wording matches this share of the query stays the answer


def _asks_its_own_question(found: search.Answered) -> bool:
    """Whether the query is, near enough, a catalogue question's own wording: its curated answer then wins
    over a stated fact ('when were the Abu Dhabi talks' is answered by that question, not the event's date)."""
    best = found.best
    return best is not None and best.kind == "question" and best.named >= OWN_QUESTION


def _asked_fact(catalogue: Catalogue, query: str, found: Sequence[search.Found]) -> tuple[search.Found, Fact] | None:
    """A person, incident or event the query names, with the field it asks about, when the entry states it."""
    for f in _named_entries(catalogue, query, found):
        field = search.asked_field(query, f.kind)
        if field is None:
            continue
        fact = stated_fact(catalogue, _entry(catalogue, f.kind, f.id), field)  # type: ignore[arg-type]
        if fact is not None:
            return f, fact
    return None


def stated_fact(catalogue: Catalogue, entry: Person | Incident | Event, field: str) -> Fact | None:
    """The field of the entry as a line or two of text, with the sources behind it; None when it is not stated."""
    sources = sources_of(catalogue, getattr(entry, "sources", ()))
    if isinstance(entry, Person):
        return _person_fact(catalogue, entry, field, sources)
    if field == "date":
        end = getattr(entry, "end", None)
        when = (
            f"from {entry.date.human()} to {end.human()}"
            if end
            else f"on {entry.date.human()}"
            if entry.date.day
            else f"in {entry.date.human()}"
        )
        return Fact(field, f"{entry.title}: {when}.", sources)
    if not isinstance(entry, Incident):
        return None
    if field == "place":
        return Fact(field, f"{entry.title}: {entry.place}.", sources)
    if field == "casualties" and entry.casualties is not None:
        c = entry.casualties
        counts = [f"{n} {label}" for n, label in ((c.killed, "killed"), (c.wounded, "wounded")) if n is not None]
        if not counts and not c.note:
            return None
        text = f"{entry.title}: {', '.join(counts) or 'casualties'}." + (f" {c.note}" if c.note else "")
        return Fact(field, text, sources)
    if field == "targets" and entry.people:
        who = [f"{catalogue.people[p.person].name} ({p.role}, {p.outcome})" for p in entry.people if p.person in catalogue.people]
        return Fact(field, f"{entry.title}: {'; '.join(who)}.", sources) if who else None
    if field == "attribution" and entry.attribution is not None:
        a = entry.attribution
        text = f"Attribution: {a.status}" + (f", by {a.by}" if a.by else "") + "." + (f" {a.note}" if a.note else "")
        return Fact(field, text, sources_of(catalogue, a.sources) or sources)
    return None


def _person_fact(catalogue: Catalogue, person: Person, field: str, sources: list[Source]) -> Fact | None:
    as_of = catalogue.info.as_of
    if field in ("age", "born") and person.born is not None:
        text = f"{person.name} was born {'on' if person.born.day else 'in'} {person.born.human()}"
        if field == "age" and as_of is not None:
            text += f"; {age(person.born, as_of)} as of {as_of.human()}, the catalogue's date"
        return Fact(field, text + ".", sources)
    if field == "birthplace" and person.birthplace:
        return Fact(field, f"{person.name} was born in {person.birthplace}.", sources)
    if field == "status" and person.status is not None:
        st = person.status
        text = f"{person.name}: {st.state} (as of {st.as_of.human()})." + (f" {st.note}" if st.note else "")
        return Fact(field, text, sources)
    if field == "position" and person.positions:
        main = person.main_position or person.positions[-1]
        span = main.span()
        text = f"{person.name}: {main.title}, {main.organisation}" + (f" ({span})" if span else "") + "."
        return Fact(field, text, sources_of(catalogue, main.sources) or sources)
    return None


def age(born: PartialDate, on: PartialDate) -> str:
    """A person's age on a date, as precise as both dates allow: '64', or '64 or 65' when they cannot say."""
    years = on.year - born.year
    if born.month and on.month:
        if born.day and on.day:
            return str(years - ((on.month, on.day) < (born.month, born.day)))
        if on.month != born.month:
            return str(years - (on.month < born.month))
    return f"{years - 1} or {years}"


# ---- search ----------------------------------------------------------------------------------

SEARCH_KINDS = ("question", "incident", "event", "person")


class SearchHit(NamedTuple):
    """One entry that matched, with a one-line excerpt and the spans of its matched words."""

    type: str
    id: str
    title: str
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    catalogue: str = ""


class SearchResult(NamedTuple):
    query: str
    kind: str | None
    hits: list[SearchHit]


def search_entries(catalogue: Catalogue, text: str, kind: str | None = None, limit: int = 10) -> SearchResult:
    """Questions, incidents, events and people ranked by how well they match `text` (or one kind of them)."""
    text = names.printable(text)
    hits = [
        SearchHit(h.kind, h.id, h.label, h.score, h.snippet.text, h.snippet.spans, _layer_of(catalogue, h.kind, h.id))
        for h in search.search(catalogue, text, kind, limit)
    ]
    return SearchResult(text, kind, hits)


def _layer_of(catalogue: Catalogue, kind: str, entry_id: str) -> str:
    section = _KIND_SECTION.get(kind)
    entry = getattr(catalogue, section).get(entry_id) if section else None
    return str(getattr(entry, "catalogue", ""))


# ---- people ----------------------------------------------------------------------------------


def find_person(catalogue: Catalogue, name: str) -> Person | NoMatch:
    """The one person `name` refers to, or the closest candidates when that is unclear."""
    if name.strip() in catalogue.people:
        return catalogue.people[name.strip()]
    ranked = names.rank_people(name, names.people_names(catalogue))
    return _one_or_candidates(name, "person", ranked, catalogue.people, names.PERSON_THRESHOLD, names.PERSON_MARGIN)


_Found = TypeVar("_Found", Person, Incident, Event)


def _one_or_candidates(
    text: str, what: str, ranked: list[names.Scored], entries: Mapping[str, _Found], threshold: float, margin: float
) -> _Found | NoMatch:
    """The confident best match, or every plausible one when several are (ambiguous), or the three closest."""
    best = names.confident(ranked, threshold, margin)
    if best is not None:
        return entries[best.id]
    ambiguous = len(ranked) > 1 and ranked[1].score >= threshold
    shown = [s for s in ranked if s.score >= threshold] if ambiguous else ranked[:3]
    candidates = [Candidate(s.id, _label(entries[s.id]), round(s.score, 1), what, entries[s.id].catalogue) for s in shown]
    return NoMatch(text, what, candidates, ambiguous)


def _label(entry: Person | Incident | Event) -> str:
    return entry.name if isinstance(entry, Person) else entry.title


def profile(catalogue: Catalogue, person: Person, every: bool = False) -> Profile:
    """Everything the catalogue says about one person (of the questions mentioning them, the most recent
    MENTIONS_SHOWN unless `every`)."""
    incidents = [
        (incident, involvement)
        for incident in sorted(_incidents_in(catalogue, person=person.id), key=lambda i: (i.date, i.id))
        for involvement in incident.people
        if involvement.person == person.id
    ]
    events = sorted((e for e in _events_in(catalogue, person=person.id) if person.id in e.people), key=lambda e: (e.date, e.id))
    incident_ids = {i.id for i, _ in incidents}
    mentions, questions = _mentions(catalogue, {person.id, *incident_ids}, None if every else MENTIONS_SHOWN)
    source_ids = [
        *person.sources,
        *(s for p in person.positions for s in p.sources),
        *(s for x in person.sanctions for s in x.sources),
    ]
    source_ids += [s for h in person.honours for s in h.sources]
    source_ids += [s for d in person.disputes for s in d.sources]
    sources = sources_of(catalogue, source_ids)
    parsed = _parsed(catalogue, "people", person.id, person.summary)
    return Profile(person, incidents, events, questions, sources, disputes(catalogue, person), parsed, tuple(mentions))


def people(catalogue: Catalogue) -> list[Person]:
    return list(catalogue.people.values())


# ---- incidents and timeline --------------------------------------------------------------------


class DateFilter(NamedTuple):
    """`--year` (any of), `--since`, `--until`: partial dates compare by the span they cover."""

    years: tuple[int, ...] = ()
    since: PartialDate | None = None
    until: PartialDate | None = None

    def admits(self, date: PartialDate, end: PartialDate | None = None) -> bool:
        """Whether the span from `date` to `end` (or all `date` can stand for) meets every filter."""
        first, last = date, (end or date).end()
        if self.years and not any(first.year <= y <= last.year for y in self.years):
            return False
        if self.since is not None and last < self.since:
            return False
        return not (self.until is not None and first > self.until.end())


ALL_DATES = DateFilter()  # no date filter


def incidents(
    catalogue: Catalogue,
    dates: DateFilter = ALL_DATES,
    kind: str | None = None,
    person: Person | None = None,
    place: str | None = None,
    reverse: bool = False,
) -> list[Incident]:
    """Incidents that pass every filter, oldest first (newest first with `reverse`)."""
    kind_key = names.normalise(kind) if kind else None
    place_key = names.normalise(place) if place else None
    chosen = [
        i
        for i in _incidents_in(catalogue, dates, person.id if person else None)
        if dates.admits(i.date)
        and (kind_key is None or _contains(names.normalise(i.kind), kind_key))
        and (place_key is None or _contains(names.normalise(i.place), place_key))
        and (person is None or any(p.person == person.id for p in i.people))
    ]
    chosen.sort(key=lambda i: (i.date, i.id), reverse=reverse)
    return chosen


def incident_rows(catalogue: Catalogue, items: Iterable[Incident], with_sources: bool = False) -> list[IncidentRow]:
    """The incidents as listed, each with its people named (a person the catalogue lacks by their id) and, with
    `with_sources`, its sources: reading them costs a lookup each in the index, which only Markdown needs."""
    rows = []
    for incident in items:
        roles = [PersonRole(p, _name_or_id(catalogue, p.person)) for p in incident.people]
        rows.append(IncidentRow(incident, roles, sources_of(catalogue, incident.sources) if with_sources else []))
    return rows


class Unknown(NamedTuple):
    """A filter value that names nothing in the catalogue: the values it knows, and the likeliest one meant."""

    option: str
    value: str
    missing: str  # what the catalogue lacks, in words: "no incident has this kind"
    known: list[str]  # what it has, as listed to the user
    suggestion: str | None


def unknown_kind(catalogue: Catalogue, kind: str) -> Unknown | None:
    """`--kind` as `incidents` matches it (the words of a kind, any case or punctuation), when no incident has it."""
    key = names.normalise(kind)
    kinds = sorted({i.kind for i in catalogue.incidents.values()})
    if any(_contains(names.normalise(k), key) for k in kinds):
        return None
    return Unknown("--kind", kind, "no incident has this kind", kinds, _closest(key, kinds))


def unknown_tag(catalogue: Catalogue, tag: str) -> Unknown | None:
    """`--tag` when no question carries it (compared as `numbered_questions` compares)."""
    key = names.normalise(tag)
    tags = sorted({t for q in catalogue.questions.values() for t in q.tags})
    if any(names.normalise(t) == key for t in tags):
        return None
    return Unknown("--tag", tag, "no question has this tag", tags, _closest(key, tags))


def unknown_year(catalogue: Catalogue, years: Sequence[int], sections: Sequence[str]) -> Unknown | None:
    """The first of `years` in which no incident (or event, for a timeline: `sections`) falls."""
    for year in years:
        within = DateFilter((year,))
        dated: list[Incident | Event] = [*_incidents_in(catalogue, within)] if "incidents" in sections else []
        dated += [*_events_in(catalogue, within)] if "events" in sections else []
        if not any(within.admits(e.date, getattr(e, "end", None)) for e in dated):
            known = _years(catalogue, sections)
            what = "incident or event" if "events" in sections else "incident"
            return Unknown("--year", str(year), f"no {what} is from this year", year_spans(known), _slipped(year, known))
    return None


def _years(catalogue: Catalogue, sections: Sequence[str]) -> list[int]:
    found: set[int] = set()
    for section in sections:
        for entry in getattr(catalogue, section).values():
            end = getattr(entry, "end", None) or entry.date
            found.update(range(entry.date.year, end.year + 1))
    return sorted(found)


def year_spans(years: Sequence[int]) -> list[str]:
    """Sorted years as runs: [2019, 2022, 2023, 2024] gives ['2019', '2022–2024']."""
    spans: list[list[int]] = []
    for year in years:
        if spans and year == spans[-1][-1] + 1:
            spans[-1].append(year)
        else:
            spans.append([year])
    return [str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in spans]


def _slipped(year: int, known: Sequence[int]) -> str | None:
    """The known year with the same digits as `year` in another order (2052 for 2025): a slip of the keyboard.
    A year merely near a known one is not suggested: 2021 is as likely meant as typed."""
    swapped = [y for y in known if sorted(str(y)) == sorted(str(year))]
    return str(min(swapped, key=lambda y: abs(y - year))) if swapped else None


def _closest(key: str, known: Sequence[str]) -> str | None:
    """The known value most like `key` (compared folded), if any is close enough to be a slip of the keyboard."""
    import difflib

    folded = {names.normalise(k): k for k in known}
    match = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


def _contains(text: str, key: str) -> bool:
    """A filter's words appear in the text; a filter that folds to nothing (only punctuation) matches nothing."""
    return bool(key) and key in text


def find_incident(catalogue: Catalogue, text: str) -> Incident | NoMatch:
    """An incident by id, or by the words of its title, place or people."""
    if text.strip() in catalogue.incidents:
        return catalogue.incidents[text.strip()]
    ranked = names.rank_incidents(text, _narrowed(catalogue, "incidents", text))
    return _one_or_candidates(text, "incident", ranked, catalogue.incidents, names.INCIDENT_THRESHOLD, names.INCIDENT_MARGIN)


def incident_view(catalogue: Catalogue, incident: Incident) -> IncidentView:
    """An incident with its people named, its sources, disputes, and what to read next: the questions
    that cite it, events within a week of it (or of its people that year), incidents within a week."""
    roles = [PersonRole(p, catalogue.people[p.person].name) for p in incident.people]
    source_ids = [*incident.sources, *(incident.attribution.sources if incident.attribution else ())]
    source_ids += [s for d in incident.disputes for s in d.sources]
    questions = [_pointer(q) for q in _citing(catalogue, {incident.id}) if incident.id in q.related]
    people_ids = {p.person for p in incident.people}
    week = _week_around(incident.date)
    maybe = {e.id: e for e in _events_in(catalogue, week)}
    for person_id in sorted(people_ids):
        maybe.update((e.id, e) for e in _events_in(catalogue, DateFilter((incident.date.year,)), person_id))
    events = [
        _pointer(e)
        for e in sorted(maybe.values(), key=lambda e: (e.date, e.id))
        if abs(_days(e.date) - _days(incident.date)) <= 7 or (people_ids & set(e.people) and e.date.year == incident.date.year)
    ]
    nearby = [
        _pointer(i)
        for i in sorted(_incidents_in(catalogue, week), key=lambda i: (i.date, i.id))
        if i.id != incident.id and abs(_days(i.date) - _days(incident.date)) <= 7
    ]
    sources = sources_of(catalogue, source_ids)
    parsed = _parsed(catalogue, "incidents", incident.id, incident.summary)
    return IncidentView(incident, roles, sources, questions, events, disputes(catalogue, incident), nearby, parsed)


def find_event(catalogue: Catalogue, text: str) -> Event | NoMatch:
    """An event by id, or by the words of its title and its people's names."""
    if text.strip() in catalogue.events:
        return catalogue.events[text.strip()]
    ranked = names.rank_entries(
        text,
        [(e.id, [e.title, e.id.replace("-", " "), *(_name(catalogue, p) for p in e.people)]) for e in catalogue.events.values()],
    )
    return _one_or_candidates(text, "event", ranked, catalogue.events, names.INCIDENT_THRESHOLD, names.INCIDENT_MARGIN)


def _name_or_id(catalogue: Catalogue, person_id: str) -> str:
    person = catalogue.people.get(person_id)
    return person.name if person is not None else person_id


def _name(catalogue: Catalogue, person_id: str) -> str:
    person = catalogue.people.get(person_id)
    return person.name if person is not None else ""


def event_view(catalogue: Catalogue, event: Event) -> EventView:
    """An event with its people named, its sources and disputes, the questions that cite it and the
    incidents within a week of it."""
    source_ids = [*event.sources, *(s for d in event.disputes for s in d.sources)]
    questions = [_pointer(q) for q in _citing(catalogue, {event.id}) if event.id in q.related]
    week = _week_around(event.date)
    nearby = [
        _pointer(i)
        for i in sorted(_incidents_in(catalogue, week), key=lambda i: (i.date, i.id))
        if abs(_days(i.date) - _days(event.date)) <= 7
    ]
    parsed = _parsed(catalogue, "events", event.id, event.summary)
    people = related(catalogue, [p for p in event.people if p in catalogue.people])
    return EventView(event, people, sources_of(catalogue, source_ids), questions, nearby, disputes(catalogue, event), parsed)


def _days(date: PartialDate) -> int:
    import datetime as dt

    return dt.date(date.year, date.month or 1, date.day or 1).toordinal()


def _week_around(date: PartialDate) -> DateFilter:
    """The days within a week of where `date` starts (what `_days` compares)."""
    import datetime as dt

    first, last = (dt.date.fromordinal(min(max(_days(date) + d, 1), dt.date.max.toordinal())) for d in (-7, 7))
    return DateFilter((), PartialDate(first.year, first.month, first.day), PartialDate(last.year, last.month, last.day))


def timeline(
    catalogue: Catalogue, dates: DateFilter = ALL_DATES, person: Person | None = None, named: bool = False
) -> list[TimelineItem]:
    """Incidents and events in date order; a person's timeline adds the positions they took up. With `named`,
    each incident's people are named (`roles`): a lookup each in the index, which only JSON needs.

    A position start that an appointment event of the same person and date already
    records is left out, so the timeline does not say the same thing twice.
    """
    items: list[TimelineItem] = []
    who = person.id if person is not None else None
    for i in _incidents_in(catalogue, dates, who):
        involved = tuple(p.person for p in i.people)
        if person is None or person.id in involved:
            roles = tuple(PersonRole(p, catalogue.people[p.person].name) for p in i.people) if named else ()
            items.append(TimelineItem(i.date, "incident", i.id, i.title, i.kind, i.verification, None, involved, i, roles))
    for e in _events_in(catalogue, dates, who):
        if person is None or person.id in e.people:
            items.append(TimelineItem(e.date, "event", e.id, e.title, e.kind, e.verification, e.end, e.people, e))
    if person is not None:
        appointed = {e.date for e in _events_in(catalogue, person=person.id) if person.id in e.people and e.kind == "appointment"}
        for n, pos in enumerate(person.positions, start=1):
            if pos.start is not None and pos.start not in appointed:
                title = f"{person.name} becomes {pos.title}, {pos.organisation}"
                position_id = f"{person.id}-position-{n}"
                item = TimelineItem(pos.start, "position", position_id, title, "position", "confirmed", None, (person.id,), pos)
                items.append(item)
    items = [item for item in items if dates.admits(item.date, item.end)]
    order = {"position": 0, "event": 1, "incident": 2}
    items.sort(key=lambda t: (t.date, order[t.type], t.id))
    return items


# ---- reading through the compiled index ---------------------------------------------------------
# With an index (`catalogue.index`) these read only the entries that may qualify; without one, every
# entry. The callers apply all their filters either way, so an answer never depends on the index.


def _incidents_in(catalogue: Catalogue, dates: DateFilter = ALL_DATES, person: str | None = None) -> Iterable[Incident]:
    """Incidents that may meet the date filters and involve `person`."""
    if catalogue.index is None:
        return catalogue.incidents.values()
    found: list[Incident] = catalogue.index.dated("incidents", dates.years, dates.since, dates.until, person)  # type: ignore[assignment]
    return found


def _events_in(catalogue: Catalogue, dates: DateFilter = ALL_DATES, person: str | None = None) -> Iterable[Event]:
    """Events whose span may meet the date filters and that may involve `person`."""
    if catalogue.index is None:
        return catalogue.events.values()
    found: list[Event] = catalogue.index.dated("events", dates.years, dates.since, dates.until, person)  # type: ignore[assignment]
    return found


def _parsed(catalogue: Catalogue, section: str, entry_id: str, text: str | None) -> Mapping[str, Sequence[object]]:
    """An entry's Markdown field as parsed when the index was built, by its text: a renderer need not parse it again."""
    tokens = catalogue.index.parsed(section, entry_id, text) if catalogue.index is not None and text else None
    return {text: tokens} if text and tokens is not None else {}


def _citing(catalogue: Catalogue, ids: set[str]) -> Iterable[Question]:
    """Questions whose `related` list may name one of `ids`, in catalogue order."""
    return catalogue.questions.values() if catalogue.index is None else catalogue.index.citing(ids)


def _mentions(catalogue: Catalogue, ids: set[str], last: int | None) -> tuple[list[str], list[Question]]:
    """The ids of the questions whose `related` list names one of `ids`, in catalogue order, and the last `last`
    of them (all with None): with an index, only those are read."""
    if catalogue.index is not None:
        return catalogue.index.mentions(ids, last)
    found = [q for q in catalogue.questions.values() if ids.intersection(q.related)]
    return [q.id for q in found], found[len(found) - last :] if last is not None and last < len(found) else found


def _narrowed(catalogue: Catalogue, section: str, text: str) -> Catalogue:
    """The catalogue with `section` cut down to what full-text search finds for `text` (when it is large)."""
    from faq_cli.mirrors.record import replace

    found = catalogue.index.candidates(section, text) if catalogue.index is not None else None
    changes: dict[str, Any] = {section: found}
    return catalogue if found is None else replace(catalogue, **changes)


# ---- sources -----------------------------------------------------------------------------------


def source_uses(catalogue: Catalogue) -> list[SourceUse]:
    """Each source with the entries that cite it anywhere."""
    cites: dict[str, list[Related]] = {sid: [] for sid in catalogue.sources}
    for section in ("people", "incidents", "events", "questions"):
        for entry in getattr(catalogue, section).values():
            for sid in sorted(_cited(entry)):
                if sid in cites:
                    label = getattr(entry, "name", None) or getattr(entry, "title", None) or entry.question
                    cites[sid].append(Related(entry.id, SECTION_TYPE[section], label, catalogue=entry.catalogue))
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
