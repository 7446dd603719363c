"""Which of an entry's own fields a question asks for: 'how old is X' asks a person's age, 'where did it
happen' an incident's place. The words are the schema's, in `text/words/facts.txt`, matched by stem
and in order, with other words between ('where was Alekseyev born')."""

from __future__ import annotations

from functools import cache

from faq_cli.text import analysis, lexicon

FIELDS = {
    "person": ("age", "born", "birthplace", "status", "position"),
    "incident": ("date", "place", "casualties", "targets", "attribution"),
    "event": ("date",),
}
WINDOW = 6  # a cue's words lie within this many words of each other


@cache
def _cues() -> list[tuple[str, tuple[str, ...]]]:
    cues = []
    for line in (lexicon.WORDS / "facts.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            field, _, words = line.partition("\t")
            cues.append((field, tuple(analysis.terms(words, "en"))))
    return cues


def _span(cue: tuple[str, ...], terms: list[str]) -> int | None:
    """How many words the cue's terms stretch over, in order and each within WINDOW words of the one
    before, at their tightest; None when they do not occur so."""
    best: int | None = None
    for start, term in enumerate(terms):
        if term != cue[0]:
            continue
        at: int | None = start
        for part in cue[1:]:
            assert at is not None
            at = next((i for i in range(at + 1, min(at + 1 + WINDOW, len(terms))) if terms[i] == part), None)
            if at is None:
                break
        if at is not None and (best is None or at - start < best):
            best = at - start
    return best


def asked(text: str, kind: str) -> str | None:
    """The field of an entry of `kind` that the question asks for, or None. The question's cue is chosen
    first, over every kind (the longest, then the one whose words stand closest): 'where was he born' asks
    a birthplace, so an incident's place is no answer to it even though 'where' alone would ask that."""
    terms = analysis.terms(text, "en")
    best: tuple[int, int, str] | None = None
    for field, cue in _cues():
        span = _span(cue, terms) if cue else None
        if span is not None and (best is None or (len(cue), -span) > best[:2]):
            best = (len(cue), -span, field)
    if best is None:
        return None
    if best[2] in FIELDS.get(kind, ()):
        return best[2]
    return None
