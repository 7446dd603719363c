"""One line of an entry's text around the words a query matched, with the spans of those words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from typing import NamedTuple

from faq_cli.search.lexical import Synonyms, concepts
from faq_cli.text import analysis

_MARKUP = re.compile(r"[*_`#>]+|^\s*[-+]\s+", re.MULTILINE)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]")


class Snippet(NamedTuple):
    """A short, single-line, control-free excerpt and the [start, end) spans of the words that matched."""

    text: str
    spans: tuple[tuple[int, int], ...]
    matched: int = 0  # how many different query terms the whole text matched


def clean(text: str) -> str:
    """The text on one line, without Markdown marks or control characters."""
    return " ".join(_UNSAFE.sub(" ", _MARKUP.sub("", text)).split())


def snippet(text: str, wanted: Collection[str], lang: str, synonyms: Synonyms, width: int = 100) -> Snippet:
    """The part of `text` around its first matching word, with every matching word's span."""
    line = clean(unicodedata.normalize("NFKC", text))
    words = [(m.start(), m.end(), analysis.stem(analysis.fold(m.group()), lang)) for m in analysis.WORD.finditer(line)]
    terms = [term for _, _, term in words]
    hits: list[tuple[int, int]] = []
    matched: set[str] = set()
    for i, term in enumerate(terms):
        if term in wanted:
            matched.add(term)
            hits.append((i, i + 1))
    for concept, start, end in concepts(terms, synonyms):
        if concept in wanted:
            matched.add(concept)
            hits.append((start, end))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(hits):
        s, e = words[start][0], words[end - 1][1]
        if spans and s <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], e))
        else:
            spans.append((s, e))
    if len(line) <= width:
        return Snippet(line, tuple(spans), len(matched))
    begin = max(0, spans[0][0] - width // 3) if spans else 0
    if begin:
        space = line.find(" ", begin)
        begin = space + 1 if 0 <= space < (spans[0][0] if spans else len(line)) else begin
    end = min(len(line), begin + width)
    if end < len(line):
        space = line.rfind(" ", begin, end)
        end = space if space > begin else end
    prefix, suffix = ("… " if begin else ""), (" …" if end < len(line) else "")
    shift = len(prefix) - begin
    kept = tuple((s + shift, e + shift) for s, e in spans if s >= begin and e <= end)
    return Snippet(prefix + line[begin:end] + suffix, kept, len(matched))


def best(texts: Sequence[str], wanted: Collection[str], lang: str, synonyms: Synonyms, fallback: str) -> Snippet:
    """The first of an entry's texts to match the most query terms (the fallback title when none match)."""
    found: Snippet | None = None
    for text in texts:
        if text:
            candidate = snippet(text, wanted, lang, synonyms)
            if found is None or candidate.matched > found.matched:
                found = candidate
    return found if found is not None and found.matched else Snippet(clean(fallback), ())
