"""A sorted `key<TAB>value` text file searched in place: a lookup costs a few microseconds, loading nothing.

The word lists, the vector table's pieces and the word neighbours are all such files: lines sorted by
their keys' UTF-8 bytes; leading lines that begin with `# ` are a header (a key never holds a space).
Memory-mapped, so several processes share the pages and a process reads only the few it touches.
"""

from __future__ import annotations

import mmap
from pathlib import Path


class SortedFile:
    def __init__(self, path: Path) -> None:
        with path.open("rb") as f:
            self._data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._start = 0
        while self._data[self._start : self._start + 2] == b"# ":  # the header lines
            self._start = self._data.find(b"\n", self._start) + 1

    def get(self, key: str) -> str | None:
        """The value on the line whose key is `key`, or None."""
        wanted = key.encode()
        data, lo, hi = self._data, self._start, len(self._data)
        while lo < hi:
            mid = (lo + hi) // 2
            line = max(data.rfind(b"\n", lo, mid) + 1, lo)
            tab = data.find(b"\t", line)
            end = data.find(b"\n", tab)
            if tab < 0 or end < 0:  # a damaged file: nothing past this point can be read
                return None
            found = data[line:tab]
            if found == wanted:
                return data[tab + 1 : end].decode()
            if found < wanted:
                lo = end + 1
            else:
                hi = line
        return None
