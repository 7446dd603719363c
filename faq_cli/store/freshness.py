"""Whether an index is still true to the files: their stamps (what git compares) and content digests, the
plan of what changed, the newer stamps of unchanged files kept beside an index, and the fingerprint of the
code that shapes an index."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import time
from hashlib import blake2b
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from faq_cli.mirrors.record import record

if TYPE_CHECKING:
    from faq_cli.store.read import Index


# A file modified this recently may change again within the same mtime tick, so
# its stat is not trusted on the next call (git's "racily clean" problem).
RACY_NS = 2_000_000_000


Stamp = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, mode: what git compares


# ---- the code an index depends on -------------------------------------------------------------------


# The code that decides what an index holds: how files are read and checked and what entries are
# (catalogue/, the record mirror), how it is stored (store/), what search derives from entries (search/,
# text/), and inert(), applied before Markdown is parsed. Another version of any of it means another index.
_SHAPING_FILES = ("__init__.py", "errors.py")
_SHAPING_PACKAGES = ("catalogue", "mirrors", "store", "search", "text")


def code_fingerprint() -> str:
    """The version and the modules an index's content depends on: an index built by other code is rebuilt."""
    from faq_cli import __version__

    here = Path(__file__).resolve().parent.parent  # faq_cli/
    parts = [__version__]
    names = list(_SHAPING_FILES)
    for package in _SHAPING_PACKAGES:
        for folder, dirs, files in os.walk(here / package):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            names += sorted(os.path.relpath(os.path.join(folder, f), here) for f in files if not f.endswith(".pyc"))
    for name in names:
        try:
            st = os.stat(here / name)
        except OSError:
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


# ---- what changed -----------------------------------------------------------------------------------


class KnownFile(NamedTuple):
    """What the index knows of one file: its place in the order, its stamp when one was trusted, its digest."""

    ord: int
    stamp: Stamp | None
    digest: str | None


def stamp_of(name: str) -> Stamp | None:
    """What a file looks like from outside; None when it cannot be stat'ed or is not a regular file.

    As git's index does: the change time and the inode too, not only size and mtime, because unpacking
    an archive (`tar --mtime`, `unzip -o`) can rewrite a file with the same size and modification time;
    nothing but a change of the file sets its ctime back to the same nanosecond."""
    try:
        st = os.stat(name)
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(st.st_mode) is False:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode)


def content_digest(name: str) -> str | None:
    """The content hash of a regular file (None for anything else: a device is never read)."""
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode):
                return None
            digest = blake2b(digest_size=16)
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
            return digest.hexdigest()
    except (OSError, ValueError):
        return None


@record()
class Plan:
    """How the files differ from the index: `changed` files must be parsed again."""

    changed: list[str]
    removed: list[str]
    touched: list[tuple[str, Stamp]]
    fresh: bool = False


def _plan(index: Index, names: list[str], stamps: dict[str, Stamp | None]) -> Plan:
    stored = index.files
    order_same = sorted(stored, key=lambda name: stored[name].ord) == names
    changed: list[str] = []
    touched: list[tuple[str, Stamp]] = []
    for name in names:
        row = stored.get(name)
        stamp = stamps[name]
        if row is None or stamp is None or row.digest is None:
            changed.append(name)
        elif row.stamp != stamp:
            digest = content_digest(name)
            if digest is not None and digest == row.digest:
                touched.append((name, stamp))
            else:
                changed.append(name)
    removed = [name for name in stored if name not in stamps]
    fresh = not changed and not removed and order_same
    return Plan(changed, removed, touched, fresh)


def plan_from(old: Index | None, names: list[str], stamps: dict[str, Stamp | None]) -> Plan:
    if old is not None:
        with contextlib.suppress(sqlite3.Error, ValueError, KeyError, TypeError):
            return _plan(old, names, stamps)
    return Plan(names, [], [])


def trusted_stamp(stamp: Stamp | None, now_ns: int) -> Stamp | None:
    """A stamp worth storing: one taken too close to the file's last change (or to a time in the future) is not."""
    if stamp is None or now_ns - max(stamp[1], stamp[2]) < RACY_NS:
        return None
    return stamp


def record_touched(target: Path, index: Index, touched: list[tuple[str, Stamp]]) -> None:
    """Remember the new stat of files whose content did not change, beside the index (which is never written in
    place: a process killed while writing into it, as another renames a new index over it, would leave a journal
    that damages the new one). Best effort: if it cannot be written, the files are hashed again next time."""
    from faq_cli.store import cache

    now = time.time_ns()
    fresh = {name: trusted for name, stamp in touched if (trusted := trusted_stamp(stamp, now)) is not None}
    if fresh:
        document = {"build": index.build, "files": {**index.overlay, **fresh}}
        cache.write_atomically(target.with_suffix(".stamps"), json.dumps(document).encode())


def read_overlay(index: Index, target: Path) -> None:
    """Read the newer stamps `record_touched` kept for this very build of the index (any other build's are stale)."""
    from faq_cli.store import cache

    raw = cache.read_private(target.with_suffix(".stamps"), 1 << 24)
    if not raw:
        return
    try:
        document = json.loads(raw)
        if document["build"] != index.build:
            return
        overlay: dict[str, Stamp] = {}
        for name, stamp in document["files"].items():
            if name in index.files and len(stamp) == 5 and all(type(n) is int for n in stamp):
                overlay[name] = tuple(stamp)
    except (ValueError, KeyError, TypeError, AttributeError):
        return
    index.overlay = overlay
    for name, stamp in overlay.items():
        index.files[name] = index.files[name]._replace(stamp=stamp)
