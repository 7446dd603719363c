"""Write faq_cli/common_words.txt: English words common enough to say little in a query, with their frequency.

    python -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq && /tmp/wf/bin/python scripts/common_words.py

A development-time script: the tool reads the text file it writes and never imports wordfreq.
Each line is a word and its Zipf frequency (log10 of occurrences per billion words, from wordfreq's
`en` list, which blends Wikipedia, subtitles, news, books, web text, Twitter and Reddit), for every
plain ASCII word at or above MIN_ZIPF, most frequent first. Below MIN_ZIPF a word is rare enough that
the catalogue's own counts decide its weight alone.
"""

from __future__ import annotations

from pathlib import Path

import wordfreq

MIN_ZIPF = 4.0
OUT = Path(__file__).resolve().parent.parent / "faq_cli" / "common_words.txt"


def main() -> None:
    lines = [
        "# English words at or above Zipf frequency 4.0, from wordfreq 3.x (data CC BY-SA 4.0, Robyn Speer et al.,",
        "# https://github.com/rspeer/wordfreq); written by scripts/common_words.py. Word, then Zipf frequency.",
        "",  # the blank line ends the header
    ]
    for word in wordfreq.top_n_list("en", 50_000):
        zipf = wordfreq.zipf_frequency(word, "en")
        if zipf < MIN_ZIPF:
            break
        if word.isascii() and word.isalpha():
            lines.append(f"{word} {zipf:.2f}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 3} words written to {OUT}")


if __name__ == "__main__":
    main()
