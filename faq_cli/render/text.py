"""Make catalogue text inert: no control, bidi or zero-width character reaches the terminal."""

from __future__ import annotations

import re

# C0 (but tab and newline), DEL, C1, bidi embeddings/overrides/isolates, zero-width and BOM, lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x1B:
        return "␛"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: object) -> str:
    """The text with every unsafe character shown as a visible escape (ESC becomes '␛')."""
    return _UNSAFE.sub(_visible, str(text)).replace("\r\n", "\n").replace("\r", "\n")


def one_line(text: object) -> str:
    """Inert text folded onto one line, for table cells and titles."""
    return " ".join(inert(text).split())
