"""A query read against one catalogue: its words, their weights, repairs, neighbours and synonyms."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from faq_cli.search import semantic
from faq_cli.search.compiled import SearchIndex
from faq_cli.search.lexical import MIN_REPAIR, QueryTerm, concepts, one_deleted, prefixed, spelling
from faq_cli.text import analysis, lexicon

FLOOR = 0.05  # the weight of the commonest words ('the'): next to nothing, not nothing
EDIT_COST = 1.5  # Zipf points a repair must gain per letter changed, for a word that exists as typed
NEIGHBOUR_FLOOR = 0.5  # cosine below which a neighbour says nothing
NEIGHBOUR_WEIGHT = 0.6  # what the closest possible neighbour counts, against the word itself
NEIGHBOURS = 4


class Query(NamedTuple):
    text: str
    lang: str
    terms: list[QueryTerm]
    words: list[analysis.Word]
    original: list[str]  # the words as typed, with their case


def read(text: str, index: SearchIndex) -> Query:
    """The query's terms, weighed by how common each word is in the query's language, with unknown words
    respelt towards the catalogue's own words where that is the likelier reading, close catalogue words
    as alternatives, and synonym phrases turned into their group's concept."""
    original = [m.group() for m in analysis.WORD.finditer(unicodedata.normalize("NFKC", text))][: analysis.MAX_WORDS]
    folded = [analysis.fold(w) for w in original]
    lang = analysis.guess_language(folded, index.lang)
    words = analysis.words(text, lang)[: analysis.MAX_WORDS]
    own = [analysis.stem(w.text, index.lang) if lang != index.lang else w.term for w in words]
    near = [_neighbours(w, lang, index) for w in words]
    index.postings([*(w.term for w in words), *own, *(t for n in near for t, _ in n)])
    terms: list[str] = []
    repaired: list[bool] = []
    prefixes = {i for _, i in prefixed([w.text for w in words], index.synonyms)}
    unknown = [
        w
        for i, (w, o) in enumerate(zip(words, own, strict=True))
        if not index.has(w.term) and not index.has(o) and (w.term,) not in index.synonyms.phrases and i not in prefixes
    ]  # a word of a synonym group is the group's, never respelt into something else
    fixes = _repairs(unknown, lang, index)
    for w, o in zip(words, own, strict=True):
        if index.has(w.term):
            terms.append(w.term)
            repaired.append(False)
        elif index.has(o):
            terms.append(o)
            repaired.append(False)
        elif w.text in fixes:
            terms.append(fixes[w.text][0])
            repaired.append(fixes[w.text][1])
        else:
            terms.append(w.term)
            repaired.append(False)
    weights = [max(FLOOR, 1.0 - analysis.plainness(w.text, lang)) for w in words]
    if lang != index.lang:  # a word the catalogue's language also uses a lot ('internet') weighs as little there
        weights = [min(x, max(FLOOR, 1.0 - analysis.plainness(w.text, index.lang))) for x, w in zip(weights, words, strict=True)]
    found = concepts(terms, index.synonyms) + [(c, i, i + 1) for c, i in prefixed([w.text for w in words], index.synonyms)]
    index.postings(c for c, _, _ in found)
    out: list[QueryTerm] = []
    covered = [False] * len(terms)
    for concept, start, end in found:
        out.append(QueryTerm(concept, max(weights[start:end]), " ".join(w.text for w in words[start:end]), index.has(concept)))
        for i in range(start, end):
            covered[i] = True
    for i, (term, w) in enumerate(zip(terms, words, strict=True)):
        if not covered[i]:
            alternatives = tuple((t, f) for t, f in near[i] if t != term and index.has(t))[:NEIGHBOURS]
            out.append(QueryTerm(term, weights[i], w.text, index.has(term), repaired[i], alternatives))
    return Query(text, lang, _merged(out), words, original)


def _merged(terms: Sequence[QueryTerm]) -> list[QueryTerm]:
    """One query term per term, with the greatest weight it was given (a word typed twice counts once)."""
    best: dict[str, QueryTerm] = {}
    for t in terms:
        if t.term not in best or t.weight > best[t.term].weight:
            best[t.term] = t
    return list(best.values())


def _neighbours(word: analysis.Word, lang: str, index: SearchIndex) -> list[tuple[str, float]]:
    """Terms close in meaning to an English word (from the word vectors' neighbours), each with its factor."""
    if lang != "en" or index.lang != "en":
        return []
    found: dict[str, float] = {}
    for other, cosine in semantic.neighbours(word.text):
        if cosine < NEIGHBOUR_FLOOR:
            break
        term = analysis.stem(other, index.lang)
        if term != word.term and term not in found:
            found[term] = NEIGHBOUR_WEIGHT * (cosine - NEIGHBOUR_FLOOR) / (1 - NEIGHBOUR_FLOOR)
    return list(found.items())


def _repairs(words: Sequence[analysis.Word], lang: str, index: SearchIndex) -> dict[str, tuple[str, bool]]:
    """For words the catalogue does not write: the catalogue term each stands for, by its exact spelling
    (accents, apostrophes), by its spelling key (a transliteration: Alexeyev, Алексеев), or by a repair
    of a slip (one letter, two in a long word): word → (term, repaired)."""
    if not words:
        return {}
    from faq_cli.text import names

    spellings = {w.text: spelling(w.text) for w in words}
    keys = {w.text: names.fold_word(names.normalise(w.text).replace(" ", "")) for w in words}
    exact = index.lookup("s/", spellings.values())
    by_key = index.lookup("k/", (k for k in keys.values() if k))
    out: dict[str, tuple[str, bool]] = {}
    todo = []
    for w in words:
        s = spellings[w.text]
        if s in exact:
            out[w.text] = (exact[s], False)
        elif keys[w.text] in by_key:
            out[w.text] = (_term_of(by_key[keys[w.text]].split()[0], index), False)
        elif analysis.is_cyrillic(s):
            # A name in Cyrillic, perhaps in a case form (Спрингфилда): its Latin spelling, less the ending,
            # repaired towards the catalogue's Latin spellings like any slip.
            latin = names.normalise(s).replace(" ", "")
            spellings[w.text] = _without_case_ending(latin)
            if len(spellings[w.text]) >= MIN_REPAIR:
                todo.append(spellings[w.text])
        elif len(s) >= MIN_REPAIR and not s.isdigit():
            todo.append(s)
    if todo:
        deleted = {s: [s, *one_deleted(s)] for s in todo}
        near = index.lookup("x/", (d for ds in deleted.values() for d in ds))
        direct = index.lookup("s/", (d for ds in deleted.values() for d in ds[1:]))
        for w in words:
            s = spellings[w.text]
            if s not in deleted:
                continue
            candidates: dict[str, int] = {}
            for d in deleted[s]:
                for c in near.get(d, "").split():
                    distance = _distance(s, c)
                    if distance <= (2 if len(s) >= 8 else 1):
                        candidates[c] = distance
                if d in direct and d != s:
                    candidates.setdefault(d, 1)
            best = _likeliest(s, candidates, lang, index.lang)
            if best is not None:
                out[w.text] = (_term_of(best, index), True)
    return out


# Russian and Ukrainian case endings as a transliteration spells them (Алексеева → alekseeva, -ым → -ym).
_CASE_ENDINGS = ("ogo", "omu", "ymi", "imi", "om", "ym", "im", "oi", "ei", "ikh", "ykh", "a", "u", "e", "y", "i")


def _without_case_ending(latin: str) -> str:
    """A transliterated word less a case ending, when the rest is still a word's length."""
    for ending in _CASE_ENDINGS:
        if latin.endswith(ending) and len(latin) - len(ending) >= MIN_REPAIR + 1:
            return latin[: -len(ending)]
    return latin


def _term_of(spelling_: str, index: SearchIndex) -> str:
    return index.lookup("s/", (spelling_,)).get(spelling_, spelling_)


def _likeliest(word: str, candidates: dict[str, int], lang: str, catalogue_lang: str) -> str | None:
    """The candidate the word is most likely a slip for. A word that exists in its language is respelt only
    towards a much commoner one ('recieve' → 'receive'), never towards an unrelated catalogue word
    ('carriers' stays)."""
    if not candidates:
        return None

    def gain(c: str) -> tuple[float, str]:
        return max(lexicon.zipf(c, catalogue_lang), lexicon.zipf(c, lang)) - EDIT_COST * candidates[c], c

    best = max(candidates, key=gain)
    as_typed = lexicon.zipf(word, lang)
    if as_typed > 0 and gain(best)[0] < as_typed:
        return None
    return best


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein with adjacent transpositions)."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def known_share(query: Query) -> float:
    """The share of the query's weight that the catalogue's vocabulary covers at all (a word known only
    through a neighbour in meaning, by that neighbour's factor)."""
    total = sum(t.weight for t in query.terms)
    known = sum(t.weight * (1.0 if t.known else max((f for _, f in t.alternatives), default=0.0)) for t in query.terms)
    return known / total if total else 0.0


def strangers(query: Query) -> int:
    """Words the catalogue never writes that are rare or unknown in every language: names, brands, jargon of
    another subject. One is a strong sign the query is about something else."""
    return sum(1 for t in query.terms if not t.known and not t.alternatives and t.weight >= 0.99 and len(t.word) >= 3)


def unknown_names(query: Query) -> int:
    """Words the user wrote with a capital, past the first word (or a first word that is no common word),
    that the catalogue never writes: names of people, places, products it does not cover."""
    unknown = {t.word for t in query.terms if not t.known and not t.alternatives}
    count = 0
    for i, word in enumerate(query.original):
        if not word[:1].isupper():
            continue
        folded = analysis.fold(word)
        if folded not in unknown or (i == 0 and lexicon.zipf(folded, query.lang) >= 4.0):
            continue
        count += 1
    return count


def nonwords(query: Query) -> int:
    """Words of four letters or more that neither the catalogue nor any language list knows, and that are no
    slip for a catalogue word or a common word ('anythng'): names (Gerasimov, Budanov), brands, jargon."""
    return sum(
        1
        for t in query.terms
        if not t.known
        and not t.alternatives
        and len(t.word) >= 4
        and not t.word.isdigit()
        and not analysis.is_known_word(t.word.replace("'", ""), lexicon.LANGUAGES)
        and not _slip_for_a_word(t.word.replace("'", ""), query.lang)
    )


COMMON_SLIP = 3.0  # Zipf a word one edit away must reach for a query word to be taken as a slip for it


def _slip_for_a_word(word: str, lang: str) -> bool:
    """Whether one edit (a letter dropped, added, changed, or two swapped) turns the word into a common word of
    its language: 'anythng' is 'anything', 'tomorow' 'tomorrow' (Norvig's spelling corrector, one step)."""
    if not word.isalpha() or len(word) > 20:
        return False
    letters = "abcdefghijklmnopqrstuvwxyz" if word.isascii() else "".join(sorted(set(word)))
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
    edits |= {a + c + b for a, b in splits for c in letters}
    return any(lexicon.zipf(e, lang) >= COMMON_SLIP for e in edits if e != word)
