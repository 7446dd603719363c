"""The search structures of one catalogue as key → value rows, built once and read a few rows per query.

`derive` turns a catalogue into rows; the compiled index stores them (it knows nothing of their
meaning) and hands them back through `Rows`. `SearchIndex` reads what a query needs: the postings
of its terms, the spellings of its unknown words, and the entries it ranks.

    meta             the catalogue's language, synonym phrases, counts and mean field lengths
    d/N              entry N: kind, id, label, what its phrasings ask, field lengths, head word pairs
    v/N              entry N's vectors: its phrasings', its body's, its passages'
    t/TERM           the term's postings: entry, frequency in the head, in the body
    s/SPELLING       a word the catalogue writes → its term
    x/DELETION       a spelling less one letter → the spellings it comes from
    k/KEY            a word's spelling key (names.fold_word: Alexeyev, Alekseev → aleksev) → spellings
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import pairwise
from typing import NamedTuple, Protocol

from faq_cli.model import Catalogue
from faq_cli.search import lexical, semantic
from faq_cli.search.documents import Document, documents
from faq_cli.text import analysis

FORMAT = "search-1"
WHOLE = 400  # a kind with at most this many entries is ranked whole; a larger one by its lexical candidates
PASSAGES = 12  # the most passages of an entry's body that get a vector of their own


class Rows(Protocol):
    """Where the rows live: the compiled index, or memory."""

    def get(self, keys: Collection[str]) -> dict[str, bytes]: ...

    def scan(self, prefix: str) -> Iterator[tuple[str, bytes]]: ...


class MemoryRows:
    def __init__(self, rows: Iterable[tuple[str, bytes]]) -> None:
        self.rows = dict(rows)

    def get(self, keys: Collection[str]) -> dict[str, bytes]:
        return {k: self.rows[k] for k in keys if k in self.rows}

    def scan(self, prefix: str) -> Iterator[tuple[str, bytes]]:
        return ((k, v) for k, v in self.rows.items() if k.startswith(prefix))


# ---- building -------------------------------------------------------------------------------------


def catalogue_language(docs: Sequence[Document]) -> str:
    """The language most of the catalogue's text is written in, by a vote of its first entries' words."""
    votes: Counter[str] = Counter()
    for doc in docs[:100]:
        plain = [w.group().casefold() for w in analysis.WORD.finditer(" ".join((*doc.head, *doc.body[:1])))][:60]
        votes[analysis.guess_language(plain)] += len(plain)
    return votes.most_common(1)[0][0] if votes else "en"


def derive(catalogue: Catalogue) -> Iterator[tuple[str, bytes]]:
    """Every row of the catalogue's search structures."""
    from faq_cli import names

    docs = list(documents(catalogue))
    lang = catalogue_language(docs)
    synonyms = lexical.compile_synonyms(catalogue.synonyms, lang)
    built = lexical.build(docs, lang, synonyms)
    kinds = Counter(d.kind for d in docs)
    meta = {
        "format": FORMAT,
        "lang": lang,
        "count": len(docs),
        "kinds": dict(kinds),
        "mean_head": sum(built.head_length) / max(len(docs), 1) or 1.0,
        "mean_body": sum(built.body_length) / max(len(docs), 1) or 1.0,
        "synonyms": [[list(p), c] for p, c in synonyms.phrases.items()],
        "prefixes": synonyms.prefixes,
        "dims": semantic.dims(),
    }
    yield "meta", _json(meta)
    for n, doc in enumerate(docs):
        pairs = sorted({" ".join(b) for h in doc.head for b in _bigrams(analysis.terms(h, lang))})
        parts = [sorted(set(lexical.indexed_terms(p, lang, synonyms))) for p in passages(doc.body)[:PASSAGES]]
        row = [doc.kind, doc.id, doc.label, sorted(_asks(doc)), built.head_length[n], built.body_length[n], pairs]
        row.append(parts if kinds[doc.kind] <= WHOLE else [])
        yield f"d/{n}", _json(row)
        yield f"v/{n}", _vectors(doc, whole=kinds[doc.kind] <= WHOLE)
    for term, plist in built.postings.items():
        yield f"t/{term}", ",".join(f"{p.doc}:{p.head}:{p.body}" for p in plist).encode()
    keys: dict[str, list[str]] = defaultdict(list)
    for spelling, term in built.spellings.items():
        yield f"s/{spelling}", term.encode()
        key = names.fold_word(names.normalise(spelling).replace(" ", ""))
        if key and key != spelling:
            keys[key].append(spelling)
    for deletion, spellings in built.deletions.items():
        yield f"x/{deletion}", " ".join(spellings).encode()
    for key, spellings in keys.items():
        yield f"k/{key}", " ".join(spellings).encode()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _asks(doc: Document) -> frozenset[str]:
    """What an entry answers: a question, what its phrasings ask; a person, who; an incident or event, what,
    when and where it was."""
    if doc.kind == "person":
        return frozenset(("who",))
    if doc.kind in ("incident", "event"):
        return frozenset(("what", "when", "where"))
    return frozenset().union(*(analysis.asks([w.text for w in analysis.words(h)]) for h in doc.head))


def _bigrams(terms: Sequence[str]) -> list[tuple[str, str]]:
    return list(pairwise(terms))


_PASSAGE_END = re.compile(r"(?<=[.!?])\s+|\n\s*[-*+]\s+|\n\s*\n")


def passages(body: Sequence[str]) -> list[str]:
    """A body's sentences and list items, each long enough to say something."""
    return [p.strip() for text in body for p in _PASSAGE_END.split(text) if len(p.split()) >= 3]


def _vectors(doc: Document, whole: bool) -> bytes:
    """The entry's vectors: its phrasings'; and, in a kind small enough to rank whole, its body's and its
    passages' (embedding is pure Python: the bodies of 200,000 incidents would take minutes to build)."""
    heads = [v for v in (semantic.embed(t) for t in doc.head) if v is not None]
    body = semantic.embed(" ".join(doc.body)) if doc.body and whole else None
    parts = [v for v in (semantic.embed(p) for p in passages(doc.body)[:PASSAGES]) if v is not None] if whole else []
    return semantic.pack(heads) + semantic.pack([body] if body else []) + semantic.pack(parts)


# ---- reading ----------------------------------------------------------------------------------------


class Doc(NamedTuple):
    kind: str
    id: str
    label: str
    asks: frozenset[str]
    head_length: float
    body_length: float
    bigrams: frozenset[str]
    passages: tuple[frozenset[str], ...] = ()  # the terms of each passage of its body


class Vectors(NamedTuple):
    heads: list[semantic.Packed]  # its phrasings', the main one first
    body: semantic.Packed | None
    passages: list[semantic.Packed]


class SearchIndex:
    """One catalogue's search structures, read from its rows as a query needs them (and kept)."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        found = rows.get(["meta"]).get("meta")
        if found is None:
            raise ValueError("no search structures")
        meta = json.loads(found)
        if meta.get("format") != FORMAT:
            raise ValueError("search structures of another format")
        self.lang: str = meta["lang"]
        self.count: int = meta["count"]
        self.kinds: dict[str, int] = meta["kinds"]
        self.mean_head: float = meta["mean_head"]
        self.mean_body: float = meta["mean_body"]
        self.dims: int = meta["dims"]
        phrases = {tuple(p): c for p, c in meta["synonyms"]}
        prefixes = {k: [(b, c) for b, c in pairs] for k, pairs in meta["prefixes"].items()}
        self.synonyms = lexical.Synonyms(phrases, max((len(p) for p in phrases), default=1), prefixes)
        self._postings: dict[str, list[lexical.Posting]] = {}
        self._docs: dict[int, Doc] = {}
        self._vectors: dict[int, Vectors] = {}
        self._all_read = False

    # -- terms

    def postings(self, terms: Iterable[str]) -> dict[str, list[lexical.Posting]]:
        """The postings of each term ([] for a term no entry has), read in one go for those not yet read."""
        wanted = [t for t in dict.fromkeys(terms) if t not in self._postings]
        if wanted:
            found = self.rows.get([f"t/{t}" for t in wanted])
            for t in wanted:
                data = found.get(f"t/{t}")
                self._postings[t] = _postings(data) if data is not None else []
        return self._postings

    def has(self, term: str) -> bool:
        return bool(self.postings((term,))[term])

    def lookup(self, prefix: str, keys: Iterable[str]) -> dict[str, str]:
        """Rows under a prefix (s/, x/, k/) by key, as text."""
        found = self.rows.get([f"{prefix}{k}" for k in dict.fromkeys(keys)])
        return {k[len(prefix) :]: v.decode() for k, v in found.items()}

    # -- entries

    def docs(self, numbers: Iterable[int]) -> dict[int, Doc]:
        wanted = [n for n in dict.fromkeys(numbers) if n not in self._docs]
        if wanted and not self._all_read:
            for key, data in self.rows.get([f"d/{n}" for n in wanted]).items():
                self._docs[int(key[2:])] = _doc(data)
        return self._docs

    def all_docs(self) -> dict[int, Doc]:
        if not self._all_read:
            for key, data in self.rows.scan("d/"):
                self._docs[int(key[2:])] = _doc(data)
            self._all_read = True
        return self._docs

    def vectors(self, numbers: Iterable[int]) -> dict[int, Vectors]:
        wanted = [n for n in dict.fromkeys(numbers) if n not in self._vectors]
        if wanted:
            for key, data in self.rows.get([f"v/{n}" for n in wanted]).items():
                heads, at = semantic.unpack(data, self.dims)
                body, at = semantic.unpack(data, self.dims, at)
                parts, _ = semantic.unpack(data, self.dims, at)
                self._vectors[int(key[2:])] = Vectors(heads, body[0] if body else None, parts)
        return self._vectors

    def statistics(self, docs: Mapping[int, Doc]) -> lexical.Statistics:
        return lexical.Statistics(
            self.count,
            self.mean_head,
            self.mean_body,
            {n: d.head_length for n, d in docs.items()},
            {n: d.body_length for n, d in docs.items()},
        )

    def small_kinds(self) -> bool:
        """Whether every kind is small enough to rank whole."""
        return all(n <= WHOLE for n in self.kinds.values())


def _postings(data: bytes) -> list[lexical.Posting]:
    out = []
    for item in data.decode().split(","):
        doc, head, body = item.split(":")
        out.append(lexical.Posting(int(doc), int(head), int(body)))
    return out


def _doc(data: bytes) -> Doc:
    kind, entry_id, label, asks, head_length, body_length, pairs, parts = json.loads(data)
    return Doc(
        kind, entry_id, label, frozenset(asks), head_length, body_length, frozenset(pairs), tuple(frozenset(p) for p in parts)
    )


_MEMORY: dict[int, tuple[Catalogue, SearchIndex]] = {}


def in_memory(catalogue: Catalogue) -> SearchIndex:
    """The search structures of a catalogue read from YAML (no compiled index), derived once per process."""
    cached = _MEMORY.get(id(catalogue))
    if cached is not None and cached[0] is catalogue:
        return cached[1]
    index = SearchIndex(MemoryRows(derive(catalogue)))
    _MEMORY[id(catalogue)] = (catalogue, index)
    return index
