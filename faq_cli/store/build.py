"""Building an index: each changed file parsed and validated (in worker processes when there are many), its
entries, Markdown and links written as rows, the cross-file checks over what is kept per file, the entries a
later layer replaces, and what the layers above derive; written to a temporary file renamed into place."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faq_cli.catalogue import model as m
from faq_cli.catalogue.files import shown
from faq_cli.catalogue.layers import Layer
from faq_cli.errors import Problem
from faq_cli.mirrors.record import record
from faq_cli.store.codec import (
    FORMAT,
    SCHEMA,
    TEXT_TABLES,
    Damaged,
    RefsWriter,
    checksum,
    compact_json,
    date_key,
    decode_refs,
    encode_layer,
    encode_value,
    files_sum,
    layering_sum,
    markdown_sum,
    meta_sum,
    path_key,
)
from faq_cli.store.freshness import Plan, Stamp, code_fingerprint, stamp_of, trusted_stamp
from faq_cli.store.markdown import MARKDOWN_FIELDS, markdown_parser, stored_markdown
from faq_cli.store.read import Index, connect, read_index

if TYPE_CHECKING:
    from faq_cli.store import Deriver, Layout, Progress


def build_index(
    target: Path | None,
    old: Index | None,
    plan: Plan,
    stamps: dict[str, Stamp | None],
    progress: Progress | None,
    layout: Layout,
    derivers: Mapping[str, Deriver],
) -> Index:
    """Update `old` (or build from nothing) into a new file renamed over `target`; in memory if that fails.
    Whatever happens, even Ctrl-C, no temporary file is left behind."""
    try:
        return _build_once(target, old, plan, stamps, progress, layout, derivers)
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        if old is None:
            raise
    # the old index is damaged where its checks did not look: build everything anew
    return _build_once(target, None, Plan(list(stamps), [], []), stamps, progress, layout, derivers)


def _build_once(
    target: Path | None,
    old: Index | None,
    plan: Plan,
    stamps: dict[str, Stamp | None],
    progress: Progress | None,
    layout: Layout,
    derivers: Mapping[str, Deriver],
) -> Index:
    from faq_cli.store import cache

    temp = cache.temp_file(target) if target is not None else None
    if temp is not None and target is not None:
        db: sqlite3.Connection | None = None
        try:
            db = connect(temp)
            _fill(db, old, plan, stamps, progress, layout, derivers)
            cache.sync(temp)
            os.replace(temp, target)
            temp = None
            cache.remove(target.with_suffix(".stamps"))  # kept for the index just replaced
            st = os.lstat(target)
            index = read_index(db, dict(db.execute("SELECT key, value FROM meta").fetchall()))
            index.target, index.identity = target, (st.st_dev, st.st_ino)
            return index
        except (sqlite3.Error, OSError, ValueError):
            pass  # a full disk, a vanished directory…: this call goes without the cache
        finally:
            if temp is not None:
                if db is not None:
                    db.close()
                cache.remove(temp)
    db = connect(":memory:")
    _fill(db, old, plan, stamps, progress, layout, derivers)
    return read_index(db, dict(db.execute("SELECT key, value FROM meta").fetchall()))


def _fill(
    db: sqlite3.Connection,
    old: Index | None,
    plan: Plan,
    stamps: dict[str, Stamp | None],
    progress: Progress | None,
    layout: Layout,
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
        db.executescript(SCHEMA)
        gone, todo = [], names
    db.execute("BEGIN")
    for name in gone:
        _forget(db, name)
    now = time.time_ns()
    total = len(todo) + 1
    named = [(name, layout.name_of(name)) for name in todo]
    with contextlib.closing(_compile_all(db, named)) as compiled_files:  # closed at once, even on Ctrl-C
        for done, compiled in enumerate(compiled_files, start=1):
            _insert_file(db, compiled, trusted_stamp(stamps[compiled.path], now) if compiled.stable else None)
            if progress is not None:
                progress(done, total)
    for n, name in enumerate(names):
        db.execute("UPDATE files SET ord = ?, layer = ? WHERE path = ?", (n, layout.layer_of.get(name, 0), path_key(name)))
    kept = {name: stamp for name, stamp in old.overlay.items() if name not in gone} if old is not None else {}
    for name, stamp in [*kept.items(), *plan.touched]:
        trusted = trusted_stamp(stamp, now)
        if trusted is not None:
            db.execute(
                "UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ?, inode = ?, mode = ? WHERE path = ?",
                (*trusted, path_key(name)),
            )
    _shadow(db, len(layout.layers) > 1)
    _merge(db, names, layout)
    db.execute("DELETE FROM derived")
    _derive(db, layout.layers, derivers)
    db.execute("COMMIT")
    # Statistics for the query planner, of this content: without them a lookup by person scans a date range.
    # (PRAGMA optimize would gather them only for tables that this build's own queries happened to use.)
    db.execute("ANALYZE")
    if progress is not None:
        progress(total, total)


def _forget(db: sqlite3.Connection, name: str) -> None:
    _forget_entries(db, name)
    db.execute("DELETE FROM files WHERE path = ?", (path_key(name),))


def _forget_entries(db: sqlite3.Connection, name: str) -> None:
    rowids = [r[0] for r in db.execute("SELECT rowid FROM entries WHERE file = ?", (path_key(name),))]
    for table in TEXT_TABLES.values():
        db.executemany(f"DELETE FROM {table} WHERE rowid = ?", ((r,) for r in rowids))
    db.executemany("DELETE FROM links WHERE entry = ?", ((r,) for r in rowids))
    db.executemany("DELETE FROM markdown WHERE entry = ?", ((r,) for r in rowids))
    db.executemany("DELETE FROM shadowed WHERE entry = ?", ((r,) for r in rowids))
    db.executemany("DELETE FROM placed WHERE entry = ?", ((r,) for r in rowids))
    db.execute("DELETE FROM entries WHERE file = ?", (path_key(name),))


# One entry as the index stores it: section, id, start, stop, data, links, full-text, Markdown (see stored_markdown)
_Row = tuple[str, str, int | None, int | None, str, list[tuple[str, str]], str | None, tuple[bytes, str | None] | None]


@record()
class _Compiled:
    """One file, parsed and validated, as rows for the index (picklable, for worker processes)."""

    path: str
    digest: str | None
    stable: bool  # the file did not change while it was read
    problems: list[tuple[str, int, int, str]]
    spans: str  # per section, the longest span of its dated entries
    checks: str  # what the cross-file checks need of a sound file (see RefsWriter)
    refs: str  # its entries' ids and references with their marks, read only when it has a problem
    entries: list[_Row]  # empty when they were written as they were read (see _compile_all)


# A file this large is parsed in this process, each entry written to the index as it is read, so a build holds
# one entry of it at a time (composed, YAML takes some twenty times the size of its text); smaller ones may go to
# worker processes, each returning a whole file's rows.
STREAM_BYTES = 4_000_000
WORKERS_FROM_BYTES = 4_000_000  # less than this in all is parsed faster here than by starting workers


def _compile_all(db: sqlite3.Connection, names: list[tuple[str, str]]) -> Generator[_Compiled, None, None]:
    """Parse files (each with the name of its layer) and write their entries to `db`: large files here, entry by
    entry; the others in worker processes when there are enough of them to be worth it (they parse while this
    process does the large ones)."""
    if not names:
        return
    from faq_cli.catalogue import merge  # noqa: F401 - imported before forking, once

    sizes = {name: st.st_size if (st := _safe_stat(name)) is not None else 0 for name, _ in names}
    small = [named for named in names if sizes[named[0]] < STREAM_BYTES]
    workers = min(os.cpu_count() or 1, 4)
    forked = workers >= 2 and len(small) >= 4 and sum(sizes[n] for n, _ in small) >= WORKERS_FROM_BYTES
    if forked:
        markdown_parser()  # before forking, once
    with _Workers(small, workers if forked else 0) as parsed:
        for named in names:
            if sizes[named[0]] >= STREAM_BYTES:
                yield _compile_into(db, named)
        for compiled in parsed:
            for pos, row in enumerate(compiled.entries):
                _insert_entry(db, compiled.path, pos, row)
            yield compiled


def _safe_stat(name: str) -> os.stat_result | None:
    try:
        return os.stat(name)
    except (OSError, ValueError):
        return None


def _compile_into(db: sqlite3.Connection, named: tuple[str, str]) -> _Compiled:
    """`_compile`, each entry written to `db` as it is read (and taken out again if the file has a problem)."""
    name = named[0]
    pos = 0

    def write(row: _Row) -> None:
        nonlocal pos
        _insert_entry(db, name, pos, row)
        pos += 1

    compiled = _compile(named, write)
    if compiled.problems:
        _forget_entries(db, name)
    return compiled


def _compile(named: tuple[str, str], write: Callable[[_Row], None] | None = None) -> _Compiled:
    """Parse and validate one file of the layer named, entry by entry; keep its problems, ids and references, and
    its entries (which carry the layer's name) as rows (handed to `write` as they are read, when it is given;
    kept in the result otherwise)."""
    from faq_cli.catalogue.merge import EntryReader

    name, layer = named
    before = stamp_of(name)
    reader = EntryReader(Path(name), layer=layer)
    rows: list[_Row] = []
    keep = write or rows.append
    spans: dict[str, int] = {}
    refs = RefsWriter()
    for entry_refs, entry in reader:
        refs.add(entry_refs)
        if entry is None:
            continue
        section = entry_refs.section
        start, stop = _span(entry)
        field = MARKDOWN_FIELDS.get(section)
        body = getattr(entry, field) if field else None
        markdown = stored_markdown(body) if body else None
        keep((section, entry.id, start, stop, encode_value(entry), _links(entry), _text(section, entry), markdown))
        if start is not None and stop is not None:
            spans[section] = max(spans.get(section, stop - start), stop - start)
    stable = before is not None and reader.digest is not None and stamp_of(name) == before
    problems = [(p.path, p.line, p.column, p.message) for p in reader.problems]
    if reader.failed:  # as read_file: a file that cannot be read or parsed has no entries, ids or info
        refs, reader.info, reader.synonyms, reader.choices = RefsWriter(), [], [], {}
    checks, detail = refs.encode(reader.info, reader.synonyms, reader.choices, reader.skipped)
    kept = rows if not problems else []
    return _Compiled(name, reader.digest, stable, problems, json.dumps(spans), checks, detail, kept)


def _insert_file(db: sqlite3.Connection, compiled: _Compiled, stamp: Stamp | None) -> None:
    """A parsed file's row (its entries are written by _compile_all)."""
    problems = json.dumps(compiled.problems)
    db.execute(
        "INSERT INTO files VALUES (?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            path_key(compiled.path),
            *(stamp or (None,) * 5),
            compiled.digest if compiled.stable else None,
            problems,
            compiled.spans,
            compiled.checks,
            files_sum(problems, compiled.spans, compiled.checks),
            compiled.refs,  # last: the other columns are read without going through it
        ),
    )


def _insert_entry(db: sqlite3.Connection, path: str, pos: int, row: _Row) -> None:
    section, entry_id, start, stop, data, links, text, markdown = row
    cursor = db.execute(
        "INSERT INTO entries(file, section, id, pos, start, stop, data, sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (path_key(path), section, entry_id, pos, start, stop, data, checksum(data)),
    )
    rowid = cursor.lastrowid
    if links:
        db.executemany("INSERT INTO links VALUES (?, ?, ?)", ((rowid, kind, ref) for kind, ref in links))
    if text:
        db.execute(f"INSERT INTO {TEXT_TABLES[section]}(rowid, body) VALUES (?, ?)", (rowid, text))
    if markdown is not None:
        digest, tokens = markdown
        db.execute("INSERT INTO markdown VALUES (?, ?, ?, ?)", (rowid, digest, tokens, markdown_sum(digest, tokens)))


class _Workers:
    """Files parsed by worker processes, each result handed back in file order (no workers: parsed here).

    Each worker is a fork that parses every `count`-th file and writes each result, pickled, to a pipe of its
    own. A worker ignores Ctrl-C (its parent answers it), writes nothing to the terminal, and dies with its
    parent (Linux); leaving the `with` block kills and reaps any still running, so none outlives the build.
    A worker that dies leaves its files to be parsed here.
    """

    def __init__(self, names: list[tuple[str, str]], count: int) -> None:
        self.names = names
        self.children: list[tuple[int, Any]] = []
        if count < 2 or not hasattr(os, "fork"):
            return
        import signal

        parent = os.getpid()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # no Ctrl-C between a fork and its handler
        try:
            for k in range(count):
                read, write = os.pipe()
                pid = os.fork()
                if pid == 0:  # pragma: no cover - runs in the child, which never returns here
                    os.close(read)
                    _work(parent, names[k::count], write)
                os.close(write)
                self.children.append((pid, os.fdopen(read, "rb")))
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def __enter__(self) -> Iterator[_Compiled]:
        return self._results()

    def _results(self) -> Iterator[_Compiled]:
        import pickle

        for n, named in enumerate(self.names):
            if not self.children:
                yield _compile(named)
                continue
            _, stream = self.children[n % len(self.children)]
            try:
                compiled = pickle.load(stream)
            except (EOFError, OSError, pickle.UnpicklingError, ValueError):
                compiled = None  # the worker died: this file is parsed here
            yield compiled if isinstance(compiled, _Compiled) and compiled.path == named[0] else _compile(named)

    def __exit__(self, *exc: object) -> None:
        import signal

        for pid, stream in self.children:
            stream.close()
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, 0)
        self.children = []


def _work(parent: int, names: list[tuple[str, str]], write: int) -> None:  # pragma: no cover - runs in a worker process
    """A worker's life: parse `names`, writing each result to `write`, then exit without running any cleanup."""
    import pickle
    import signal

    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        _die_with(parent)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        with os.fdopen(write, "wb") as out:
            for named in names:
                pickle.dump(_compile(named), out, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


def _die_with(parent: int) -> None:  # pragma: no cover - runs in a worker process
    """Have the kernel kill this process when its parent dies (Linux); exit now if it already has."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    if os.getppid() != parent:
        os._exit(0)


def _derive(db: sqlite3.Connection, layers: Sequence[Layer], derivers: Mapping[str, Deriver]) -> None:
    """Store what each deriver makes of the new content (nothing when the catalogue has problems: it is
    never served). A deriver that fails stores nothing: the layer above derives in memory instead."""
    if not derivers:
        return
    index = read_index(db, dict(db.execute("SELECT key, value FROM meta").fetchall()))
    if index.problems:
        return
    catalogue = index.catalogue(layers)
    for name, derive in derivers.items():
        db.execute("SAVEPOINT derive")
        try:
            db.executemany("INSERT INTO derived VALUES (?, ?, ?, ?)", ((name, k, v, checksum(v)) for k, v in derive(catalogue)))
            db.execute("RELEASE derive")
        except (ValueError, KeyError, TypeError, sqlite3.Error):
            db.execute("ROLLBACK TO derive")
            db.execute("RELEASE derive")


def _merge(db: sqlite3.Connection, names: list[str], layout: Layout) -> None:
    """The cross-file checks (duplicate ids, references, choices) over what is kept per file; the result goes to
    `meta`."""
    from faq_cli.catalogue.merge import merge

    files = []
    longest: dict[str, int] = {}
    for name in names:
        row = db.execute("SELECT problems, checks, spans, sum FROM files WHERE path = ?", (path_key(name),)).fetchone()
        if files_sum(row[0], row[2], row[1]) != row[3]:
            raise Damaged(f"the index's row of {name} fails its checksum")
        refs = decode_refs(db, name, [Problem(*p) for p in json.loads(row[0])], row[1])
        refs.layer = layout.layer_of.get(name, 0)
        files.append(refs)
        for section, span in json.loads(row[2]).items():
            longest[section] = max(longest.get(section, span), span)
    merged = merge(files, [(layer.name, shown(layer.path)) for layer in layout.layers])
    found = merged.problems
    info, synonyms = (m.CatalogueInfo(), ()) if found else (merged.catalogue.info, merged.catalogue.synonyms)
    maxspan = {section: longest.get(section, 0) for section in ("incidents", "events")}
    meta = {
        "format": FORMAT,
        "code": code_fingerprint(),
        "problems": json.dumps([(p.path, p.line, p.column, p.message) for p in found]),
        "notes": json.dumps([(p.path, p.line, p.column, p.message) for p in merged.notes]),
        "layers": compact_json([encode_layer(layer) for layer in merged.catalogue.layers]),
        "layering": layering_sum(db),
        "info": encode_value(info),
        "synonyms": json.dumps(synonyms),
        "maxspan": json.dumps(maxspan),
        "build": os.urandom(8).hex(),
    }
    meta["sum"] = meta_sum(meta)
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


def _span(entry: m.Entry) -> tuple[int | None, int | None]:
    if isinstance(entry, m.Incident | m.Event):
        end = getattr(entry, "end", None) or entry.date
        return date_key(entry.date), date_key(end.end())
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
