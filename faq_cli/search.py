"""Text normalisation, matching and ranking, and the rule for abstaining.

Everything here is pure: strings and catalogue entries in, scored ids out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import fuzz

from faq_cli.model import Catalogue, Person

_NON_WORD = re.compile(r"[^a-z0-9]+")
MAX_QUERY_CHARS = 500


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Fold case, accents, script and punctuation: 'Алексеев' and 'Alekséev!' both give 'alekseev'."""
    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_CHARS * 4])
    return _NON_WORD.sub(" ", anyascii(text).casefold()).strip()


@dataclass(frozen=True, slots=True)
class Scored:
    id: str
    score: float


PERSON_THRESHOLD = 80.0
PERSON_MARGIN = 4.0


def _person_names(person: Person) -> list[str]:
    names = [normalise(n) for n in person.names]
    return [n for n in names if n]


def score_person(query: str, person: Person) -> float:
    """How well `query` names the person: whole names, or a single surname/alias word."""
    q = normalise(query)
    if not q:
        return 0.0
    best = 0.0
    for name in _person_names(person):
        if q == name:
            return 100.0
        best = max(best, fuzz.ratio(q, name), fuzz.token_sort_ratio(q, name))
        words = name.split()
        if len(q.split()) == 1 and words:
            best = max(best, max(fuzz.ratio(q, w) for w in words) - (0 if q in words else 2))
    return float(best)


def rank_people(query: str, catalogue: Catalogue) -> list[Scored]:
    """People by how well the query names them, best first, ties by id."""
    scored = [Scored(p.id, score_person(query, p)) for p in catalogue.people.values()]
    return sorted(scored, key=lambda s: (-s.score, s.id))


def confident(ranked: list[Scored], threshold: float, margin: float) -> Scored | None:
    """The top hit, when it is good enough and clearly ahead of the runner-up."""
    if not ranked or ranked[0].score < threshold:
        return None
    if len(ranked) > 1 and ranked[1].score >= threshold and ranked[0].score - ranked[1].score < margin:
        return None
    return ranked[0]


QUESTION_THRESHOLD = 62.0
QUESTION_MARGIN = 0.0


def _question_texts(catalogue: Catalogue) -> Iterable[tuple[str, str, float]]:
    for q in catalogue.questions.values():
        yield q.id, normalise(q.question), 1.0
        for also in q.also:
            yield q.id, normalise(also), 1.0
        for tag in q.tags:
            yield q.id, normalise(tag), 0.8


def rank_questions(query: str, catalogue: Catalogue) -> list[Scored]:
    """Questions by how well they answer the query, best first, ties by id."""
    q = normalise(query)
    best: dict[str, float] = dict.fromkeys(catalogue.questions, 0.0)
    if q:
        texts = list(_question_texts(catalogue))
        choices = [t for _, t, _ in texts]
        scores = [fuzz.token_set_ratio(q, choice) for choice in choices]
        for (qid, _, weight), score in zip(texts, scores, strict=True):
            best[qid] = max(best[qid], float(score) * weight)
    return sorted((Scored(i, s) for i, s in best.items()), key=lambda s: (-s.score, s.id))


INCIDENT_THRESHOLD = 60.0
INCIDENT_MARGIN = 3.0


def rank_incidents(query: str, catalogue: Catalogue) -> list[Scored]:
    """Incidents by how well the query names them: title, place, kind, people's names."""
    q = normalise(query)
    scored: list[Scored] = []
    for incident in catalogue.incidents.values():
        names = [n for p in incident.people if p.person in catalogue.people for n in catalogue.people[p.person].names]
        fields = [incident.title, incident.place, incident.kind, incident.id.replace("-", " "), *names]
        score = max((fuzz.token_set_ratio(q, normalise(f)) for f in fields), default=0.0) if q else 0.0
        scored.append(Scored(incident.id, float(score)))
    return sorted(scored, key=lambda s: (-s.score, s.id))
