"""Lexical retrieval: the catalogue's terms, its synonym groups, and BM25F scoring.

Scoring is BM25F (Robertson and Zaragoza, "The Probabilistic Relevance Framework", 2009) over two
fields, the head (how an entry is asked or named) and the body (what it says), each with its own
length normalisation. A head's length is the mean length of its phrasings, so a question with many
`also` lines is not penalised for them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from faq_cli.search.documents import Document
from faq_cli.text import analysis

K1 = 1.2
B_HEAD = 0.5
B_BODY = 0.75
W_HEAD = 3.0
W_BODY = 1.0
CONCEPT = "~"  # the mark of a synonym group's term


# ---- synonym groups -------------------------------------------------------------------------------


class Synonyms(NamedTuple):
    """Phrases (as term tuples) mapped to their group's concept term; groups sharing a member are one group.
    A member written with a final `*` stands for every word that begins so (`санкци*`: санкции, санкций),
    for languages whose endings a stemmer does not fold: `prefixes` maps its first two letters to
    (beginning, concept) pairs, longest first."""

    phrases: dict[tuple[str, ...], str]
    longest: int
    prefixes: dict[str, list[tuple[str, str]]]


MIN_PREFIX = 3  # a shorter beginning would take in too many words


def compile_synonyms(groups: Iterable[Sequence[str]], lang: str) -> Synonyms:
    parent: dict[tuple[str, ...], tuple[str, ...]] = {}

    def root(x: tuple[str, ...]) -> tuple[str, ...]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    members: list[tuple[str, ...]] = []
    for group in groups:
        keys = [_member(str(t), lang) for t in group]
        keys = [k for k in keys if k]
        for key in keys:
            members.append(key)
            parent[root(key)] = root(keys[0])
    by_root: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for key in members:
        by_root[root(key)].append(key)
    phrases: dict[tuple[str, ...], str] = {}
    prefixes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for keys in by_root.values():
        whole = [k for k in keys if not k[0].startswith(PREFIX)] or keys
        canonical = min(whole, key=lambda k: (len(k), k))  # the shortest member names the concept
        concept = CONCEPT + "_".join(canonical).removeprefix(PREFIX)
        for member in keys:
            if member[0].startswith(PREFIX):
                begin = member[0][len(PREFIX) :]
                prefixes[begin[:2]].append((begin, concept))
            else:
                phrases[member] = concept
    for pairs in prefixes.values():
        pairs.sort(key=lambda p: (-len(p[0]), p[0]))
    return Synonyms(phrases, max((len(k) for k in phrases), default=1), dict(prefixes))


PREFIX = "^"  # the mark of a beginning (a member written `word*`) among the term tuples


def _member(text: str, lang: str) -> tuple[str, ...]:
    """A synonym member as the terms it matches; a single word ending in `*` as its beginning."""
    stripped = text.strip()
    if stripped.endswith("*") and " " not in stripped:
        begin = spelling(analysis.fold(stripped[:-1]))
        return (PREFIX + begin,) if len(begin) >= MIN_PREFIX else ()
    return tuple(analysis.terms(text, lang))


def prefixed(words: Sequence[str], synonyms: Synonyms) -> list[tuple[str, int]]:
    """The concepts of the words that begin as a `word*` member does: (concept, position)."""
    found = []
    if synonyms.prefixes:
        for i, word in enumerate(words):
            w = spelling(word)
            for begin, concept in synonyms.prefixes.get(w[:2], ()):
                if w.startswith(begin):
                    found.append((concept, i))
                    break
    return found


def concepts(terms: Sequence[str], synonyms: Synonyms) -> list[tuple[str, int, int]]:
    """The synonym phrases found in a term sequence, longest first at each place: (concept, start, end)."""
    found: list[tuple[str, int, int]] = []
    if not synonyms.phrases:
        return found
    i = 0
    while i < len(terms):
        for size in range(min(synonyms.longest, len(terms) - i), 0, -1):
            concept = synonyms.phrases.get(tuple(terms[i : i + size]))
            if concept is not None:
                found.append((concept, i, i + size))
                i += size - 1  # overlapping phrases: the first, longest one wins
                break
        i += 1
    return found


def indexed_terms(text: str, lang: str, synonyms: Synonyms) -> list[str]:
    """What a catalogue text is found by: its terms and the concepts of the synonym phrases in it."""
    words = analysis.words(text, lang)
    terms = [w.term for w in words]
    extra = [c for c, _, _ in concepts(terms, synonyms)] + [c for c, _ in prefixed([w.text for w in words], synonyms)]
    return terms + extra


# ---- building -------------------------------------------------------------------------------------


class Posting(NamedTuple):
    doc: int
    head: int  # the term's frequency in the head (over all phrasings)
    body: int


class Built(NamedTuple):
    """What the lexical side derives from the catalogue's documents, to be stored."""

    postings: dict[str, list[Posting]]
    head_length: list[float]  # per document: the mean length of its phrasings
    body_length: list[float]
    spellings: dict[str, str]  # every word written in the catalogue (folded, accents stripped) → its term
    deletions: dict[str, list[str]]  # a spelling with one letter left out → the spellings it comes from


def build(docs: Sequence[Document], lang: str, synonyms: Synonyms) -> Built:
    postings: dict[str, list[Posting]] = defaultdict(list)
    head_length: list[float] = []
    body_length: list[float] = []
    spellings: dict[str, str] = {}
    for n, doc in enumerate(docs):
        head: dict[str, int] = defaultdict(int)
        body: dict[str, int] = defaultdict(int)
        lengths = []
        for text in doc.head:
            terms = indexed_terms(text, lang, synonyms)
            lengths.append(len(terms))
            for t in terms:
                head[t] += 1
        size = 0
        for text in doc.body:
            terms = indexed_terms(text, lang, synonyms)
            size += len(terms)
            for t in terms:
                body[t] += 1
        for text in (*doc.head, *doc.body):
            for w in analysis.words(text, lang):
                spellings.setdefault(spelling(w.text), w.term)
        head_length.append(sum(lengths) / max(len(lengths), 1))
        body_length.append(float(size))
        for t in head.keys() | body.keys():
            postings[t].append(Posting(n, head.get(t, 0), body.get(t, 0)))
    deletions: dict[str, list[str]] = defaultdict(list)
    for word in spellings:
        if len(word) >= MIN_REPAIR and not word.isdigit():
            for d in one_deleted(word):
                deletions[d].append(word)
    return Built(dict(postings), head_length, body_length, spellings, dict(deletions))


MIN_REPAIR = 4  # shorter words are never respelt: too many words are one letter apart


def spelling(word: str) -> str:
    """How a word is looked up for spelling repair: folded, no apostrophes, accents stripped."""
    return analysis.strip_accents(word.replace("'", ""))


def one_deleted(word: str) -> Iterator[str]:
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


# ---- scoring --------------------------------------------------------------------------------------


class QueryTerm(NamedTuple):
    term: str
    weight: float  # how much the word can say in its language (1 for a rare word, near 0 for 'the')
    word: str  # as typed (folded)
    known: bool  # the catalogue writes it (or a synonym, or a spelling it was repaired to)
    repaired: bool = False
    alternatives: tuple[tuple[str, float], ...] = ()  # catalogue terms close in meaning, with how much each counts


class Match(NamedTuple):
    """How one document matches the query lexically."""

    score: float  # BM25F over both fields
    head: float  # BM25 of the head alone
    body: float  # BM25 of the body alone
    matched: float  # the share of the query's weight it matches anywhere
    head_matched: float  # … in its head


NO_MATCH = Match(0.0, 0.0, 0.0, 0.0, 0.0)


class Statistics(NamedTuple):
    """What scoring needs beyond the postings: the document count and field lengths."""

    entries: int
    mean_head: float
    mean_body: float
    head_length: Mapping[int, float]
    body_length: Mapping[int, float]


def idf(df: int, count: int) -> float:
    return math.log(1 + (count - df + 0.5) / (df + 0.5))


def _saturate(tf: float) -> float:
    return tf * (K1 + 1) / (tf + K1)


def score(stats: Statistics, postings: Mapping[str, Sequence[Posting]], query: Sequence[QueryTerm]) -> dict[int, Match]:
    """How every document that shares a term with the query matches it. A word's alternatives count,
    each by its factor, where the word itself does not match better."""

    def weight_of(term: str) -> float:
        return idf(len(postings.get(term, ())), stats.entries)

    total = sum(q.weight * weight_of(q.term) for q in query) or 1.0
    sums: dict[int, list[float]] = {}
    for q in query:
        weight = q.weight * weight_of(q.term)
        best: dict[int, list[float]] = {}
        for term, factor in ((q.term, 1.0), *q.alternatives):
            plist = postings.get(term)
            if not plist:
                continue
            term_weight = q.weight * factor * weight_of(term)
            for p in plist:
                if p.doc not in stats.head_length:
                    continue  # not among the entries ranked (a large catalogue ranks its best candidates)
                head = p.head / (1 - B_HEAD + B_HEAD * stats.head_length[p.doc] / stats.mean_head)
                body = p.body / (1 - B_BODY + B_BODY * stats.body_length[p.doc] / stats.mean_body)
                values = [
                    term_weight * _saturate(W_HEAD * head + W_BODY * body),
                    term_weight * _saturate(head),
                    term_weight * _saturate(body),
                    weight * factor,
                    weight * factor if p.head else 0.0,
                ]
                old = best.get(p.doc)
                best[p.doc] = values if old is None else [max(a, b) for a, b in zip(old, values, strict=True)]
        for doc, values in best.items():
            entry = sums.setdefault(doc, [0.0] * 5)
            for i, v in enumerate(values):
                entry[i] += v
    return {doc: Match(v[0], v[1], v[2], v[3] / total, v[4] / total) for doc, v in sums.items()}


def self_score(stats: Statistics, postings: Mapping[str, Sequence[Posting]], query: Sequence[QueryTerm]) -> float:
    """What a document that is the query itself, as a phrasing, would score: the scale of lexical scores."""
    tf = W_HEAD / (1 - B_HEAD + B_HEAD * max(len(query), 1) / stats.mean_head)
    return sum(q.weight * idf(len(postings.get(q.term, ())), stats.entries) * _saturate(tf) for q in query)
