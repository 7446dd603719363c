"""Write faq_cli/ascii_table.py: anyascii's transliteration of the blocks news text in this tool mostly uses.

    .venv/bin/python scripts/ascii_table.py

A development-time script. Besides ASCII, a catalogue and its queries are mostly Cyrillic (Russian and
Ukrainian names and questions), accented Latin (Alekséyev, Prigojine) and typographic punctuation (— – ’ “).
anyascii's import costs about 5 ms (it reads its tables through importlib.resources); with these blocks at
hand, names.to_ascii loads anyascii only for other scripts. tests/test_search.py holds the table to
anyascii, character by character and on random text.
"""

from __future__ import annotations

import json
from pathlib import Path

from anyascii import anyascii

OUT = Path(__file__).resolve().parent.parent / "faq_cli" / "ascii_table.py"
BLOCKS = (
    range(0x0080, 0x0180),  # Latin-1 Supplement, Latin Extended-A
    range(0x0400, 0x0500),  # Cyrillic
    range(0x2000, 0x2070),  # General Punctuation
)


def _literal(text: str) -> str:
    """The string as ruff's formatter writes it: double quotes unless it holds one."""
    return repr(text) if '"' in text else json.dumps(text)


def main() -> None:
    entries = "".join(f"    0x{cp:04X}: {_literal(anyascii(chr(cp)))},\n" for block in BLOCKS for cp in block)
    ranges = "".join(f"\\\\u{b.start:04x}-\\\\u{b.stop - 1:04x}" for b in BLOCKS)
    OUT.write_text(
        '"""anyascii\'s transliteration of the blocks in BLOCKS, written by scripts/ascii_table.py."""\n\n'
        "import re\n\n"
        f"BLOCKS = ({', '.join(f'range(0x{b.start:04X}, 0x{b.stop:04X})' for b in BLOCKS)})\n"
        f'OTHER = re.compile("[^\\\\x00-\\\\x7f{ranges}]")  # a character outside ASCII and these blocks\n'
        f"TABLE: dict[int, str] = {{\n{entries}}}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
