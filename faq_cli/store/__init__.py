"""The compiled index of a catalogue: build, store, load, invalidate.

The YAML files stay the single source of truth; the index is a disposable
SQLite file in the user cache directory, one per set of catalogue paths. Each
call stats the catalogue's files; a file whose size, mtime or inode changed is
hashed, and only a file whose content changed is parsed again; the checks
across files (repeated ids, references) then run over sets of ids kept per
file, reading a file's entries only to place a problem. A fresh index
is served without importing the YAML parser: entries are read on demand, and
`Store` answers the common lookups (by date, by person, by related id, text
candidates) with indexed queries, so a warm call on 200,000 incidents reads
only the entries it shows.

A new or changed index is written to a temporary file and renamed into place,
so no reader ever sees it half-written. Anything wrong with the cache — a
corrupt, truncated or foreign file, a read-only or missing directory, a full
disk — only costs speed: the index is then rebuilt, or built in memory for
this call.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import stat
import sys
import time
from collections.abc import Callable, Collection, ItemsView, Iterable, Iterator, Mapping, Sequence, ValuesView
from dataclasses import dataclass, field
from hashlib import blake2b
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from faq_cli.catalogue import model as m
from faq_cli.catalogue.files import layer_files
from faq_cli.catalogue.layers import Layer, as_layers
from faq_cli.errors import CatalogueError, Problem
from faq_cli.mirrors.record import MISSING, fields, is_record

if TYPE_CHECKING:
    from faq_cli.catalogue.merge import EntryRefs, FileRefs

FORMAT = "faq-cli index 8"
ENV_CACHE_DIR = "FAQ_CLI_CACHE_DIR"
APP_NAME = "faq-cli"
# A file modified this recently may change again within the same mtime tick, so
# its stat is not trusted on the next call (git's "racily clean" problem).
RACY_NS = 2_000_000_000
# Incidents up to this many are ranked whole; above it, those full-text search finds and those of the
# people whose names come closest (names.py shortlists people likewise), and only those are ranked.
RANK_WHOLE = 400
CANDIDATES = 200
STALE_TEMP_SECONDS = 3600

T = TypeVar("T")
Progress = Callable[[int, int], None]
Deriver = Callable[[m.Catalogue], Iterable[tuple[str, bytes]]]
"""What a layer above derives from a whole catalogue (search structures, name tables), as key → value
rows; the index stores them with the entries when it is built, and serves them back by name."""
Stamp = tuple[int, int, int, int]  # size, mtime_ns, inode, mode

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
    path TEXT PRIMARY KEY, ord INTEGER NOT NULL, layer INTEGER NOT NULL, size INTEGER, mtime_ns INTEGER, inode INTEGER,
    mode INTEGER, digest TEXT, problems TEXT NOT NULL, spans TEXT NOT NULL, checks TEXT NOT NULL, refs TEXT NOT NULL
);
CREATE TABLE entries(
    file TEXT NOT NULL, section TEXT NOT NULL, id TEXT NOT NULL, pos INTEGER NOT NULL,
    start INTEGER, stop INTEGER, data TEXT NOT NULL
);
CREATE INDEX entries_by_id ON entries(section, id);
CREATE INDEX entries_by_start ON entries(section, start);
CREATE INDEX entries_by_file ON entries(file);
CREATE TABLE links(entry INTEGER NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL);
CREATE INDEX links_by_ref ON links(kind, ref);
CREATE INDEX links_by_entry ON links(entry);
CREATE TABLE derived(name TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY(name, key)) WITHOUT ROWID;
CREATE TABLE markdown(entry INTEGER PRIMARY KEY, digest BLOB NOT NULL, tokens TEXT);
CREATE TABLE shadowed(entry INTEGER PRIMARY KEY);
CREATE TABLE placed(entry INTEGER PRIMARY KEY, ord INTEGER NOT NULL, pos INTEGER NOT NULL);
CREATE VIRTUAL TABLE incident_text USING fts5(body);
"""
_TEXT_TABLES = {"incidents": "incident_text"}
# Entries a later layer replaces are left out of every lookup (`shadowed`), and the entry that replaces
# one takes its place in file order (`placed`): both are worked out anew by every build.
LIVE = "e.rowid NOT IN (SELECT entry FROM shadowed)"
FROM_LIVE = "entries e JOIN files f ON f.path = e.file LEFT JOIN placed p ON p.entry = e.rowid"
IN_ORDER = "ORDER BY coalesce(p.ord, f.ord), coalesce(p.pos, e.pos)"
# The Markdown field of each section that the terminal renders as Markdown (render/terminal.py's markdown()):
# parsed once here, so a warm lookup renders it without importing markdown-it. One field per entry at most.
MARKDOWN_FIELDS = {"questions": "answer", "incidents": "summary", "people": "summary"}


# ---- where the index lives ------------------------------------------------------------------------


def cache_dir() -> Path:
    """`FAQ_CLI_CACHE_DIR`, else the user cache directory (XDG on Linux, computed without importing platformdirs)."""
    override = os.environ.get(ENV_CACHE_DIR, "").strip()
    if override:
        return Path(override)
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # as platformdirs does
        return base / APP_NAME
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


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


def index_path(layers: Sequence[str | Layer]) -> Path:
    """One index file per stack of layers: their names, and their paths as given and as absolute paths."""
    stack = as_layers(layers)
    key = json.dumps([[layer.name for layer in stack], [layer.path for layer in stack], [os.path.abspath(x.path) for x in stack]])
    digest = blake2b(key.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return cache_dir() / f"catalogue-{digest}.sqlite"


# ---- the entry point --------------------------------------------------------------------------------


def load(
    paths: Sequence[str | Layer], progress: Progress | None = None, derivers: Mapping[str, Deriver] | None = None
) -> m.Catalogue:
    """The catalogue of these layers (a plain path is a layer of its own), served from its index; raises
    CatalogueError when it is invalid."""
    layers = as_layers(paths)
    state, extra = _opened(layers, progress, derivers)
    problems = sorted([*extra, *state.problems], key=lambda p: (p.path, p.line, p.column))
    if problems:
        raise CatalogueError(problems)
    return state.catalogue(layers)


@dataclass(slots=True)
class Checked:
    """What `faq validate` reports: every problem, the files skipped as not being catalogue files, how many
    files were read, and each layer with its entry counts (which count only the files without a problem)."""

    problems: list[Problem]
    notes: list[Problem]
    files: int
    layers: list[m.CatalogueLayer]
    counts: list[dict[str, int]]


def check(
    paths: Sequence[str | Layer], progress: Progress | None = None, derivers: Mapping[str, Deriver] | None = None
) -> Checked:
    """Every problem of the catalogue of these layers, from the index (for `faq validate` and `faq catalogue list`)."""
    layers = as_layers(paths)
    state, extra = _opened(layers, progress, derivers)
    problems = sorted([*extra, *state.problems], key=lambda p: (p.path, p.line, p.column))
    return Checked(problems, state.notes, len(state.files) - len(state.notes), state.layers, state.counts(len(layers)))


def check_replacing(
    paths: Sequence[str | Layer],
    layer: int,
    path: str,
    content: Path,
    progress: Progress | None = None,
    derivers: Mapping[str, Deriver] | None = None,
) -> list[Problem]:
    """Every problem the catalogue would have if the file `path` of layer number `layer` held what the file
    `content` holds (a draft about to be saved; `path` may not exist yet). Only `content` is parsed: the other
    files' checks come from the index."""
    from faq_cli.catalogue.merge import file_refs, merge, read_file_as

    layers = as_layers(paths)
    files, extra = layer_files(layers)
    named = [(str(f), n) for f, n in files]
    state = _state(layers, named, progress, derivers or {})  # the index of the catalogue as it is, kept as it is
    # The layer's own path stands for it no more once the file is written there (a folder that does not exist yet).
    root = os.path.abspath(layers[layer].path)
    extra = [p for p in extra if os.path.abspath(p.path) != root]
    kept = [(name, n) for name, n in named if not (n == layer and os.path.abspath(name) == root and not os.path.exists(name))]
    others = [(name, n) for name, n in kept if os.path.abspath(name) != os.path.abspath(path)]
    order = [*others]
    at = max((i + 1 for i, (_, n) in enumerate(others) if n <= layer), default=0)
    order.insert(at, (path, layer))
    refs = []
    for name, n in order:
        if name == path:
            read = read_file_as(content, path)
            read.layer = n
            found = file_refs(read)
        else:
            row = state.db.execute("SELECT problems, checks FROM files WHERE path = ?", (name,)).fetchone()
            found = _decode_refs(state.db, name, [Problem(*p) for p in json.loads(row[0])], row[1])
            found.layer = n
        refs.append(found)
    merged = merge(refs, [(x.name, x.path) for x in layers], extra)
    return merged.problems


@dataclass(frozen=True, slots=True)
class Place:
    """Where an entry is written: its layer's number, section, file and the line of its id."""

    layer: int
    section: str
    path: str
    line: int


def locate(
    paths: Sequence[str | Layer], entry_id: str, progress: Progress | None = None, derivers: Mapping[str, Deriver] | None = None
) -> list[Place]:
    """Every place an entry with this id is written, lowest layer first (a file with problems included)."""
    layers = as_layers(paths)
    state, _ = _opened(layers, progress, derivers)
    found = []
    rows = state.db.execute("SELECT path, layer, checks FROM files ORDER BY ord").fetchall()
    for path, layer, checks in rows:
        ids = json.loads(checks)["ids"]
        sections = [section for section, items in ids.items() if entry_id in items]
        if not sections:
            continue
        refs = state.db.execute("SELECT refs FROM files WHERE path = ?", (path,)).fetchone()[0]
        for entry in _decode_entries(refs):
            if entry.id == entry_id and entry.section in sections:
                found.append(Place(layer, entry.section, path, entry.mark[0]))
    return found


def known_ids(
    paths: Sequence[str | Layer], progress: Progress | None = None, derivers: Mapping[str, Deriver] | None = None
) -> set[str]:
    """Every id any file of these layers gives an entry, in any section."""
    state, _ = _opened(as_layers(paths), progress, derivers)
    found: set[str] = set()
    for (checks,) in state.db.execute("SELECT checks FROM files"):
        for items in json.loads(checks)["ids"].values():
            found.update(items)
    return found


def _opened(
    layers: Sequence[Layer], progress: Progress | None, derivers: Mapping[str, Deriver] | None
) -> tuple[_Index, list[Problem]]:
    files, extra = layer_files(layers)
    return _state(layers, [(str(f), n) for f, n in files], progress, derivers or {}), extra


def _state(
    layers: Sequence[Layer], files: list[tuple[str, int]], progress: Progress | None, derivers: Mapping[str, Deriver]
) -> _Index:
    """The index for these files (each with its layer's number): the cached one when fresh, else updated or rebuilt."""
    names = [name for name, _ in files]
    stamps = {name: _stamp(name) for name in names}
    layout = _Layout(list(layers), dict(files))
    try:
        target: Path | None = index_path(layers)
    except (OSError, RuntimeError, ValueError):  # no home directory, unencodable path…
        target = None
    old = _open_cached(target) if target is not None else None
    plan = _Plan(names, [], [], {})
    if old is not None:
        try:
            plan = _plan(old, names, stamps)
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            old, plan = None, _Plan(names, [], [], {})
    if old is not None and plan.fresh:
        if plan.touched and target is not None:
            _record_touched(target, plan.touched)
        return old
    return _build(target, old, plan, stamps, progress, layout, derivers)


@dataclass(slots=True)
class _Layout:
    """The layers, and the layer each file belongs to."""

    layers: list[Layer]
    layer_of: dict[str, int]

    def name_of(self, path: str) -> str:
        return self.layers[self.layer_of.get(path, 0)].name if self.layers else ""


# ---- an opened index --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Index:
    """An opened, consistent index: its connection and the catalogue-wide facts read at open."""

    db: sqlite3.Connection
    problems: list[Problem]
    info: m.CatalogueInfo
    synonyms: tuple[tuple[str, ...], ...]
    files: dict[str, sqlite3.Row] = field(default_factory=dict)
    build: str = ""
    target: Path | None = None  # the file it was read from; None in memory
    layers: list[m.CatalogueLayer] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def catalogue(self, layers: Sequence[Layer]) -> m.Catalogue:
        store = Store(self.db, layers, self.synonyms)
        store.target = self.target
        store.catalogue = m.Catalogue(
            info=self.info,
            synonyms=self.synonyms,
            sources=Section(store, "sources"),
            people=Section(store, "people"),
            incidents=Section(store, "incidents"),
            events=Section(store, "events"),
            questions=Section(store, "questions"),
            index=store,
            layers=tuple(self.layers),
        )
        return store.catalogue

    def counts(self, layers: int) -> list[dict[str, int]]:
        """Per layer, how many entries of each section it defines (those it replaces included)."""
        found: list[dict[str, int]] = [dict.fromkeys(m.ENTRY_SECTIONS, 0) for _ in range(layers)]
        for layer, section, count in self.db.execute(
            "SELECT f.layer, e.section, count(*) FROM entries e JOIN files f ON f.path = e.file GROUP BY f.layer, e.section"
        ):
            if 0 <= layer < layers:
                found[layer][section] = count
        return found


def _connect(path: Path | str, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        from urllib.parse import quote

        db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, check_same_thread=False)
    else:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    return db


def _open_cached(target: Path) -> _Index | None:
    """The index at `target` when it exists, is ours and is whole; None otherwise (never raises)."""
    try:
        size = os.stat(target).st_size
    except (OSError, ValueError):
        return None
    db: sqlite3.Connection | None = None
    try:
        db = _connect(target, readonly=True)
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT or meta.get("code") != code_fingerprint():
            raise ValueError("an index of another format or built by other code")
        pages = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
        if pages != size:  # truncated, or appended to
            raise ValueError("index size does not match its pages")
        index = _read_index(db, meta)
        index.target = target
        return index
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        if db is not None:
            db.close()
        return None


def _read_index(db: sqlite3.Connection, meta: dict[str, str]) -> _Index:
    problems = [Problem(*p) for p in json.loads(meta["problems"])]
    notes = [Problem(*p) for p in json.loads(meta["notes"])]
    info = _decode(meta["info"])
    layers = [_decode_layer(item) for item in _decode(meta["layers"])]
    if not isinstance(info, m.CatalogueInfo):
        raise ValueError("no catalogue info")
    synonyms = tuple(tuple(str(t) for t in group) for group in json.loads(meta["synonyms"]))
    files = {row["path"]: row for row in db.execute("SELECT path, ord, size, mtime_ns, inode, mode, digest FROM files")}
    return _Index(db, problems, info, synonyms, files, meta.get("build", ""), None, layers, notes)


def _encode_layer(layer: m.CatalogueLayer) -> object:
    return {"name": layer.name, "info": _plain(layer.info), "choices": layer.choices, "header": layer.header}


def _decode_layer(item: dict[str, Any]) -> m.CatalogueLayer:
    info = item["info"]
    if not isinstance(info, m.CatalogueInfo):
        raise ValueError("no layer info")
    choices = {str(k): tuple(str(v) for v in values) for k, values in item["choices"].items()}
    return m.CatalogueLayer(str(item["name"]), info, choices, bool(item["header"]))


# ---- what changed -----------------------------------------------------------------------------------


def _stamp(name: str) -> Stamp | None:
    """What a file looks like from outside; None when it cannot be stat'ed or is not a regular file."""
    try:
        st = os.stat(name)
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(st.st_mode) is False:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode)


def _digest(name: str) -> str | None:
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


@dataclass(slots=True)
class _Plan:
    """How the files differ from the index: `changed` files must be parsed again."""

    changed: list[str]
    removed: list[str]
    touched: list[tuple[str, Stamp]]
    digests: dict[str, str]
    fresh: bool = False


def _plan(index: _Index, names: list[str], stamps: dict[str, Stamp | None]) -> _Plan:
    stored = index.files
    order_same = [r["path"] for r in sorted(stored.values(), key=lambda r: r["ord"])] == names
    changed: list[str] = []
    touched: list[tuple[str, Stamp]] = []
    digests: dict[str, str] = {}
    for name in names:
        row = stored.get(name)
        stamp = stamps[name]
        if row is None or stamp is None or row["digest"] is None:
            changed.append(name)
        elif (row["size"], row["mtime_ns"], row["inode"], row["mode"]) != stamp:
            digest = _digest(name)
            if digest is not None and digest == row["digest"]:
                touched.append((name, stamp))
            else:
                changed.append(name)
                if digest is not None:
                    digests[name] = digest
    removed = [name for name in stored if name not in stamps]
    fresh = not changed and not removed and order_same
    return _Plan(changed, removed, touched, digests, fresh)


def _trusted(stamp: Stamp | None, now_ns: int) -> Stamp | None:
    """A stamp worth storing: one taken too close to the file's last change is not trusted."""
    if stamp is None or now_ns - stamp[1] < RACY_NS:
        return None
    return stamp


def _record_touched(target: Path, touched: list[tuple[str, Stamp]]) -> None:
    """Remember the new stat of files whose content did not change (best effort, in one transaction)."""
    now = time.time_ns()
    rows = [(*trusted, name) for name, stamp in touched if (trusted := _trusted(stamp, now)) is not None]
    if not rows:
        return
    try:
        db = _connect(target)
        try:
            db.execute("PRAGMA busy_timeout = 200")
            db.execute("BEGIN IMMEDIATE")
            db.executemany("UPDATE files SET size = ?, mtime_ns = ?, inode = ?, mode = ? WHERE path = ?", rows)
            db.execute("COMMIT")
        finally:
            db.close()
    except (sqlite3.Error, OSError):
        pass  # a read-only or busy cache: the files are hashed again next time


# ---- building -----------------------------------------------------------------------------------------


def _build(
    target: Path | None,
    old: _Index | None,
    plan: _Plan,
    stamps: dict[str, Stamp | None],
    progress: Progress | None,
    layout: _Layout,
    derivers: Mapping[str, Deriver],
) -> _Index:
    """Update `old` (or build from nothing) into a new file renamed over `target`; in memory if that fails."""
    temp = _temp_file(target) if target is not None else None
    if temp is not None:
        try:
            db = _connect(temp)
            _fill(db, old, plan, stamps, progress, layout, derivers)
            _sync(temp)
            os.replace(temp, target)  # type: ignore[arg-type]
            index = _read_index(db, dict(db.execute("SELECT key, value FROM meta").fetchall()))
            index.target = target
            return index
        except (sqlite3.Error, OSError, ValueError):
            _remove(temp)  # a full disk, a vanished directory…: this call goes without the cache
    db = _connect(":memory:")
    _fill(db, old, plan, stamps, progress, layout, derivers)
    return _read_index(db, dict(db.execute("SELECT key, value FROM meta").fetchall()))


def _temp_file(target: Path) -> Path | None:
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _sweep(target.parent)
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        return Path(name)
    except (OSError, ValueError):
        return None


def _sweep(folder: Path) -> None:
    """Remove temporary files that a killed build left behind."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    try:
        for entry in os.scandir(folder):
            if entry.name.startswith(".catalogue-") and entry.name.endswith(".tmp") and entry.stat().st_mtime < cutoff:
                _remove(Path(entry.path))
    except OSError:
        pass


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fill(
    db: sqlite3.Connection,
    old: _Index | None,
    plan: _Plan,
    stamps: dict[str, Stamp | None],
    progress: Progress | None,
    layout: _Layout,
    derivers: Mapping[str, Deriver],
) -> None:
    """Write the whole index into `db`: a copy of `old` with the changed files parsed again, or every file."""
    db.execute("PRAGMA journal_mode = OFF")  # a temporary file: a crash leaves nothing to recover
    db.execute("PRAGMA synchronous = OFF")
    names = list(stamps)
    if old is not None:
        old.db.backup(db)
        gone = [*plan.removed, *plan.changed]
        todo = plan.changed
    else:
        db.executescript(_SCHEMA)
        gone, todo = [], names
    db.execute("BEGIN")
    for name in gone:
        _forget(db, name)
    now = time.time_ns()
    total = len(todo) + 1
    for done, compiled in enumerate(_compile_all([(name, layout.name_of(name)) for name in todo]), start=1):
        _insert(db, compiled, _trusted(stamps[compiled.path], now) if compiled.stable else None)
        if progress is not None:
            progress(done, total)
    for n, name in enumerate(names):
        db.execute("UPDATE files SET ord = ?, layer = ? WHERE path = ?", (n, layout.layer_of.get(name, 0), name))
    for name, stamp in plan.touched:
        trusted = _trusted(stamp, now)
        if trusted is not None:
            db.execute("UPDATE files SET size = ?, mtime_ns = ?, inode = ?, mode = ? WHERE path = ?", (*trusted, name))
    _merge(db, names, layout)
    _shadow(db, len(layout.layers) > 1)
    db.execute("DELETE FROM derived")
    _derive(db, layout.layers, derivers)
    db.execute("COMMIT")
    # Statistics for the query planner, of this content: without them a lookup by person scans a date range.
    # (PRAGMA optimize would gather them only for tables that this build's own queries happened to use.)
    db.execute("ANALYZE")
    if progress is not None:
        progress(total, total)


def _forget(db: sqlite3.Connection, name: str) -> None:
    rowids = [r[0] for r in db.execute("SELECT rowid FROM entries WHERE file = ?", (name,))]
    for table in _TEXT_TABLES.values():
        db.executemany(f"DELETE FROM {table} WHERE rowid = ?", ((r,) for r in rowids))
    db.executemany("DELETE FROM links WHERE entry = ?", ((r,) for r in rowids))
    db.executemany("DELETE FROM markdown WHERE entry = ?", ((r,) for r in rowids))
    db.executemany("DELETE FROM shadowed WHERE entry = ?", ((r,) for r in rowids))
    db.executemany("DELETE FROM placed WHERE entry = ?", ((r,) for r in rowids))
    db.execute("DELETE FROM entries WHERE file = ?", (name,))
    db.execute("DELETE FROM files WHERE path = ?", (name,))


@dataclass(slots=True)
class _Compiled:
    """One file, parsed and validated, as rows for the index (picklable, for worker processes)."""

    path: str
    digest: str | None
    stable: bool  # the file did not change while it was read
    problems: list[tuple[str, int, int, str]]
    spans: str  # per section, the longest span of its dated entries
    checks: str  # what the cross-file checks need of a sound file (see _encode_refs)
    refs: str  # its entries' ids and references with their marks, read only when it has a problem
    entries: list[tuple[str, str, int | None, int | None, str, list[tuple[str, str]], str | None]]
    markdown: dict[int, tuple[bytes, str | None]]  # by position in `entries`: its Markdown field (see _stored_markdown)


def _compile_all(names: list[tuple[str, str]]) -> Iterator[_Compiled]:
    """Parse files (each with the name of its layer), in two processes when there is enough work to be worth it."""
    if not names:
        return
    from faq_cli.catalogue import merge  # noqa: F401 - imported before forking, once

    work = sum((s.st_size for n, _ in names if (s := _safe_stat(n)) is not None), 0)
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2 or len(names) < 4 or work < 4_000_000:
        for name in names:  # markdown-it is imported only if one of them has Markdown
            yield _compile(name)
        return
    _markdown_parser()  # before forking, once
    import multiprocessing

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: one process
        for name in names:
            yield _compile(name)
        return
    with context.Pool(workers) as pool:
        yield from pool.imap(_compile, names)


def _safe_stat(name: str) -> os.stat_result | None:
    try:
        return os.stat(name)
    except (OSError, ValueError):
        return None


def _compile(named: tuple[str, str]) -> _Compiled:
    """Parse and validate one file; keep its problems, its ids and references, and its entries (which carry
    the name of the file's layer) as rows."""
    from faq_cli.catalogue.merge import build_entry, file_refs, read_file

    name, layer = named
    before = _stamp(name)
    digest = _digest(name) if before is not None else None
    sections = read_file(Path(name))
    stable = before is not None and digest is not None and _stamp(name) == before
    problems = [(p.path, p.line, p.column, p.message) for p in sections.problems]
    rows: list[tuple[str, str, int | None, int | None, str, list[tuple[str, str]], str | None]] = []
    markdown: dict[int, tuple[bytes, str | None]] = {}
    spans: dict[str, int] = {}
    if not sections.problems:
        for section in m.ENTRY_SECTIONS:
            field = MARKDOWN_FIELDS.get(section)
            for fields in sections.sections.get(section) or ():
                entry = build_entry(section, fields, layer)
                start, stop = _span(entry)
                body = getattr(entry, field) if field else None
                if body and (stored := _stored_markdown(body)) is not None:
                    markdown[len(rows)] = stored
                rows.append((section, entry.id, start, stop, _encode(entry), _links(entry), _text(section, entry)))
                if start is not None and stop is not None:
                    spans[section] = max(spans.get(section, stop - start), stop - start)
    checks, refs = _encode_refs(file_refs(sections))
    return _Compiled(name, digest, stable, problems, json.dumps(spans), checks, refs, rows, markdown)


def _insert(db: sqlite3.Connection, compiled: _Compiled, stamp: Stamp | None) -> None:
    size, mtime, inode, mode = stamp or (None, None, None, None)
    db.execute(
        "INSERT INTO files VALUES (?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            compiled.path,
            size,
            mtime,
            inode,
            mode,
            compiled.digest if compiled.stable else None,
            json.dumps(compiled.problems),
            compiled.spans,
            compiled.checks,
            compiled.refs,  # last: the other columns are read without going through it
        ),
    )
    markdown: list[tuple[int | None, bytes, str | None]] = []
    for pos, (section, entry_id, start, stop, data, links, text) in enumerate(compiled.entries):
        cursor = db.execute(
            "INSERT INTO entries(file, section, id, pos, start, stop, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (compiled.path, section, entry_id, pos, start, stop, data),
        )
        rowid = cursor.lastrowid
        if links:
            db.executemany("INSERT INTO links VALUES (?, ?, ?)", ((rowid, kind, ref) for kind, ref in links))
        if text:
            db.execute(f"INSERT INTO {_TEXT_TABLES[section]}(rowid, body) VALUES (?, ?)", (rowid, text))
        if pos in compiled.markdown:
            markdown.append((rowid, *compiled.markdown[pos]))
    db.executemany("INSERT INTO markdown VALUES (?, ?, ?)", markdown)


def _derive(db: sqlite3.Connection, layers: Sequence[Layer], derivers: Mapping[str, Deriver]) -> None:
    """Store what each deriver makes of the new content (nothing when the catalogue has problems: it is
    never served). A deriver that fails stores nothing: the layer above derives in memory instead."""
    if not derivers:
        return
    index = _read_index(db, dict(db.execute("SELECT key, value FROM meta").fetchall()))
    if index.problems:
        return
    catalogue = index.catalogue(layers)
    for name, derive in derivers.items():
        db.execute("SAVEPOINT derive")
        try:
            db.executemany("INSERT INTO derived VALUES (?, ?, ?)", ((name, k, v) for k, v in derive(catalogue)))
            db.execute("RELEASE derive")
        except (ValueError, KeyError, TypeError, sqlite3.Error):
            db.execute("ROLLBACK TO derive")
            db.execute("RELEASE derive")


def _merge(db: sqlite3.Connection, names: list[str], layout: _Layout) -> None:
    """The cross-file checks (duplicate ids, references, choices) over what is kept per file; the result goes to `meta`."""
    from faq_cli.catalogue.merge import merge

    files = []
    longest: dict[str, int] = {}
    for name in names:
        row = db.execute("SELECT problems, checks, spans FROM files WHERE path = ?", (name,)).fetchone()
        refs = _decode_refs(db, name, [Problem(*p) for p in json.loads(row[0])], row[1])
        refs.layer = layout.layer_of.get(name, 0)
        files.append(refs)
        for section, span in json.loads(row[2]).items():
            longest[section] = max(longest.get(section, span), span)
    merged = merge(files, [(layer.name, layer.path) for layer in layout.layers])
    found = merged.problems
    info, synonyms = (m.CatalogueInfo(), ()) if found else (merged.catalogue.info, merged.catalogue.synonyms)
    maxspan = {section: longest.get(section, 0) for section in ("incidents", "events")}
    meta = {
        "format": FORMAT,
        "code": code_fingerprint(),
        "problems": json.dumps([(p.path, p.line, p.column, p.message) for p in found]),
        "notes": json.dumps([(p.path, p.line, p.column, p.message) for p in merged.notes]),
        "layers": _json([_encode_layer(layer) for layer in merged.catalogue.layers]),
        "info": _encode(info),
        "synonyms": json.dumps(synonyms),
        "maxspan": json.dumps(maxspan),
        "build": os.urandom(8).hex(),
    }
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())


def _shadow(db: sqlite3.Connection, layered: bool) -> None:
    """Which entries a later layer replaces, and where each replacing entry stands: in the place of the first.

    Within a layer an id is unique (a repeat is a problem, and such a catalogue is never served), so an
    id stored twice in a section is an id that a later layer defines again."""
    db.execute("DELETE FROM shadowed")
    db.execute("DELETE FROM placed")
    if not layered:
        return
    repeated = db.execute(
        "SELECT e.section, e.id, e.rowid, f.ord, e.pos FROM entries e JOIN files f ON f.path = e.file"
        " WHERE (e.section, e.id) IN (SELECT section, id FROM entries GROUP BY section, id HAVING count(*) > 1)"
        " ORDER BY e.section, e.id, f.layer, f.ord, e.pos"
    ).fetchall()
    groups: dict[tuple[str, str], list[sqlite3.Row]] = {}
    for row in repeated:
        groups.setdefault((row[0], row[1]), []).append(row)
    for rows in groups.values():
        *replaced, last = rows
        db.executemany("INSERT INTO shadowed VALUES (?)", ((r[2],) for r in replaced))
        db.execute("INSERT INTO placed VALUES (?, ?, ?)", (last[2], replaced[0][3], replaced[0][4]))


# ---- what an entry is indexed by ---------------------------------------------------------------------


def _date_key(date: m.PartialDate) -> int:
    """An integer that sorts as the date does: 2025-12 → 20251200."""
    return date.year * 10000 + date.month * 100 + date.day


def _span(entry: m.Entry) -> tuple[int | None, int | None]:
    if isinstance(entry, m.Incident | m.Event):
        end = getattr(entry, "end", None) or entry.date
        return _date_key(entry.date), _date_key(end.end())
    return None, None


def _links(entry: m.Entry) -> list[tuple[str, str]]:
    if isinstance(entry, m.Incident):
        return [("person", p.person) for p in entry.people]
    if isinstance(entry, m.Event):
        return [("person", p) for p in entry.people]
    if isinstance(entry, m.Question):
        return [("related", r) for r in entry.related]
    return []


def _text(section: str, entry: m.Entry) -> str | None:
    """What full-text search finds an entry by, as search.py keys the names and words it matches."""
    from faq_cli.text.names import name_key

    if isinstance(entry, m.Incident):
        parts: Sequence[str] = (entry.title, entry.place, entry.kind, entry.id.replace("-", " "))
    else:
        return None
    return " | ".join(name_key(str(p)) for p in parts)


# ---- Markdown, parsed at build time ------------------------------------------------------------------
# rich.markdown parses with markdown-it on every render; importing the two costs a warm `faq ask` about
# 30 ms. The index keeps what Rich's renderer walks instead: markdown-it's tokens, flattened as Rich
# flattens them, and render/parsed_markdown.py walks them the same way without importing either.

_PARSER: Any = None


def _markdown_parser() -> Any:
    """markdown-it set up as rich.markdown sets it up; None when it cannot be imported (Rich then parses at render)."""
    global _PARSER
    if _PARSER is None:
        try:
            from markdown_it import MarkdownIt
        except ImportError:  # pragma: no cover - a dependency of Rich
            _PARSER = False
        else:
            _PARSER = MarkdownIt().enable("strikethrough").enable("table")
    return _PARSER or None


def _digest_of(text: str) -> bytes:
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


# One line of plain prose: a letter first, no character that can start a construct, nothing to strip
# at either end. markdown-it makes it one paragraph of one text token, so the parser is skipped and
# nothing but the fact is stored (most summaries are such a line). tests/test_parsed_markdown.py
# holds this to what markdown-it gives.
_PLAIN_LINE = r"[^\W\d_][^\n\t\\`*_\[\]<&~|]*"


def _plain_paragraph(text: str) -> list[object] | None:
    """The tokens of an inert text that is one line of plain prose; None for any other text."""
    if re.fullmatch(_PLAIN_LINE, text) and not text[-1].isspace():
        return [["paragraph_open", "p", 1], text, ["paragraph_close", "p", -1]]
    return None


def markdown_tokens(body: str) -> list[object] | None:
    """A Markdown field as the tokens rich.markdown's renderer visits, as the index stores and serves them;
    None when markdown-it is not there.

    As Rich does, the text is made inert first and parsed, and the tree flattened (an image or a
    fence kept whole). A text token is its content; any other is `[type, tag, nesting]`, then its
    content when it has content or attributes, then its attributes when it has some.
    """
    stored = _stored_markdown(body)
    return None if stored is None else _row_tokens(body, stored[1])


def _row_tokens(body: str, tokens: str | None) -> list[object] | None:
    """The tokens a Markdown row holds for `body` (its `tokens` column: NULL for one line of plain prose)."""
    if tokens is None:
        from faq_cli.text.inert import inert

        return _plain_paragraph(inert(body))
    try:
        found = json.loads(tokens)
    except ValueError:
        return None
    return found if isinstance(found, list) else None


def _stored_markdown(body: str) -> tuple[bytes, str | None] | None:
    """A Markdown field's row: its digest, and its tokens as JSON (NULL for one line of plain prose)."""
    from faq_cli.text.inert import inert

    text = inert(body)
    if _plain_paragraph(text) is not None:
        return _digest_of(body), None
    tokens = parsed_markdown_tokens(text)
    return (_digest_of(body), tokens) if tokens is not None else None


def parsed_markdown_tokens(text: str) -> str | None:
    """`markdown_tokens` of an inert text, always from markdown-it."""
    parser = _markdown_parser()
    if parser is None:
        return None
    try:
        tokens = parser.parse(text)
    except Exception:  # whatever markdown-it does with this text, rich.markdown will do again at render time
        return None
    stream: list[object] = []
    for token in _flattened(tokens):
        if token.type == "text":
            stream.append(token.content)
            continue
        item: list[object] = [token.type, token.tag, token.nesting]
        if token.content or token.attrs:
            item.append(token.content)
        if token.attrs:
            item.append(dict(token.attrs))
        stream.append(item)
    return _json(stream)


def _flattened(tokens: Sequence[Any]) -> Iterator[Any]:
    """Inline tokens' children in their place, as rich.markdown's Markdown._flatten_tokens yields them."""
    for token in tokens:
        if token.children and not (token.type == "fence" or token.tag == "img"):
            yield from _flattened(token.children)
        else:
            yield token


# ---- serialising entries ------------------------------------------------------------------------------

_MODEL_TYPES: dict[str, type] = {name: value for name, value in vars(m).items() if isinstance(value, type) and is_record(value)}


_DEFAULTS: dict[type, list[tuple[str, object]]] = {}


def _fields_of(cls: type) -> list[tuple[str, object]]:
    """A model class's fields with their defaults (MISSING when required), looked up once per class."""
    found = _DEFAULTS.get(cls)
    if found is None:
        found = _DEFAULTS[cls] = list(fields(cls).items())
    return found


def _plain(value: object) -> object:
    """A model object as JSON-ready data, tagged with its type; fields at their default are left out."""
    if isinstance(value, str | int | float) or value is None:
        return value
    if isinstance(value, m.PartialDate):
        return {"$d": [value.year, value.month, value.day]}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    cls = type(value)
    if cls.__name__ in _MODEL_TYPES:
        out: dict[str, object] = {"$t": cls.__name__}
        for name, default in _fields_of(cls):
            item = getattr(value, name)
            if item is default or (default is not MISSING and item == default):
                continue
            out[name] = _plain(item)
        return out
    raise TypeError(f"cannot store a {cls.__name__}")


def _encode(value: object) -> str:
    return _json(_plain(value))


def _revive(data: dict[str, Any]) -> object:
    tag = data.pop("$t", None)
    if tag is not None:
        cls = _MODEL_TYPES[tag]  # KeyError on a foreign type: treated as a corrupt index
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
    if "$d" in data:
        return m.PartialDate(*data["$d"])
    return data


def _decode(text: str) -> Any:
    return json.loads(text, object_hook=_revive)


# ---- a file's ids and references, for the cross-file checks ------------------------------------------


def _encode_refs(refs: FileRefs) -> tuple[str, str]:
    """What the merge needs of a file (see catalogue.FileRefs) as JSON: what checks it, and its entries with their marks.

    The entries are flat arrays, which decode fast: per entry its section, id, mark and whether
    it is broken; per list of references its entry, key and length; then every reference with
    its mark. The file's problems are kept apart.
    """
    checks = {
        "info": [[key, _plain(value), mark] for key, value, mark in refs.info],
        "synonyms": refs.synonyms,
        "ids": refs.ids,
        "wanted": {kind: sorted(ids) for kind, ids in refs.wanted.items()},
        "choices": refs.choices,
        "skipped": refs.skipped,
    }
    entries = refs.load()
    groups: list[object] = []
    flat: list[object] = []
    for n, entry in enumerate(entries):
        for key, values, marks in entry.references:
            groups += (n, key, len(values))
            for value, mark in zip(values, marks, strict=True):
                flat += (value, mark[0], mark[1])
    detail = {
        "sections": [e.section for e in entries],
        "ids": [e.id for e in entries],
        "marks": [x for e in entries for x in e.mark],
        "broken": [n for n, e in enumerate(entries) if e.broken],
        "groups": groups,
        "refs": flat,
    }
    return _json(checks), _json(detail)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _decode_refs(db: sqlite3.Connection, path: str, problems: list[Problem], checks: str) -> FileRefs:
    """A file's FileRefs from the index; its entries are read from `db` only if the merge asks for them."""
    from faq_cli.catalogue.merge import FileRefs

    data = json.loads(checks, object_hook=_revive)
    return FileRefs(
        path,
        problems,
        [(key, value, (mark[0], mark[1])) for key, value, mark in data["info"]],
        [tuple(group) for group in data["synonyms"]],
        data["ids"],
        {kind: set(ids) for kind, ids in data["wanted"].items()},
        lambda: _decode_entries(db.execute("SELECT refs FROM files WHERE path = ?", (path,)).fetchone()[0]),
        choices=data["choices"],
        skipped=data["skipped"],
    )


def _decode_entries(text: str) -> list[EntryRefs]:
    from faq_cli.catalogue.merge import EntryRefs

    data = json.loads(text)
    marks = data["marks"]
    entries = [
        EntryRefs(section, entry_id, (marks[2 * n], marks[2 * n + 1]), False, [])
        for n, (section, entry_id) in enumerate(zip(data["sections"], data["ids"], strict=True))
    ]
    for n in data["broken"]:
        entries[n].broken = True
    groups, flat, at = data["groups"], data["refs"], 0
    for g in range(0, len(groups), 3):
        n, key, count = groups[g : g + 3]
        chunk = flat[at : at + 3 * count]
        at += 3 * count
        entries[n].references.append((key, chunk[0::3], list(zip(chunk[1::3], chunk[2::3], strict=True))))
    return entries


# ---- serving: lazy sections and indexed lookups ---------------------------------------------------------


class Store:
    """Indexed lookups over an opened index; the query functions use it through `Catalogue.index`.

    Any database error while serving (a cache damaged under our feet) switches the
    store to a catalogue loaded from the YAML files, so the answer stays right.
    """

    def __init__(self, db: sqlite3.Connection, layers: Sequence[Layer], synonyms: tuple[tuple[str, ...], ...]) -> None:
        self.db = db
        self.layers = list(layers)
        self.synonyms = synonyms
        self.memory: m.Catalogue | None = None
        self.catalogue = m.Catalogue()  # the indexed catalogue this store serves, set once it exists
        self._maxspan: dict[str, int] | None = None
        self._counts: dict[str, int] = {}
        self.target: Path | None = None  # the index file, when it is one (not in memory)

    # -- safety net

    def fallback(self) -> m.Catalogue:
        """The catalogue read from YAML, used once the index has failed."""
        if self.memory is None:
            from faq_cli.catalogue.merge import load_catalogue

            self.memory = load_catalogue(self.layers)
        return self.memory

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row] | None:
        """Run a query; None (and the fallback from then on) when the index fails."""
        if self.memory is not None:
            return None
        try:
            return self.db.execute(sql, params).fetchall()
        except UnicodeEncodeError:  # a lone surrogate from argv: no entry can have it
            return []
        except sqlite3.Error:
            self.fallback()
            return None

    def entries(self, rows: list[sqlite3.Row]) -> list[Any] | None:
        try:
            return [_decode(r["data"]) for r in rows]
        except (ValueError, KeyError, TypeError):
            self.fallback()
            return None

    # -- sections

    def entry(self, section: str, entry_id: str) -> Any:
        rows = self.rows(f"SELECT data FROM entries e WHERE section = ? AND id = ? AND {LIVE} LIMIT 1", (section, entry_id))
        if rows is None:
            return getattr(self.fallback(), section).get(entry_id)
        found = self.entries(rows)
        if found is None:
            return getattr(self.fallback(), section).get(entry_id)
        return found[0] if found else None

    def has(self, section: str, entry_id: str) -> bool:
        rows = self.rows(f"SELECT 1 FROM entries e WHERE section = ? AND id = ? AND {LIVE} LIMIT 1", (section, entry_id))
        if rows is None:
            return entry_id in getattr(self.fallback(), section)
        return bool(rows)

    def count(self, section: str) -> int:
        if section not in self._counts:
            rows = self.rows(f"SELECT count(*) FROM entries e WHERE section = ? AND {LIVE}", (section,))
            if rows is None:
                return len(getattr(self.fallback(), section))
            self._counts[section] = int(rows[0][0])
        return self._counts[section]

    def ids(self, section: str) -> list[str]:
        rows = self.rows(f"SELECT e.id FROM {FROM_LIVE} WHERE e.section = ? AND {LIVE} {IN_ORDER}", (section,))
        if rows is None:
            return list(getattr(self.fallback(), section))
        return [r[0] for r in rows]

    def stream(self, section: str) -> Iterator[tuple[str, Any]]:
        """Every entry of a section in file order, decoded a batch at a time."""
        seen: set[str] = set()
        try:
            cursor = self.db.execute(
                f"SELECT e.id, e.data FROM {FROM_LIVE} WHERE e.section = ? AND {LIVE} {IN_ORDER}",
                (section,),
            )
            while self.memory is None:
                batch = cursor.fetchmany(500)
                if not batch:
                    return
                for row in batch:
                    entry = _decode(row[1])
                    seen.add(row[0])
                    yield row[0], entry
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            self.fallback()
        for entry_id, entry in getattr(self.fallback(), section).items():
            if entry_id not in seen:
                yield entry_id, entry

    # -- the CatalogueIndex protocol

    def dated(
        self, section: str, years: tuple[int, ...], since: m.PartialDate | None, until: m.PartialDate | None, person: str | None
    ) -> list[Any]:
        """Incidents or events whose span meets the date filters and that involve `person`, in file order."""
        spans = [(y * 10000, y * 10000 + 1231) for y in sorted(set(years))] or [(0, 99999999)]
        low = _date_key(since) if since is not None else 0
        high = _date_key(until.end()) if until is not None else 99999999
        spans = [(max(a, low), min(b, high)) for a, b in spans]
        spans = [(a, b) for a, b in spans if a <= b]
        if not spans:
            return []
        reach = self.maxspan().get(section, 0)
        where = " OR ".join("(e.start BETWEEN ? AND ? AND e.stop >= ?)" for _ in spans)
        params: list[object] = [section]
        for a, b in spans:
            params += [a - reach, b, a]
        sql = f"SELECT e.data FROM {FROM_LIVE} WHERE e.section = ? AND {LIVE} AND ({where})"
        if person is not None:
            sql += " AND e.rowid IN (SELECT entry FROM links WHERE kind = 'person' AND ref = ?)"
            params.append(person)
        rows = self.rows(f"{sql} {IN_ORDER}", params)
        found = self.entries(rows) if rows is not None else None
        if found is None:
            return list(getattr(self.fallback(), section).values())
        return found

    def citing(self, ids: Collection[str]) -> list[m.Question]:
        """Questions whose `related` list names one of `ids`, in file order."""
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = self.rows(
            f"SELECT e.data FROM {FROM_LIVE} WHERE e.section = 'questions' AND {LIVE} AND e.rowid IN "
            f"(SELECT entry FROM links WHERE kind = 'related' AND ref IN ({marks})) {IN_ORDER}",
            list(ids),
        )
        found = self.entries(rows) if rows is not None else None
        if found is None:
            return list(self.fallback().questions.values())
        return found

    def candidates(self, section: str, text: str) -> Mapping[str, m.Entry] | None:
        """The incidents most likely to match `text`, or None to rank the whole (small) section.
        (People are shortlisted by names.rank_people from the stored name table.)"""
        if section != "incidents" or self.memory is not None or self.count(section) <= RANK_WHOLE:
            return None
        chosen = self._match("incident_text", text, CANDIDATES)
        if chosen is not None:  # an incident is also found by the names of its people
            from faq_cli.text import names

            table = names.people_names(self.catalogue)
            for number in names.shortlist(table, text, 2):
                for incident in self.dated("incidents", (), None, None, table.ids[number]):
                    chosen.setdefault(incident.id, incident)
        return chosen

    def _match(self, table: str, text: str, limit: int) -> dict[str, Any] | None:
        """Full-text search of `table` for any of the query's words (and their synonyms), best first."""
        from faq_cli.text.names import name_key

        pieces = set(self._expand(name_key(text)).split())
        terms = sorted('"' + p.replace('"', '""') + '"' for p in pieces)
        if not terms:
            return {}
        rows = self.rows(
            f"SELECT e.id, e.data FROM {table} t JOIN entries e ON e.rowid = t.rowid"
            f" WHERE {table} MATCH ? AND {LIVE} ORDER BY t.rank LIMIT ?",
            (" OR ".join(terms), limit),
        )
        found = self.entries(rows) if rows is not None else None
        if rows is None or found is None:
            return None
        return {r[0]: e for r, e in zip(rows, found, strict=True)}

    def parsed(self, section: str, entry_id: str, text: str) -> list[Any] | None:
        """The tokens stored for an entry's Markdown field (see markdown_tokens), when they are of `text`."""
        rows = self.rows(
            f"SELECT m.digest, m.tokens FROM entries e JOIN markdown m ON m.entry = e.rowid WHERE e.section = ? AND e.id = ?"
            f" AND {LIVE}",
            (section, entry_id),
        )
        if not rows or rows[0][0] != _digest_of(text):
            return None
        return _row_tokens(text, rows[0][1])

    def derived(self, name: str) -> DerivedRows | None:
        """The rows a layer above derived from this catalogue when the index was built (see `Deriver`)."""
        if self.memory is not None:
            return None
        return DerivedRows(self, name)

    def _expand(self, text: str) -> str:
        """The query with every synonym of a phrase it contains, so candidates include what search.py would match."""
        from faq_cli.text.names import name_key

        padded = f" {text} "
        extra = []
        for group in self.synonyms:
            terms = [name_key(t) for t in group]
            if any(t and f" {t} " in padded for t in terms):
                extra += terms
        return " ".join([text, *extra])

    def maxspan(self) -> dict[str, int]:
        if self._maxspan is None:
            rows = self.rows("SELECT value FROM meta WHERE key = 'maxspan'")
            self._maxspan = json.loads(rows[0][0]) if rows else {}
        return self._maxspan


class DerivedRows:
    """One deriver's rows, as stored at build time: by key, or every key under a prefix."""

    _CHUNK = 500  # keys per query: under SQLite's oldest limit of 999 parameters

    def __init__(self, store: Store, name: str) -> None:
        self.store, self.name = store, name

    def get(self, keys: Collection[str]) -> dict[str, bytes]:
        wanted = list(keys)
        found: dict[str, bytes] = {}
        for at in range(0, len(wanted), self._CHUNK):
            chunk = wanted[at : at + self._CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows = self.store.rows(f"SELECT key, value FROM derived WHERE name = ? AND key IN ({marks})", [self.name, *chunk])
            if rows is None:
                raise ValueError("the index failed")
            found.update((r[0], bytes(r[1])) for r in rows)
        return found

    def scan(self, prefix: str) -> Iterator[tuple[str, bytes]]:
        # every key under the prefix: from the prefix up to the prefix with its last character's successor
        high = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "\U0010ffff"
        rows = self.store.rows(
            "SELECT key, value FROM derived WHERE name = ? AND key >= ? AND key < ?", (self.name, prefix, high)
        )
        if rows is None:
            raise ValueError("the index failed")
        return ((r[0], bytes(r[1])) for r in rows)


class Section(Mapping[str, Any]):
    """One section of an indexed catalogue: entries are read from the index when asked for, and kept."""

    def __init__(self, store: Store, section: str) -> None:
        self.store = store
        self.section = section
        self.loaded: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key in self.loaded:
            return self.loaded[key]
        entry = self.store.entry(self.section, key) if isinstance(key, str) else None
        if entry is None:
            raise KeyError(key)
        self.loaded[key] = entry
        return entry

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self.loaded or self.store.has(self.section, key))

    def __iter__(self) -> Iterator[str]:
        return iter(self.store.ids(self.section))

    def __len__(self) -> int:
        return self.store.count(self.section)

    def values(self) -> ValuesView[Any]:
        return _Values(self)

    def items(self) -> ItemsView[str, Any]:
        return _Items(self)


class _Values(ValuesView[Any]):
    _mapping: Section

    def __iter__(self) -> Iterator[Any]:
        for _, entry in self._mapping.store.stream(self._mapping.section):
            yield entry


class _Items(ItemsView[str, Any]):
    _mapping: Section

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        yield from self._mapping.store.stream(self._mapping.section)
