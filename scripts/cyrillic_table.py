"""Write faq_cli/cyrillic.py: anyascii's transliteration of the Cyrillic block, as a table `str.translate` takes.

    .venv/bin/python scripts/cyrillic_table.py

A development-time script. Russian and Ukrainian are the non-Latin text this tool meets most (native
names, Cyrillic queries), and anyascii's import costs about 5 ms (it reads its tables through
importlib.resources); with the one block it needs for them at hand, names.to_ascii loads anyascii only
for other scripts. tests/test_search.py holds the table to anyascii, character by character.
"""

from __future__ import annotations

import json
from pathlib import Path

from anyascii import anyascii

OUT = Path(__file__).resolve().parent.parent / "faq_cli" / "cyrillic.py"
BLOCK = range(0x0400, 0x0500)  # Cyrillic; Cyrillic Supplement and the extended blocks are left to anyascii


def main() -> None:
    entries = "".join(f"    0x{cp:04X}: {json.dumps(anyascii(chr(cp)))},\n" for cp in BLOCK)
    OUT.write_text(
        '"""anyascii\'s transliteration of the Cyrillic block (U+0400-U+04FF), written by scripts/cyrillic_table.py."""\n\n'
        f"FIRST, LAST = 0x{BLOCK.start:04X}, 0x{BLOCK.stop - 1:04X}\n"
        f"TABLE: dict[int, str] = {{\n{entries}}}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
