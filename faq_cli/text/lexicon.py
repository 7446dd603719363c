"""How common a word is in a language: Zipf frequencies from the word lists in `words/`.

The lists (written by scripts/word_lists.py from wordfreq) are sorted files searched in place.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from faq_cli.text.sortedfile import SortedFile

LANGUAGES = ("en", "de", "fr", "es", "ru", "uk")
CYRILLIC_LANGUAGES = ("ru", "uk")
WORDS = Path(__file__).resolve().parent / "words"


@cache
def _language(lang: str) -> SortedFile | None:
    path = WORDS / f"{lang}.txt"
    return SortedFile(path) if path.is_file() else None


@lru_cache(maxsize=4096)
def zipf(word: str, lang: str = "en") -> float:
    """The word's Zipf frequency in `lang` (about 7 for 'the', 3 for 'turbine'); 0.0 when it is rarer than the list goes."""
    words = _language(lang)
    found = words.get(word) if words is not None else None
    return int(found) / 10 if found else 0.0
