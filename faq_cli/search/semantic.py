"""Meaning without shared words: static word vectors, so 'airline' finds 'carrier' and 'film' finds 'movie'.

The vectors were distilled once from the sentence-transformer all-MiniLM-L6-v2 with model2vec
(scripts/word_vectors.py): every word piece of its vocabulary, and every common English word, went
through the transformer alone, and the outputs, reduced by PCA and weighted by word frequency, are
stored as one int8 row each. A text's vector is the mean of its pieces' rows, so embedding a query
costs a few table lookups, not a transformer (which would cost about 200 ms to load and 30 ms to run).

Texts are split as the model's BERT tokenizer splits them (lower case, accents stripped, punctuation
apart, then the longest vocabulary piece first, continuing pieces marked `##`).
"""

from __future__ import annotations

import math
import mmap
import re
import struct
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from operator import mul
from pathlib import Path

from faq_cli.text.sortedfile import SortedFile

Vector = Sequence[float]
_HERE = Path(__file__).resolve().parent / "vectors"
MAX_WORD_CHARS = 100  # BERT's limit: a longer "word" is unknown


class _Table:
    """`pieces.txt` (sorted `piece<TAB>row` lines) and `vectors.bin` (a uint32 of dimensions, then per row a
    float32 scale and int8 × dims); `neighbours.txt` (sorted `word<TAB>other:cos100,…` lines)."""

    def __init__(self, folder: Path) -> None:
        self._pieces = SortedFile(folder / "pieces.txt")
        neighbours = folder / "neighbours.txt"
        self._neighbours = SortedFile(neighbours) if neighbours.is_file() else None
        with (folder / "vectors.bin").open("rb") as f:
            self._rows = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self.dims = struct.unpack_from("<I", self._rows, 0)[0]
        self._row_size = 4 + self.dims

    def row(self, piece: str) -> int:
        """The piece's row, or -1 when the vocabulary has no such piece."""
        found = self._pieces.get(piece)
        return int(found) if found is not None else -1

    def vector(self, row: int) -> tuple[float, array[int]]:
        return self.scale(row), array("b", self.raw(row))

    def scale(self, row: int) -> float:
        (scale,) = struct.unpack_from("<f", self._rows, 4 + row * self._row_size)
        return float(scale)

    def raw(self, row: int) -> bytes:
        offset = 8 + row * self._row_size
        return self._rows[offset : offset + self.dims]

    def neighbours(self, word: str) -> list[tuple[str, float]]:
        found = self._neighbours.get(word) if self._neighbours is not None else None
        if not found:
            return []
        return [(w, int(c) / 100) for w, _, c in (item.rpartition(":") for item in found.split(","))]


@cache
def _table() -> _Table | None:
    return _Table(_HERE) if (_HERE / "vectors.bin").is_file() else None


def available() -> bool:
    return _table() is not None


# ---- BERT's basic tokenizer and WordPiece -----------------------------------------------------------


_CJK = "\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0002a6df\U0002a700-\U0002ceaf\uf900-\ufaff\U0002f800-\U0002fa1f"
# A run of letters and digits (but not CJK ideographs, each a word of its own), or any other visible character:
# BERT's split on whitespace and around punctuation (the underscore is punctuation to it too).
_BASIC = re.compile(f"[^\\W_{_CJK}]+|[^\\s]")


def basic_words(text: str) -> list[str]:
    """The text split as BERT's uncased basic tokenizer splits it: lower case, accents stripped (NFD, marks
    dropped), control and format characters dropped, punctuation and CJK characters each a word."""
    text = unicodedata.normalize("NFD", text.lower())
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Cc", "Cf") or c in "\t\n\r")
    return _BASIC.findall(text.replace("\x00", ""))


@lru_cache(maxsize=16384)
def pieces(word: str) -> tuple[int, ...]:
    """The rows of the word's WordPiece split (longest piece first); () when some part is not in the vocabulary."""
    table = _table()
    if table is None or len(word) > MAX_WORD_CHARS:
        return ()
    rows: list[int] = []
    start = 0
    while start < len(word):
        end = len(word)
        row = -1
        while end > start:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            row = table.row(piece)
            if row >= 0:
                break
            end -= 1
        if row < 0:
            return ()
        rows.append(row)
        start = end
    return tuple(rows)


def embed(text: str) -> list[float] | None:
    """The text's unit vector (the mean of its pieces' rows), or None when none of it is in the vocabulary."""
    return embed_rows(row for word in basic_words(text) for row in pieces(word))


# Summing rows one float at a time is the cost of embedding in pure Python (a query: a few hundred
# multiplications; a catalogue of 200,000 incidents: hundreds of millions). So rows are summed as whole
# integers: each row's int8 values, offset to 0..255, sit in LANE-bit lanes of one big integer, and a
# text's sum is a few big-integer multiply-adds (weights as fixed-point integers, FIXED bits), done in C.
LANE = 48  # bits a lane: room for 2**16 weighted rows of 255 × 2**24 before one could spill into the next
FIXED = 24  # fixed-point bits of a row's weight (its count times its scale)
_OFFSET = bytes((b ^ 0x80) for b in range(256))  # a two's complement byte → the same value plus 128


@lru_cache(maxsize=65536)
def _lanes(row: int) -> int:
    table = _table()
    assert table is not None
    raw = table.raw(row)
    spread = bytearray(len(raw) * (LANE // 8))
    spread[0 :: LANE // 8] = raw.translate(_OFFSET)
    return int.from_bytes(spread, "little")


def embed_rows(rows: Iterable[int]) -> list[float] | None:
    table = _table()
    if table is None:
        return None
    counts = Counter(rows)
    if not counts:
        return None
    total = weights = 0
    for row, n in counts.items():
        weight = round(n * table.scale(row) * (1 << FIXED))
        total += weight * _lanes(row)
        weights += weight
    step = LANE // 8
    packed = total.to_bytes(table.dims * step + 8, "little")
    base = 128 * weights
    values = [int.from_bytes(packed[i * step : i * step + step], "little") - base for i in range(table.dims)]
    norm = math.sqrt(sum(x * x for x in values))
    return [x / norm for x in values] if norm else None


def cosine(a: Vector, b: Vector) -> float:
    """The cosine of two unit vectors."""
    return float(sum(map(mul, a, b)))


@lru_cache(maxsize=4096)
def neighbours(word: str) -> list[tuple[str, float]]:
    """The words closest in meaning to an English word, with their cosines, closest first ([] if unknown)."""
    table = _table()
    return table.neighbours(word) if table is not None else []


def pack(vectors: Sequence[Vector]) -> bytes:
    """Unit vectors as bytes: a count, then per vector a float32 scale and int8 values (for the index)."""
    out = bytearray(struct.pack("<H", len(vectors)))
    for v in vectors:
        largest = max(max(v, default=0.0), -min(v, default=0.0))
        inverse = 127 / largest if largest else 1.0
        out += struct.pack("<f", 1 / inverse)
        out += array("b", [round(x * inverse) for x in v]).tobytes()  # |x| <= largest: never past ±127
    return bytes(out)


Packed = tuple[float, "array[int]"]  # a stored unit vector: its scale and int8 values


def unpack(data: bytes, dims: int, offset: int = 0) -> tuple[list[Packed], int]:
    """The vectors packed at `offset` (left as scale and int8 values), and the offset just past them."""
    (count,) = struct.unpack_from("<H", data, offset)
    vectors: list[Packed] = []
    offset += 2
    for _ in range(count):
        (scale,) = struct.unpack_from("<f", data, offset)
        vectors.append((scale, array("b", data[offset + 4 : offset + 4 + dims])))
        offset += 4 + dims
    return vectors, offset


def similarity(vector: Vector, packed: Packed) -> float:
    """The cosine of a unit vector with a stored one."""
    return packed[0] * float(sum(map(mul, vector, packed[1])))


def dims() -> int:
    table = _table()
    return table.dims if table is not None else 0
