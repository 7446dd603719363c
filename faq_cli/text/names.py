"""Names: the keys that make spellings meet, and finding a person or an incident by what a user calls it.

Pure, like search.py, and kept apart from it so that `profile`, `incident`
and `--person` load this small module and never the question ranker.

A text becomes a *name key* in two steps: `normalise` (case, accents, script,
punctuation) and `fold_word` (one key for the usual transliteration variants:
Alekseyev, Alexeyev, Alekseev and Алексеев all give `aleksev`). People are
ranked by how closely the query's key comes to one of their names' keys. The
keys of every name are worked out once, when the catalogue is indexed (a
`NameTable`), so a lookup normalises the query alone; in a catalogue with
many people a shortlist by each measure of the score (`shortlist`) comes
first, and only its people are scored.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from typing import TypeVar

from faq_cli.catalogue.model import Catalogue
from faq_cli.mirrors.record import field, record

_NON_WORD = re.compile(r"[^a-z0-9]+")
# The soft and hard signs only mark how a consonant sounds: 'Фаниль' is 'Fanil', 'Прокофьев' 'Prokofev'.
# Ukrainian 'є' is Russian 'е' in a name: 'Алексєєв' is 'Алексеев'.
SIGNS: dict[int, str | None] = {**dict.fromkeys(map(ord, "ьъЬЪ")), ord("є"): "е", ord("Є"): "Е"}
SURROGATE = re.compile("[\ud800-\udfff]")
MAX_QUERY_CHARS = 500
T = TypeVar("T")


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Fold case, accents, script and punctuation: 'Алексеев' and 'Alekséev!' both give 'alekseev'."""
    text = unicodedata.normalize("NFKC", SURROGATE.sub(" ", text[: MAX_QUERY_CHARS * 4])).translate(SIGNS)
    return _NON_WORD.sub(" ", to_ascii(text).casefold()).strip()


def to_ascii(text: str) -> str:
    """Text in Latin letters: anyascii's transliteration (imported only for text that is not ASCII)."""
    if text.isascii():
        return text
    from anyascii import anyascii

    return anyascii(text)


def printable(text: str) -> str:
    """The text with lone surrogates (undecodable bytes from argv) replaced, so it can be echoed as UTF-8."""
    return SURROGATE.sub("\ufffd", text)


# ---- spelling keys -----------------------------------------------------------------------------

# Order matters: digraphs before the letters they contain.
_SPELLING = (
    (re.compile(r"shch|sch"), "sh"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck|q"), "k"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"dh"), "d"),  # Abu Dhabi / Abu Dabi
    (re.compile(r"w"), "v"),
    (re.compile(r"ff$"), "v"),  # Smirnoff / Smirnov
    (re.compile(r"j(?=[io])"), "zh"),  # French-style Prigojine, Joukov
    (re.compile(r"j"), "y"),  # German-style Aleksejev, Jelzin, Sergej, Dmitrij: then read as y is below
    (re.compile(r"y[eo]"), "e"),  # Alekseyev / Alekseev, Pyotr / Petr
    (re.compile(r"y"), "i"),  # Dmitriy / Dmitry / Dmitrii, Yaroslav / Iaroslav
    (re.compile(r"([a-z])\1+"), r"\1"),  # Kirillov / Kirilov, ii / i (letters only: Person117 is not Person17)
)


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """One key for the usual spellings of a normalised word: alekseyev, alexeyev, alekseev → aleksev."""
    if word.isdigit():
        return word
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


def name_key(text: str) -> str:
    """A name's words as spelling keys (no stemming): 'Vladimir Alexeyev' → 'vladimir aleksev'."""
    return " ".join(fold_word(w) for w in normalise(text).split())


# ---- ranking -----------------------------------------------------------------------------------


@record(frozen=True)
class Scored:
    id: str
    score: float


def confident(ranked: list[Scored], threshold: float, margin: float) -> Scored | None:
    """The top hit, when it is good enough and clearly ahead of the runner-up."""
    if not ranked or ranked[0].score < threshold:
        return None
    if len(ranked) > 1 and ranked[1].score >= threshold and ranked[0].score - ranked[1].score < margin:
        return None
    return ranked[0]


# ---- people --------------------------------------------------------------------------------------

PERSON_THRESHOLD = 80.0
PERSON_MARGIN = 4.0
# The score of a text the query gives word for word (in any spelling the keys fold together): ahead of every
# partial match by more than the margin, so an exact full name wins outright however many names are close to
# it ('Person17 Surname17' beside 'Person170 Surname170'); two people of that very name stay ambiguous.
EXACT = 110.0
# A query that is one word of a longer name (a surname, a first name) scores just under a full name,
# so 'kirillov' prefers Igor Kirillov (alias 'Kirillov') to "Kirillov's assistant".
_PART_OF_NAME = 4.0
# Up to this many people are scored whole; above it, a shortlist of this many by each measure first.
RANK_WHOLE = 400
NAME_CANDIDATES = 25

# генерал transliterates to 'general', already here.
MILITARY_RANKS = ("general", "lieutenant", "lt", "gen", "colonel", "col", "major", "maj")
TITLES = ("mr", "mrs", "ms", "dr", "president", "envoy")
_RANKS = frozenset(name_key(w) for w in MILITARY_RANKS + TITLES)


def without_ranks(key: str) -> str:
    """'general kirillov' → 'kirillov' (a name made only of such words is kept whole)."""
    words = [w for w in key.split() if w not in _RANKS]
    return " ".join(words) if words else key


# Each table's word positions, by the identity of its list of words (held here, so the identity stays its own).
_POSITIONS: dict[int, tuple[list[str], dict[str, int]]] = {}


@record()
class NameTable:
    """Every person's names as keys (each distinct key once), each word of them, and whose they are.

    Stored in the index as a few long strings, a line per item, which read back in a few
    milliseconds at 200,000 incidents (a JSON list of 160,000 strings took 25 to 50). The lines that
    list numbers (a key's people, a word's keys, a person's keys) are split only when a query needs them.
    """

    ids: list[str] = field(default_factory=list)  # the people, numbered by position
    person_keys: list[str] = field(default_factory=list)  # per person: the numbers of their keys
    keys: list[str] = field(default_factory=list)
    sorted_keys: list[str] = field(default_factory=list)  # each key with its words in sorted order
    key_owners: list[str] = field(default_factory=list)  # per key: the numbers of the people it names
    words: list[str] = field(default_factory=list)  # every distinct word of a key
    word_keys: list[str] = field(default_factory=list)  # per word: the numbers of the keys it is in

    def word_positions(self) -> dict[str, int]:
        """Each name word's position in `words` (worked out once per table, never stored)."""
        found = _POSITIONS.get(id(self.words))
        if found is None or found[0] is not self.words:
            found = (self.words, {w: n for n, w in enumerate(self.words)})
            _POSITIONS[id(self.words)] = found
        return found[1]

    def names_of(self, person: int) -> list[str]:
        return [self.keys[int(k)] for k in self.person_keys[person].split()]

    def owners(self, keys: Iterable[int]) -> list[int]:
        """The people the given keys name, in order, each once."""
        return list(dict.fromkeys(int(n) for k in keys for n in self.key_owners[k].split()))

    def keys_with(self, words: Iterable[int]) -> Iterator[int]:
        """The keys each of the given words is in, word by word."""
        for w in words:
            yield from map(int, self.word_keys[w].split())

    def containing(self, words: Sequence[str]) -> list[int]:
        """The keys that have every one of `words` among theirs."""
        postings = []
        for word in set(words):
            if word not in self.words:
                return []
            postings.append(self.word_keys[self.words.index(word)].split())
        return sorted(map(int, set(postings[0]).intersection(*postings[1:])))

    def pack(self) -> list[str]:
        return ["\n".join(getattr(self, name)) for name in STORED]

    @classmethod
    def unpack(cls, data: list[str]) -> NameTable:
        """The table `pack` gave; ValueError for anything else."""
        if not isinstance(data, list) or len(data) != len(STORED) or not all(isinstance(t, str) for t in data):
            raise ValueError("not a name table")
        ids, person_keys, keys, sorted_keys, key_owners, words, word_keys = (text.split("\n") if text else [] for text in data)
        table = cls(ids, person_keys, keys, sorted_keys, key_owners, words, word_keys)
        sizes = ({len(table.ids), len(table.person_keys)}, {len(table.keys), len(table.sorted_keys), len(table.key_owners)})
        if any(len(s) != 1 for s in sizes) or len(table.words) != len(table.word_keys):
            raise ValueError("not a name table")
        return table


COMMON_WORD = 4.5  # Zipf at and above which a word of the query is taken as a word, not a name ('will', 'may')


def people_in(text: str, catalogue: Catalogue) -> list[str]:
    """The people a text names by a word of one of their names (a surname, a first name), in any of the
    spellings the name keys fold together; common words are not taken for names."""
    from faq_cli.text import lexicon

    table = people_names(catalogue)
    positions = table.word_positions()
    keys: list[int] = []
    for word in dict.fromkeys(name_key(text[:MAX_QUERY_CHARS]).split()):
        n = positions.get(word)
        if n is None or len(word) < 4 or word in _RANKS or lexicon.zipf(word) >= COMMON_WORD:
            continue
        keys.extend(map(int, table.word_keys[n].split()))
    return [table.ids[p] for p in table.owners(keys)]


STORED = ("ids", "person_keys", "keys", "sorted_keys", "key_owners", "words", "word_keys")


def name_table(catalogue: Catalogue) -> NameTable:
    """The keys of every person's names (every person is in it, with or without a name that has a key)."""
    numbers: dict[str, int] = {}  # each distinct key, numbered in order of first use
    owners: list[dict[int, None]] = []
    person_keys: list[str] = []
    for person_number, person in enumerate(catalogue.people.values()):
        own: dict[int, None] = {}
        for key in filter(None, map(name_key, person.names)):
            n = numbers.setdefault(key, len(numbers))
            if n == len(owners):
                owners.append({})
            owners[n][person_number] = None
            own[n] = None
        person_keys.append(" ".join(map(str, own)))
    keys = list(numbers)
    word_keys: dict[str, dict[int, None]] = {}
    for n, key in enumerate(keys):
        for word in key.split():
            word_keys.setdefault(word, {})[n] = None
    return NameTable(
        ids=list(catalogue.people),
        person_keys=person_keys,
        keys=keys,
        sorted_keys=[" ".join(sorted(k.split())) for k in keys],
        key_owners=[" ".join(map(str, o)) for o in owners],
        words=list(word_keys),
        word_keys=[" ".join(map(str, k)) for k in word_keys.values()],
    )


ROWS = "people-names"  # the name the compiled index stores the table under


def derive(catalogue: Catalogue) -> Iterator[tuple[str, bytes]]:
    """The name table as the compiled index stores it: one row."""
    yield "table", json.dumps(name_table(catalogue).pack(), ensure_ascii=False).encode()


def people_names(catalogue: Catalogue) -> NameTable:
    """The catalogue's name table: as stored in its index, else worked out now (and kept for the catalogue)."""
    rows = catalogue.index.derived(ROWS) if catalogue.index is not None else None
    if rows is not None:
        try:
            data = rows.get(("table",)).get("table")
            if data is not None:
                return NameTable.unpack(json.loads(data))
        except ValueError:
            pass  # damaged or missing: worked out from the entries below
    return cached(ROWS, catalogue, name_table)


_CACHE: dict[tuple[str, int], tuple[Catalogue, object]] = {}


def cached(kind: str, catalogue: Catalogue, build: Callable[[Catalogue], T]) -> T:
    """What `build` derives from a catalogue loaded without an index, built once per catalogue (the last eight kept)."""
    key = (kind, id(catalogue))
    hit = _CACHE.get(key)
    if hit is None or hit[0] is not catalogue:
        if len(_CACHE) >= 8:
            _CACHE.pop(next(iter(_CACHE)))
        hit = _CACHE[key] = (catalogue, build(catalogue))  # the catalogue is kept alive so its id is not reused
    result: T = hit[1]  # type: ignore[assignment]
    return result


def person_query(text: str) -> str:
    """The query as `score_person` compares it: its name key, without ranks."""
    return without_ranks(name_key(text[:MAX_QUERY_CHARS]))


def score_person(q: str, names: Sequence[str]) -> float:
    """How well the query `q` (from `person_query`) names someone whose names have these keys: whole names
    in any spelling, or one word of a name."""
    from rapidfuzz import fuzz

    if not q:
        return 0.0
    qwords = q.split()
    best = 0.0
    for name in names:
        if q == name:
            return EXACT
        best = max(best, fuzz.ratio(q, name), fuzz.token_sort_ratio(q, name))
        words = name.split()
        if len(qwords) == 1 and len(words) > 1:
            best = max(best, max(fuzz.ratio(q, w) for w in words) - _PART_OF_NAME)
        elif len(qwords) > 1 and set(qwords) < set(words):
            best = max(best, 100.0 - _PART_OF_NAME)
    return float(best)


def shortlist(table: NameTable, text: str, limit: int) -> list[int]:
    """The people whose names come closest to `text` by each measure `score_person` combines.

    The best `limit` by each (whole name, its words in any order, one word of a name, all the words
    within one name): whoever scores best overall is best by one of these, so the ranking over this
    shortlist is the ranking over everyone (ties at the cut aside).
    """
    from rapidfuzz import fuzz, process

    query = name_key(text[:MAX_QUERY_CHARS])
    keys: dict[int, None] = {}
    for probe in sorted({query, without_ranks(query)} - {""}):
        words = probe.split()
        # token_sort_ratio is the ratio of the two texts' words sorted: the table keeps each key's sorted.
        for choices, key in ((table.keys, probe), (table.sorted_keys, " ".join(sorted(words)))):
            keys.update((n, None) for _, _, n in process.extract(key, choices, scorer=fuzz.ratio, limit=limit))
        if len(words) == 1:  # one word: it may be one word of a longer name
            found = process.extract(probe, table.words, scorer=fuzz.ratio, limit=limit)
            keys.update((n, None) for n in islice(table.keys_with(n for _, _, n in found), limit))
        else:  # several: all of them may be words of one longer name
            keys.update((n, None) for n in table.containing(words)[:limit])
    return table.owners(keys)


def rank_people(query: str, table: NameTable) -> list[Scored]:
    """People by how well the query names them, best first, ties by id: everyone in a small catalogue,
    the shortlist in a large one."""
    count = len(table.ids)
    people = range(count) if count <= RANK_WHOLE else shortlist(table, query, NAME_CANDIDATES)
    q = person_query(query)
    scored = [Scored(table.ids[n], score_person(q, table.names_of(n))) for n in people]
    return sorted(scored, key=lambda s: (-s.score, s.id))


# ---- incidents -----------------------------------------------------------------------------------

INCIDENT_THRESHOLD = 70.0
INCIDENT_MARGIN = 3.0


def rank_incidents(query: str, catalogue: Catalogue) -> list[Scored]:
    """Incidents by how well the query names them: title, place, kind, people's names."""
    entries = []
    for incident in catalogue.incidents.values():
        names = [n for p in incident.people if p.person in catalogue.people for n in catalogue.people[p.person].names]
        entries.append((incident.id, [incident.title, incident.place, incident.kind, incident.id.replace("-", " "), *names]))
    return rank_entries(query, entries)


def rank_entries(query: str, entries: Iterable[tuple[str, Sequence[str]]]) -> list[Scored]:
    """Entries (id and the texts that name it) by how closely the query comes to one of those texts; a text
    the query gives exactly (in any spelling the keys fold together) wins outright."""
    from rapidfuzz import fuzz

    q = name_key(query[:MAX_QUERY_CHARS])
    scored = []
    for entry_id, texts in entries:
        keys = [name_key(f) for f in texts]
        if q and q in keys:
            scored.append(Scored(entry_id, EXACT))
        else:
            scored.append(Scored(entry_id, float(max((fuzz.token_set_ratio(q, k) for k in keys), default=0.0)) if q else 0.0))
    return sorted(scored, key=lambda s: (-s.score, s.id))
