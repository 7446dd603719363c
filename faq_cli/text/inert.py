"""Make catalogue text inert: no control, bidi or zero-width character reaches the terminal."""

from __future__ import annotations

import re

# Everything a terminal might obey or that hides or reorders text: C0 controls (but tab and newline), DEL,
# C1, every format character (Unicode category Cf: soft hyphen, bidi marks, embeddings, overrides and
# isolates, zero-width characters, BOM, interlinear annotations, tag characters), line and paragraph
# separators, lone surrogates, and the invisible fillers (U+034F, Hangul fillers) used to fake blank names.
# tests/test_hostile.py checks this class against unicodedata over every code point.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f]"
)


def visible(char: str) -> str:
    """A visible stand-in for one unsafe character: ESC becomes '␛', the rest a backslash escape."""
    code = ord(char)
    if code == 0x1B:
        return "␛"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def inert(text: object) -> str:
    """The text with every unsafe character shown as a visible escape; line ends become newlines."""
    normalised = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return UNSAFE.sub(lambda m: visible(m.group()), normalised)


def one_line(text: object) -> str:
    """Inert text folded onto one line, for table cells and titles."""
    return " ".join(inert(text).split())


def json_escape(text: str) -> str:
    """Escape the unsafe characters in a JSON document as \\uXXXX (surrogate pairs above the BMP)."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    return UNSAFE.sub(escape, text)
