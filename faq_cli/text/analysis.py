"""Text into terms: words, the language they are in, their stems, how much each can say.

Everything here is true of languages in general and knows no catalogue: Snowball stemmers
(PyStemmer, the Snowball project's C stemmers for Python), word
frequencies from wordfreq's lists (`lexicon`), and Unicode's own case and accent folding.
A catalogue's own vocabulary (its synonym groups) is applied by the search layer on top.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from faq_cli.text import lexicon

# A word is a run of letters and digits, with apostrophes inside it (don't, пов'язаний) kept.
WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN_LETTERS = frozenset("іїєґ")
# English contractions and possessives: "what's" asks what, "Alekseyev's" is Alekseyev.
_CLITICS = re.compile(r"'(?:s|re|ve|ll|d|m|t)$")
STEMMERS = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "ru": "russian", "uk": "russian"}
LATIN_LANGUAGES = ("en", "de", "fr", "es")
MAX_WORDS = 64  # a query longer than this is read by its first words only


class Word(NamedTuple):
    """A word as written (case-folded), where it stands in the text, and its term (stem, accents folded)."""

    text: str
    start: int
    end: int
    term: str


def fold(text: str) -> str:
    """Case and compatibility forms folded (NFKC, casefold), apostrophes made one character."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)


@lru_cache(maxsize=65536)
def strip_accents(word: str) -> str:
    """'café' → 'cafe', 'zurücksetzen' → 'zurucksetzen'. Cyrillic й and ё lose their marks too (и, е), in the
    query as in the catalogue, so 'ёлка' and 'елка' meet."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_cyrillic(word: str) -> bool:
    return _CYRILLIC.search(word) is not None


@cache
def _stemmer(lang: str) -> object:
    import Stemmer  # PyStemmer: the Snowball stemmers compiled; snowballstemmer's pure-Python ones import all
    # 30 languages (13 ms a lookup) and stem ten times slower

    return Stemmer.Stemmer(STEMMERS[lang])


@lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    """The word's stem in `lang` (a folded word in, a folded term out; digits and short words as they are)."""
    word = _CLITICS.sub("", word).replace("'", "")
    if len(word) <= 2 or word.isdigit():
        return strip_accents(word)
    if is_cyrillic(word):
        lang = "uk" if _UKRAINIAN_LETTERS.intersection(word) else "ru"
    elif lang not in LATIN_LANGUAGES:
        lang = "en"
    stemmed: str = _stemmer(lang).stemWord(word)  # type: ignore[attr-defined]
    return strip_accents(stemmed)


def guess_language(words: Sequence[str], default: str = "en") -> str:
    """The language whose common words the text uses most: a few words are enough ('wie setze ich…' is German).

    Cyrillic text is Russian or Ukrainian (by the letters only Ukrainian has, then by frequency);
    Latin text is one of English, German, French, Spanish, `default` unless another explains
    the words clearly better."""
    if not words:
        return default
    cyrillic = [w for w in words if is_cyrillic(w)]
    if len(cyrillic) * 2 >= len(words):
        if any(_UKRAINIAN_LETTERS.intersection(w) for w in cyrillic):
            return "uk"
        return max(("ru", "uk"), key=lambda lang: (sum(lexicon.zipf(w, lang) for w in cyrillic), lang == "ru"))
    latin = [w for w in words if not is_cyrillic(w)][:MAX_WORDS]

    def evidence(lang: str) -> float:
        return sum(min(lexicon.zipf(w, lang), 6.0) for w in latin)

    scores = {lang: evidence(lang) for lang in LATIN_LANGUAGES}
    best = max(scores, key=lambda lang: scores[lang])
    # Another language must explain the words clearly better: English and French share many words.
    return best if best == default or scores[best] > scores.get(default, 0.0) + 1.5 * max(1, len(latin) // 4) else default


def words(text: str, lang: str | None = None) -> list[Word]:
    """The text's words in order, each with its term; the language is guessed when not given."""
    text = fold(text)
    found = [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]
    if lang is None:
        lang = guess_language([w for w, _, _ in found[:MAX_WORDS]])
    return [Word(w, start, end, stem(w, lang)) for w, start, end in found]


def terms(text: str, lang: str | None = None) -> list[str]:
    return [w.term for w in words(text, lang)]


# ---- how much a word can say ----------------------------------------------------------------------

COMMON = 7.0  # Zipf at and above which a word says next to nothing ('the', 'de', 'в')
PLAIN = 4.0  # Zipf at and below which a word carries its full weight


def plainness(word: str, lang: str) -> float:
    """How common the word is in `lang`, from 0 (rare or unknown) to 1 (as common as 'the')."""
    zipf = lexicon.zipf(word.replace("'", ""), lang) if not word.isdigit() else 0.0
    return min(max((zipf - PLAIN) / (COMMON - PLAIN), 0.0), 1.0)


def is_known_word(word: str, langs: Iterable[str]) -> bool:
    """Whether the word is listed in any of the languages: a real word, not a typo or a name."""
    return any(lexicon.zipf(word, lang) > 0 for lang in langs)


# ---- what a question asks for ---------------------------------------------------------------------

_AMOUNT_AFTER_HOW = frozenset(("much", "many", "long", "old", "often", "far"))


@cache
def _interrogatives() -> dict[str, str]:
    path = lexicon.WORDS / "interrogatives.txt"
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, asks = line.partition("\t")
            table.setdefault(word, asks)
    return table


def asks(text_words: Sequence[str]) -> frozenset[str]:
    """What the question words of a text ask for: who, what, when, where, why, how, amount ('how many')."""
    table = _interrogatives()
    found = set()
    for i, w in enumerate(text_words):
        kind = table.get(w)
        if kind == "how" and i + 1 < len(text_words) and text_words[i + 1] in _AMOUNT_AFTER_HOW:
            kind = "amount"
        if kind:
            found.add(kind)
    return frozenset(found)
