"""Ranking a query against the catalogue's entries: lexical and semantic evidence weighed by a fitted linear
model, and what the abstention model needs to judge the top entry."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

from faq_cli.search import fitted, lexical, semantic
from faq_cli.search.compiled import WHOLE, Doc, SearchIndex
from faq_cli.search.reading import Query, known_share, nonwords, read, strangers, unknown_names
from faq_cli.text import analysis

RANK_FEATURES = (
    "lexical",  # BM25F over the query's own best possible score
    "lexical_head",  # BM25 of the head alone, likewise
    "lexical_body",  # BM25 of the body alone, likewise
    "matched",  # the share of the query's weight the entry matches
    "head_matched",  # … in its head
    "semantic",  # best cosine of the query with a phrasing
    "semantic_first",  # cosine with the entry's main phrasing (its question, name or title)
    "semantic_body",  # cosine with its body
    "semantic_passage",  # best cosine with one passage (sentence or list item) of its body
    "bigrams",  # the share of the query's adjacent word pairs that its head writes side by side
    "passage_lexical",  # the share of the query's weight that one passage of its body matches
    "same_ask",  # the query and the entry ask the same (who/what/when/where/why/how/amount)
    "other_ask",  # both ask, but differently
    "person",  # the entry's kind (a question is the baseline)
    "incident",
    "event",
)
CANDIDATES = 150  # entries of a large kind that are ranked: those with the best lexical scores


class Scored(NamedTuple):
    doc: int
    score: float
    features: tuple[float, ...]


class Ranking(NamedTuple):
    searched: SearchIndex  # the structures it was ranked with
    query: Query
    ranked: list[Scored]  # best first
    docs: dict[int, Doc]
    lexical: dict[int, lexical.Match]


def rank(index: SearchIndex, text: str) -> Ranking:
    query = read(text, index)
    postings = index.postings(t for q in query.terms for t in (q.term, *(a for a, _ in q.alternatives)))
    docs = _candidates(index, query, postings)
    stats = index.statistics(docs)
    lex = lexical.score(stats, postings, query.terms)
    scale = lexical.self_score(stats, postings, query.terms) or 1.0
    vector = semantic.embed(text)
    vectors = index.vectors(docs) if vector is not None else {}
    asks = analysis.asks([w.text for w in query.words])
    content = [w.term for w in query.words if analysis.plainness(w.text, query.lang) < 0.5]
    pairs = {f"{a} {b}" for a, b in pairwise(content)}
    weights = fitted.RANK_WEIGHTS
    term_weights = [(q.weight * lexical.idf(len(postings.get(q.term, ())), index.count), q) for q in query.terms]
    total_weight = sum(w for w, _ in term_weights) or 1.0
    ranked = []
    for n, doc in docs.items():
        m = lex.get(n, lexical.NO_MATCH)
        sem = first = sem_body = sem_passage = 0.0
        v = vectors.get(n)
        if vector is not None and v is not None:
            if v.heads:
                cosines = [semantic.similarity(vector, h) for h in v.heads]
                sem, first = max(cosines), cosines[0]
            if v.body is not None:
                sem_body = semantic.similarity(vector, v.body)
            sem_passage = max((semantic.similarity(vector, p) for p in v.passages), default=0.0)
        same = bool(asks & doc.asks)
        values = (
            m.score / scale,
            m.head / scale,
            m.body / scale,
            m.matched,
            m.head_matched,
            sem,
            first,
            sem_body,
            sem_passage,
            sum(1 for p in pairs if p in doc.bigrams) / len(pairs) if pairs else 0.0,
            _passage_share(doc, term_weights) / total_weight,
            float(same),
            float(bool(asks) and bool(doc.asks) and not same),
            float(doc.kind == "person"),
            float(doc.kind == "incident"),
            float(doc.kind == "event"),
        )
        ranked.append(Scored(n, math.fsum(w * x for w, x in zip(weights, values, strict=True)), values))
    ranked.sort(key=lambda s: (-s.score, docs[s.doc].id, s.doc))  # ties: by id, whatever the file order
    own = next((s for s in ranked if is_own_wording(s)), None)
    if own is not None and own is not ranked[0]:  # the author's own phrasing of the query comes first
        ranked.remove(own)
        ranked.insert(0, own)
    return Ranking(index, query, ranked, docs, lex)


def _passage_share(doc: Doc, term_weights: Sequence[tuple[float, lexical.QueryTerm]]) -> float:
    """The weight of the query that the best single passage of the entry's body matches (alternatives by their factor)."""
    best = 0.0
    for terms in doc.passages:
        got = 0.0
        for weight, q in term_weights:
            if q.term in terms:
                got += weight
            else:
                got += weight * max((f for t, f in q.alternatives if t in terms), default=0.0)
        best = max(best, got)
    return best


EXACT_WORDING = 0.97  # the cosine with a phrasing at which the query is that phrasing (give or take case, punctuation)


def is_own_wording(scored: Scored) -> bool:
    """Whether the query is one of the entry's own phrasings (a question, an `also` line, a name), word for
    word: the author's explicit answer to it."""
    return scored.features[RANK_FEATURES.index("semantic")] >= EXACT_WORDING and scored.features[4] >= 0.99


def _candidates(index: SearchIndex, query: Query, postings: dict[str, list[lexical.Posting]]) -> dict[int, Doc]:
    """The entries to rank: all of them in a catalogue whose kinds are small; else every entry of the small
    kinds and the best lexical candidates of the large ones."""
    if index.small_kinds():
        return index.all_docs()
    docs: dict[int, Doc] = {}
    small = {k for k, n in index.kinds.items() if n <= WHOLE}
    # entries are numbered kind by kind in KINDS order, so a small kind is a range of numbers
    start = 0
    for kind in ("question", "person", "incident", "event"):
        count = index.kinds.get(kind, 0)
        if kind in small:
            docs.update(index.docs(range(start, start + count)))
        start += count
    rough: dict[int, float] = {}
    for q in query.terms:
        plist = postings.get(q.term, [])
        w = q.weight * lexical.idf(len(plist), index.count)
        for p in plist:
            rough[p.doc] = rough.get(p.doc, 0.0) + w * (2 * bool(p.head) + bool(p.body))
    best = heapq.nlargest(CANDIDATES, (n for n in rough if n not in docs), key=lambda n: (rough[n], -n))
    docs.update(index.docs(best))
    return docs


# ---- what abstention looks at ---------------------------------------------------------------------

ABSTAIN_FEATURES = (
    "score",  # the top entry's ranking score
    "margin",  # how far it leads the runner-up
    "share",  # its probability under the ranking model, against every entry
    "lexical",
    "matched",
    "semantic",
    "known",  # the share of the query's weight the catalogue's words cover at all
    "strangers",  # rare words the catalogue never writes (names, brands, another subject's jargon)
    "short",  # a query of one or two weighty words
    "unmatched",  # the weightiest query word the top entry does not match (as a share of the query's weight)
    "unknown",  # the weight of query words the catalogue never writes, over the query's weight
    "numbers",  # numbers in the query that the top entry does not write
    "evidence",  # the weight the top entry matches, not as a share: a query of 'help' alone says little
    "names",  # words written with a capital (not to begin the query) that the catalogue never writes
    "alien",  # the query's weight in words the top entry neither matches nor comes close to in meaning
    "nonwords",  # words the catalogue never writes that no language list has either: names, brands, slips
    "plain",  # the query is made of common words only: it names no subject
)
# The way each may push (+1 towards answering, -1 against, 0 either): bench/ask_bench.py --fit holds it there.
ABSTAIN_SIGNS = (0, 1, 1, 1, 1, 1, 1, -1, 0, -1, -1, -1, 1, -1, -1, -1, -1)


def features(ranking: Ranking) -> list[float]:
    """The abstention model's inputs (ABSTAIN_FEATURES) for the top entry of a ranking."""
    ranked = ranking.ranked
    if not ranked:
        return [0.0] * len(ABSTAIN_FEATURES)
    top = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    weighty = sum(1 for t in ranking.query.terms if t.weight >= 0.5)
    f = top.features
    share = 1 / math.fsum(math.exp(s.score - top.score) for s in ranked[:50])
    return [
        top.score,
        top.score - runner_up,
        share,
        f[0],
        f[3],
        f[5],
        known_share(ranking.query),
        float(strangers(ranking.query)),
        float(weighty <= 2),
        *_unexplained(ranking, top.doc),
        float(unknown_names(ranking.query)),
        _alien(ranking, top.doc),
        float(nonwords(ranking.query)),
        float(max((t.weight for t in ranking.query.terms), default=0.0) < PLAIN_ONLY),
    ]


PLAIN_ONLY = 0.5  # a query whose weightiest word weighs less than this is made of common words only


def _alien(ranking: Ranking, doc: int) -> float:
    """The share of the query's weight in words that the entry does not match and whose meaning is far from
    everything it says (its phrasings, body and passages): 'gmail' in a question about the company's
    passwords, 'Ireland' in one about UK VAT."""
    index = ranking.searched
    postings = index.postings(())
    vectors = index.vectors((doc,)).get(doc)
    if vectors is None:
        return 0.0
    texts = [*vectors.heads, *vectors.passages, *([vectors.body] if vectors.body else [])]
    weights = [t.weight * lexical.idf(len(postings.get(t.term, ())), index.count) for t in ranking.query.terms]
    total = sum(weights) or 1.0
    alien = 0.0
    for t, weight in zip(ranking.query.terms, weights, strict=True):
        if any(p.doc == doc for term in (t.term, *(a for a, _ in t.alternatives)) for p in postings.get(term, ())):
            continue
        word = semantic.embed(t.word)
        closest = max((semantic.similarity(word, v) for v in texts), default=0.0) if word is not None else 0.0
        alien += weight * (1 - max(closest, 0.0))
    return alien / total


def _unexplained(ranking: Ranking, doc: int) -> tuple[float, float, float, float]:
    """What of the query the entry leaves unexplained: the weightiest word it does not match, the words the
    catalogue never writes, numbers it does not write; and the weight it does match, not as a share."""
    index = ranking.searched
    postings = index.postings(())
    terms = ranking.query.terms
    weights = [t.weight * lexical.idf(len(postings.get(t.term, ())), index.count) for t in terms]
    total = sum(weights) or 1.0
    worst = unknown = evidence = 0.0
    numbers = 0
    for t, weight in zip(terms, weights, strict=True):
        found = 0.0
        for term, factor in ((t.term, 1.0), *t.alternatives):
            if any(p.doc == doc for p in postings.get(term, ())):
                found = max(found, factor)
        worst = max(worst, weight * (1 - found))
        evidence += weight * found
        if not t.known:
            unknown += weight * (1 - max((f for _, f in t.alternatives), default=0.0))
        if t.term.isdigit() and found == 0:
            numbers += 1
    return worst / total, unknown / total, float(numbers), evidence / math.log(1 + index.count)


def abstain_inputs(ranking: Ranking) -> Sequence[float]:
    return features(ranking)
