"""Write faq_cli/text/words/<lang>.txt: how common each word is in six languages, from wordfreq.

    python -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq && /tmp/wf/bin/python scripts/word_lists.py

A development-time script: the tool reads the files it writes and never imports wordfreq (whose
lists load in about 50 ms a language; a lookup here is a binary search of a sorted file). Each file
holds the language's words at or above a Zipf frequency (log10 of occurrences per billion words), as
`word<TAB>zipf × 10`, sorted by their UTF-8 bytes. The engine uses them to weigh words (the commoner,
the lighter), to guess a query's language, and to leave alone a word that exists in the language
rather than "correct" it into a catalogue word. Data: wordfreq (CC BY-SA 4.0, Robyn Speer et al.).
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import wordfreq

OUT = Path(__file__).resolve().parent.parent / "faq_cli" / "text" / "words"
# English is the language most catalogues are written in, so it goes deepest.
FLOORS = {"en": 2.5, "de": 3.0, "fr": 3.0, "es": 3.0, "ru": 3.5, "uk": 3.5}
HEADER = (
    "# {lang}: words at or above Zipf {floor} from wordfreq {version} (data CC BY-SA 4.0); written by scripts/word_lists.py\n"
)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for lang, floor in FLOORS.items():
        rows: dict[str, int] = {}
        for word in wordfreq.top_n_list(lang, 1_000_000):
            zipf = wordfreq.zipf_frequency(word, lang)
            if zipf < floor:
                break
            if "\t" in word or "\n" in word or " " in word:
                continue
            rows.setdefault(word, round(zipf * 10))
        lines = sorted(rows.items(), key=lambda item: item[0].encode())
        text = HEADER.format(lang=lang, floor=floor, version=version("wordfreq")) + "".join(f"{w}\t{z}\n" for w, z in lines)
        (OUT / f"{lang}.txt").write_text(text, encoding="utf-8")
        print(lang, len(lines))


if __name__ == "__main__":
    main()
