"""The compiled index of a catalogue: build, store, load, invalidate.

The YAML files stay the single source of truth; the index is a disposable
SQLite file in the user cache directory, one per stack of catalogue layers.
Each call stats the catalogue's files; a file whose size, mtime, ctime or inode
changed is
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

The package by job: `freshness` (stamps, digests, what changed, the code's fingerprint), `build` (parsing
files, in workers, into rows; the cross-file checks; derived rows), `codec` (the schema, rows and values as
JSON, checksums), `markdown` (answers' Markdown parsed at build time), `read` (an opened index and `Store`,
which reads entries on demand) and `cache` (where index files live and whether to trust them). This module
is the entry point: `load`, `check`, `check_replacing`, `locate`, `known_ids`. A fresh index is served
without importing `build`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from hashlib import blake2b
from pathlib import Path

from faq_cli.catalogue import model as m
from faq_cli.catalogue.files import layer_files, shown
from faq_cli.catalogue.layers import Layer, as_layers
from faq_cli.errors import CatalogueError, Problem
from faq_cli.mirrors.record import record
from faq_cli.store.codec import FORMAT, Damaged, decode_entries, decode_refs, files_sum, path_key, path_name
from faq_cli.store.freshness import plan_from, record_touched, stamp_of
from faq_cli.store.markdown import MARKDOWN_FIELDS, markdown_tokens, parsed_markdown_tokens
from faq_cli.store.read import DerivedRows, Index, Section, Store, discard_index, open_cached

__all__ = [
    "FORMAT",
    "MARKDOWN_FIELDS",
    "Checked",
    "DerivedRows",
    "Deriver",
    "Notice",
    "Place",
    "Progress",
    "Section",
    "Store",
    "check",
    "check_replacing",
    "index_name",
    "known_ids",
    "load",
    "locate",
    "markdown_tokens",
    "parsed_markdown_tokens",
]

Progress = Callable[[int, int], None]
Notice = Callable[[str], None]
Deriver = Callable[[m.Catalogue], Iterable[tuple[str, bytes]]]
"""What a layer above derives from a whole catalogue (search structures, name tables), as key → value
rows; the index stores them with the entries when it is built, and serves them back by name."""


# ---- where the index lives ------------------------------------------------------------------------


def index_name(layers: Sequence[str | Layer]) -> str:
    """One index file per stack of layers: their names, and their paths as given and as absolute paths."""
    stack = as_layers(layers)
    key = json.dumps([[x.name for x in stack], [x.path for x in stack], [os.path.abspath(x.path) for x in stack]])
    digest = blake2b(key.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return f"catalogue-{digest}.sqlite"


def _place(layers: Sequence[Layer], notice: Notice) -> Path | None:
    """Where the index of these layers lives, in a directory only this user can write; None when there is none."""
    from faq_cli.store import cache

    try:
        base = cache.cache_dir()
        folder = cache.private_folder(base)
        name = index_name(layers)
    except (OSError, RuntimeError, ValueError):  # no home directory, a read-only or unusable path…
        return None
    if folder is None:
        notice(f"not using the cache in {base}: other users can write it; answering from the catalogue files")
        return None
    return folder / name


# ---- the entry point --------------------------------------------------------------------------------


def load(
    paths: Sequence[str | Layer],
    progress: Progress | None = None,
    derivers: Mapping[str, Deriver] | None = None,
    notice: Notice | None = None,
) -> m.Catalogue:
    """The catalogue of these layers (a plain path is a layer of its own), served from its index; raises
    CatalogueError when it is invalid. `notice` hears, in one line, of an index that is not to be trusted and
    so is ignored."""
    layers = as_layers(paths)
    state, extra = _opened(layers, progress, derivers, notice)
    problems = sorted([*extra, *state.problems], key=lambda p: (p.path, p.line, p.column))
    if problems:
        raise CatalogueError(problems)
    return state.catalogue(layers)


@record()
class Checked:
    """What `faq validate` reports: every problem, the files skipped as not being catalogue files, how many
    files were read, and each layer with its entry counts (which count only the files without a problem)."""

    problems: list[Problem]
    notes: list[Problem]
    files: int
    layers: list[m.CatalogueLayer]
    counts: list[dict[str, int]]


def check(
    paths: Sequence[str | Layer],
    progress: Progress | None = None,
    derivers: Mapping[str, Deriver] | None = None,
    notice: Notice | None = None,
) -> Checked:
    """Every problem of the catalogue of these layers, from the index (for `faq validate` and `faq catalogue list`)."""
    layers = as_layers(paths)
    state, extra = _opened(layers, progress, derivers, notice)
    problems = sorted([*extra, *state.problems], key=lambda p: (p.path, p.line, p.column))
    state.bound()
    return Checked(problems, state.notes, len(state.files) - len(state.notes), state.layers, state.counts(len(layers)))


def check_replacing(
    paths: Sequence[str | Layer],
    layer: int,
    path: str,
    content: Path,
    progress: Progress | None = None,
    derivers: Mapping[str, Deriver] | None = None,
    notice: Notice | None = None,
) -> list[Problem]:
    """Every problem the catalogue would have if the file `path` of layer number `layer` held what the file
    `content` holds (a draft about to be saved; `path` may not exist yet). Only `content` is parsed: the other
    files' checks come from the index."""
    from faq_cli.catalogue.merge import file_refs, merge, read_file_as

    layers = as_layers(paths)
    # the index of the catalogue as it is, kept as it is
    state, extra, rows = _sound_files(layers, progress, derivers, notice)
    stored = {name: (problems, checks) for name, _, problems, checks in rows}
    named = [(name, n) for name, n, _, _ in rows]
    # The layer's own path stands for it no more once the file is written there (a folder that does not exist yet).
    root = os.path.abspath(layers[layer].path)
    extra = [p for p in extra if os.path.abspath(p.path) != os.path.abspath(shown(root))]
    kept = [(name, n) for name, n in named if not (n == layer and os.path.abspath(name) == root and not os.path.exists(name))]
    others = [(name, n) for name, n in kept if os.path.abspath(name) != os.path.abspath(path)]
    order = [*others]
    at = max((i + 1 for i, (_, n) in enumerate(others) if n <= layer), default=0)
    order.insert(at, (path, layer))
    refs = []
    for name, n in order:
        if name == path:
            read = read_file_as(content, shown(path))
            read.layer = n
            found = file_refs(read)
        else:
            problems, checks = stored[name]
            found = decode_refs(state.db, name, [Problem(*p) for p in json.loads(problems)], checks)
            found.layer = n
        refs.append(found)
    merged = merge(refs, [(x.name, shown(x.path)) for x in layers], extra)
    return merged.problems


@record(frozen=True)
class Place:
    """Where an entry is written: its layer's number, section, file and the line of its id."""

    layer: int
    section: str
    path: str
    line: int


def locate(
    paths: Sequence[str | Layer],
    entry_id: str,
    progress: Progress | None = None,
    derivers: Mapping[str, Deriver] | None = None,
    notice: Notice | None = None,
) -> list[Place]:
    """Every place an entry with this id is written, lowest layer first (a file with problems included)."""
    state, _, rows = _sound_files(as_layers(paths), progress, derivers, notice)
    found = []
    for path, layer, _, checks in rows:
        ids = json.loads(checks)["ids"]
        sections = [section for section, items in ids.items() if entry_id in items]
        if not sections:
            continue
        state.bound()
        refs = state.db.execute("SELECT refs FROM files WHERE path = ?", (path_key(path),)).fetchone()[0]
        for entry in decode_entries(refs):
            if entry.id == entry_id and entry.section in sections:
                found.append(Place(layer, entry.section, path, entry.mark[0]))
    return found


def known_ids(
    paths: Sequence[str | Layer],
    progress: Progress | None = None,
    derivers: Mapping[str, Deriver] | None = None,
    notice: Notice | None = None,
) -> set[str]:
    """Every id any file of these layers gives an entry, in any section."""
    _, _, rows = _sound_files(as_layers(paths), progress, derivers, notice)
    found: set[str] = set()
    for _, _, _, checks in rows:
        for items in json.loads(checks)["ids"].values():
            found.update(items)
    return found


def _opened(
    layers: Sequence[Layer], progress: Progress | None, derivers: Mapping[str, Deriver] | None, notice: Notice | None
) -> tuple[Index, list[Problem]]:
    files, extra = layer_files(layers)
    return _state(layers, [(str(f), n) for f, n in files], progress, derivers or {}, notice or _quiet), extra


FileRow = tuple[str, int, str, str]  # a file's name, layer number, problems and checks, as the index keeps them


def _sound_files(
    layers: Sequence[Layer], progress: Progress | None, derivers: Mapping[str, Deriver] | None, notice: Notice | None
) -> tuple[Index, list[Problem], list[FileRow]]:
    """The index of these layers with its files' rows in order, each checked against its checksum; an index
    whose rows fail is removed and built anew."""
    state, extra = _opened(layers, progress, derivers, notice)
    try:
        return state, extra, _file_rows(state)
    except (sqlite3.Error, ValueError):
        if state.target is None:
            raise
        discard_index(state.target, state.identity)
    state, extra = _opened(layers, progress, derivers, notice)
    return state, extra, _file_rows(state)


def _file_rows(state: Index) -> list[FileRow]:
    state.bound()
    found = []
    for path, layer, problems, spans, checks, total in state.db.execute(
        "SELECT path, layer, problems, spans, checks, sum FROM files ORDER BY ord"
    ):
        if files_sum(problems, spans, checks) != total:
            raise Damaged("a file row fails its checksum")
        found.append((path_name(path), int(layer), problems, checks))
    return found


def _quiet(message: str) -> None:
    pass


def _state(
    layers: Sequence[Layer],
    files: list[tuple[str, int]],
    progress: Progress | None,
    derivers: Mapping[str, Deriver],
    notice: Notice,
) -> Index:
    """The index for these files (each with its layer's number): the cached one when fresh, else updated or
    rebuilt (one build at a time)."""
    from faq_cli.store import cache

    names = [name for name, _ in files]
    stamps = {name: stamp_of(name) for name in names}
    layout = Layout(list(layers), dict(files))
    target = _place(layers, notice)
    old = open_cached(target, notice) if target is not None else None
    plan = plan_from(old, names, stamps)
    if old is not None and plan.fresh:
        if plan.touched and target is not None:
            record_touched(target, old, plan.touched)
        return old
    from faq_cli.store.build import build_index  # only when something changed: a warm lookup never imports it

    if target is None:
        return build_index(None, old, plan, stamps, progress, layout, derivers)
    with cache.BuildLock(target.with_suffix(".lock"), progress) as lock:
        if lock.waited:  # another process held the lock: it may have built what we need
            newer = open_cached(target, _quiet)
            if newer is not None:
                if old is not None:
                    old.db.close()
                old, plan = newer, plan_from(newer, names, stamps)
                if plan.fresh:
                    return newer
        if lock.held:
            cache.sweep(target)
        return build_index(target if lock.held else None, old, plan, stamps, progress, layout, derivers)


@record()
class Layout:
    """The layers, and the layer each file belongs to."""

    layers: list[Layer]
    layer_of: dict[str, int]

    def name_of(self, path: str) -> str:
        return self.layers[self.layer_of.get(path, 0)].name if self.layers else ""
