"""Finding entries by what a person types: the answering engine behind `faq ask` and `faq search`.

    text/analysis   words, languages, stems, how much a word says        (general language, no catalogue)
    documents       what each kind of entry is found by (head and body)
    lexical         synonym groups, postings, BM25F
    semantic        static word vectors: a text's meaning without a transformer
    compiled        the structures as rows for the compiled index, and reading them back
    reading         a query read against one catalogue (weights, repairs, neighbours, synonyms)
    rank            the fitted ranking model, and the features abstention judges
    abstain         the fitted abstention model: answer, or say no answer is good enough
    snippets        one line around the matched words

Nothing here knows any catalogue's subject: a catalogue's own words come from its `synonyms`, its
`also` phrasings and its text; the fitted weights come from many catalogues (bench/ask_bench.py).
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Iterator
from typing import NamedTuple

from faq_cli.model import Catalogue
from faq_cli.search import abstain, compiled, facts, rank, reading, snippets

asked_field = facts.asked

ROWS = "search"  # the name the compiled index stores these rows under


def derive(catalogue: Catalogue) -> Iterator[tuple[str, bytes]]:
    """The rows the compiled index stores for this catalogue's search."""
    return compiled.derive(catalogue)


def index_of(catalogue: Catalogue) -> compiled.SearchIndex:
    """The catalogue's search structures: from its compiled index when it has one, else derived in memory."""
    store = catalogue.index
    rows = store.derived(ROWS) if store is not None else None
    if rows is not None:
        try:
            return compiled.SearchIndex(rows)
        except (ValueError, KeyError, TypeError):
            pass  # rows of another format, or damaged: derive them again here
    return compiled.in_memory(catalogue)


class Found(NamedTuple):
    kind: str  # question, person, incident or event
    id: str
    label: str
    score: float  # the ranking model's share of belief in this entry, 0-100
    named: float = 0.0  # the share of the query's weight that its head (question, name, title) matches


class Answered(NamedTuple):
    best: Found | None  # None: no entry is a confident answer
    ranked: list[Found]  # the entries, best first (the best included)
    confidence: float  # the abstention model's probability that the top entry is right
    query_terms: frozenset[str]


TOP = 50  # entries kept in a ranking (the rest are only ever shown as "nothing else")


DAMAGED = (ValueError, KeyError, TypeError, IndexError, struct.error, UnicodeDecodeError)  # what damaged rows raise


def _ranked(catalogue: Catalogue, text: str) -> tuple[rank.Ranking, list[float]]:
    """The query ranked with the stored structures, and abstention's inputs; with structures derived afresh
    when the stored rows turn out damaged (a cache is never trusted to be whole)."""
    index = index_of(catalogue)
    try:
        ranking = rank.rank(index, text)
        return ranking, rank.features(ranking)
    except DAMAGED:
        if isinstance(index.rows, compiled.MemoryRows):
            raise
        ranking = rank.rank(compiled.in_memory(catalogue), text)
        return ranking, rank.features(ranking)


def answer(catalogue: Catalogue, text: str) -> Answered:
    """The entry that answers `text`, when the abstention model is confident enough, with the runners-up."""
    ranking, inputs = _ranked(catalogue, text)
    found = _found(ranking)
    if not found:
        return Answered(None, [], 0.0, frozenset())
    rule = forced(ranking)
    confident = rule > 0 or (rule == 0 and abstain.logit(inputs) >= 0)
    return Answered(found[0] if confident else None, found, abstain.probability(inputs), _terms(ranking))


OWN_WORDING = 0.9  # the cosine with a phrasing at which a query is that phrasing, near enough


def forced(ranking: rank.Ranking) -> int:
    """What the rules decide before the model is asked: +1 answer (the query is the top entry's own wording),
    -1 refuse (it names no subject, or names what the catalogue never writes), 0 ask the model."""
    if not ranking.ranked:
        return -1
    if rank.is_own_wording(ranking.ranked[0]) or _only_names(ranking):
        return 1
    return -1 if _names_nothing(ranking) or _about_something_else(ranking) else 0


def _only_names(ranking: rank.Ranking) -> bool:
    """The query is a person's name and nothing weightier ('darya trepova', 'who is witkoff?', 'Skripal, who is
    he'): the top entry is that person, whose names hold every word of the query that says anything."""
    top = ranking.ranked[0]
    if ranking.docs[top.doc].kind != "person":
        return False
    index = ranking.searched
    postings = index.postings(())
    for t in ranking.query.terms:
        if t.weight >= rank.PLAIN_ONLY and not any(p.doc == top.doc and p.head for p in postings.get(t.term, ())):
            return False
    return any(t.weight >= rank.PLAIN_ONLY for t in ranking.query.terms)


YEAR = re.compile(r"\b(?:1[5-9][0-9]{2}|20[0-9]{2})\b")


def _about_something_else(ranking: rank.Ranking) -> bool:
    """A query that names what the catalogue never writes is about something else, whatever it shares with an
    entry: a year it never mentions ('the August 1991 coup'), or a name no language and no catalogue text
    knows ('who is Budanov' before the catalogue mentions him). Queries in another language than the
    catalogue's are spared the second test: their words are unknown to it by nature."""
    index = ranking.searched
    if any(not index.has(year) for year in YEAR.findall(ranking.query.text)):
        return True
    return ranking.query.lang == index.lang and reading.nonwords(ranking.query) > 0


def _names_nothing(ranking: rank.Ranking) -> bool:
    """A query of common words only ('help', 'what time is it') names no subject: it is answered only by an
    entry whose own wording it is ('why now?' as a question's phrasing), never by what it merely shares."""
    plain = max((t.weight for t in ranking.query.terms), default=0.0) < rank.PLAIN_ONLY
    return plain and ranking.ranked[0].features[rank.RANK_FEATURES.index("semantic")] < OWN_WORDING


def _found(ranking: rank.Ranking) -> list[Found]:
    top = ranking.ranked[:TOP]
    if not top:
        return []
    total = math.fsum(math.exp(s.score - top[0].score) for s in top)
    out = []
    for s in top:
        doc = ranking.docs[s.doc]
        named = ranking.lexical[s.doc].head_matched if s.doc in ranking.lexical else 0.0
        out.append(Found(doc.kind, doc.id, doc.label, round(100 * math.exp(s.score - top[0].score) / total, 1), named))
    return out


def _terms(ranking: rank.Ranking) -> frozenset[str]:
    return frozenset(t for q in ranking.query.terms for t in (q.term, *(a for a, _ in q.alternatives)))


class Hit(NamedTuple):
    kind: str
    id: str
    label: str
    score: float
    snippet: snippets.Snippet


def search(catalogue: Catalogue, text: str, kind: str | None = None, limit: int = 10) -> list[Hit]:
    """Entries whose own text has the query's words (or their synonyms), best first, each with a snippet. The
    score is the lexical one (0-100: how much of what the query could match, the entry matches)."""
    ranking, _ = _ranked(catalogue, text)
    index = ranking.searched
    wanted = frozenset(t.term for t in ranking.query.terms if t.known)
    lexical_score = rank.RANK_FEATURES.index("lexical")
    hits = []
    for position, scored in enumerate(ranking.ranked):
        doc = ranking.docs[scored.doc]
        if (kind is not None and doc.kind != kind) or scored.features[lexical_score] <= 0:
            continue
        excerpt = snippets.best(entry_texts(catalogue, doc.kind, doc.id), wanted, index.lang, index.synonyms, doc.label)
        if not excerpt.matched:
            continue  # matched only through an entry it links to, or only in meaning: for ask, not search
        score = round(100 * min(1.0, scored.features[lexical_score]), 1)
        hits.append((score, position, Hit(doc.kind, doc.id, doc.label, score, excerpt)))
    hits.sort(key=lambda h: (-h[0], h[1]))
    return [h for _, _, h in hits[: max(limit, 0)]]


def entry_texts(catalogue: Catalogue, kind: str, entry_id: str) -> list[str]:
    """The texts a hit's snippet may come from, most telling first."""
    if kind == "question":
        q = catalogue.questions[entry_id]
        return [q.question, *q.also, q.answer]
    if kind == "incident":
        i = catalogue.incidents[entry_id]
        return [i.title, i.place, i.summary or ""]
    if kind == "event":
        e = catalogue.events[entry_id]
        return [e.title, e.summary or ""]
    p = catalogue.people[entry_id]
    return [p.name, ", ".join(p.names[1:]), *(f"{x.title}, {x.organisation}" for x in p.positions), p.summary or ""]
