"""What each kind of entry is found by: its head (how it is named or asked) and its body (what it says).

A question's head is its question and `also` phrasings; a person's, every spelling of the name; an
incident's or event's, its title. The body is the rest of what the entry states, with the names
and titles of the entries it links to, so 'the general shot in Moscow' finds the question whose
related incident says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from faq_cli.catalogue.model import Catalogue, Event, Incident, Person, Question

KINDS = ("question", "person", "incident", "event")


class Document(NamedTuple):
    kind: str
    id: str
    label: str
    head: tuple[str, ...]  # each phrasing or name on its own
    body: tuple[str, ...]


def documents(catalogue: Catalogue) -> Iterator[Document]:
    """Every question, person, incident and event of the catalogue, in that order."""
    for q in catalogue.questions.values():
        yield question_document(catalogue, q)
    for p in catalogue.people.values():
        yield person_document(p)
    for i in catalogue.incidents.values():
        yield incident_document(catalogue, i)
    for e in catalogue.events.values():
        yield event_document(catalogue, e)


def question_document(catalogue: Catalogue, q: Question) -> Document:
    body = [q.answer, " ".join(t.replace("-", " ") for t in q.tags)]
    for ref in q.related:
        body.extend(_labels(catalogue, ref))
    return Document("question", q.id, q.question, (q.question, *q.also), tuple(body))


def person_document(p: Person) -> Document:
    body = [p.summary or "", p.birthplace or "", " ".join(t.replace("-", " ") for t in p.tags)]
    body += [f"{x.title}, {x.organisation}" for x in p.positions]
    body += [h.title for h in p.honours]
    body += [f"{s.by}: {s.reason}" for s in p.sanctions]
    if p.status:
        body.append(p.status.state)
    return Document("person", p.id, p.name, p.names, tuple(b for b in body if b))


def incident_document(catalogue: Catalogue, i: Incident) -> Document:
    body = [i.summary or "", i.place, i.kind.replace("-", " "), " ".join(t.replace("-", " ") for t in i.tags)]
    for involved in i.people:
        person = catalogue.people.get(involved.person)
        if person is not None:
            body.append(f"{person.name} ({involved.role}, {involved.outcome})")
    if i.attribution:
        body.append(" ".join(x for x in (i.attribution.by, i.attribution.note) if x))
    if i.casualties and i.casualties.note:
        body.append(i.casualties.note)
    return Document("incident", i.id, i.title, (i.title,), tuple(b for b in body if b))


def event_document(catalogue: Catalogue, e: Event) -> Document:
    body = [e.summary or "", (e.kind or "").replace("-", " "), " ".join(t.replace("-", " ") for t in e.tags)]
    for pid in e.people:
        person = catalogue.people.get(pid)
        if person is not None:
            body.append(person.name)
    return Document("event", e.id, e.title, (e.title,), tuple(b for b in body if b))


def _labels(catalogue: Catalogue, ref: str) -> Iterator[str]:
    person = catalogue.people.get(ref)
    if person is not None:
        yield person.name
        yield from (f"{x.title}, {x.organisation}" for x in person.positions)
        return
    entry = catalogue.incidents.get(ref) or catalogue.events.get(ref)
    if entry is not None:
        yield entry.title
