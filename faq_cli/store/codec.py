"""How the index holds what it holds: its schema and format, entries and values as JSON, a file's ids and
references for the cross-file checks, file names as keys, and the checksum every row carries."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from faq_cli.catalogue import model as m
from faq_cli.catalogue.files import shown
from faq_cli.errors import Problem
from faq_cli.mirrors.record import MISSING, fields, is_record

if TYPE_CHECKING:
    from faq_cli.catalogue.merge import EntryRefs, FileRefs


FORMAT = "faq-cli index 9"


SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
    path BLOB PRIMARY KEY, ord INTEGER NOT NULL, layer INTEGER NOT NULL, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER,
    inode INTEGER, mode INTEGER, digest TEXT, problems TEXT NOT NULL, spans TEXT NOT NULL, checks TEXT NOT NULL,
    sum INTEGER NOT NULL, refs TEXT NOT NULL
);
CREATE TABLE entries(
    file BLOB NOT NULL, section TEXT NOT NULL, id TEXT NOT NULL, pos INTEGER NOT NULL,
    start INTEGER, stop INTEGER, data TEXT NOT NULL, sum INTEGER NOT NULL
);
CREATE INDEX entries_by_id ON entries(section, id);
CREATE INDEX entries_by_start ON entries(section, start);
CREATE INDEX entries_by_file ON entries(file);
CREATE TABLE links(entry INTEGER NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL);
CREATE INDEX links_by_ref ON links(kind, ref);
CREATE INDEX links_by_entry ON links(entry);
CREATE TABLE derived(
    name TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, sum INTEGER NOT NULL, PRIMARY KEY(name, key)
) WITHOUT ROWID;
CREATE TABLE markdown(entry INTEGER PRIMARY KEY, digest BLOB NOT NULL, tokens TEXT, sum INTEGER NOT NULL);
CREATE TABLE shadowed(entry INTEGER PRIMARY KEY);
CREATE TABLE placed(entry INTEGER PRIMARY KEY, ord INTEGER NOT NULL, pos INTEGER NOT NULL);
CREATE VIRTUAL TABLE incident_text USING fts5(body);
"""
# Every row of entries, markdown, derived and files carries `sum`, the checksum of what it holds (see checksum), and
# meta a "sum" of the rest: a row that fails it means the index is damaged, so it is removed and built anew.
# (shadowed and placed are checked whole against meta's "layering" when the index is opened.)
TEXT_TABLES = {"incidents": "incident_text"}


_SCHEMA_ROWS: frozenset[tuple[str, str, str, str | None]] | None = None


def schema_of(db: sqlite3.Connection) -> frozenset[tuple[str, str, str, str | None]]:
    """Every table, index, view and trigger a database defines."""
    return frozenset(tuple(row) for row in db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def expected_schema() -> frozenset[tuple[str, str, str, str | None]]:
    """What an index of ours defines, as this SQLite writes it (tables, indexes and the planner's statistics;
    never a view or a trigger, which run code on a read)."""
    global _SCHEMA_ROWS
    if _SCHEMA_ROWS is None:
        db = sqlite3.connect(":memory:")
        db.executescript(SCHEMA)
        db.execute("ANALYZE")
        _SCHEMA_ROWS = schema_of(db)
        db.close()
    return _SCHEMA_ROWS


def encode_layer(layer: m.CatalogueLayer) -> object:
    return {"name": layer.name, "info": _plain(layer.info), "choices": layer.choices, "header": layer.header}


def decode_layer(item: dict[str, Any]) -> m.CatalogueLayer:
    info = item["info"]
    if not isinstance(info, m.CatalogueInfo):
        raise ValueError("no layer info")
    choices = {str(k): tuple(str(v) for v in values) for k, values in item["choices"].items()}
    return m.CatalogueLayer(str(item["name"]), info, choices, bool(item["header"]))


def layering_sum(db: sqlite3.Connection) -> str:
    """The checksum of the entries later layers replace and of where their replacements stand (few rows: only
    the replaced entries), kept in meta."""
    shadowed = db.execute("SELECT entry FROM shadowed ORDER BY entry").fetchall()
    placed = db.execute("SELECT entry, ord, pos FROM placed ORDER BY entry").fetchall()
    return str(checksum(json.dumps([[r[0] for r in shadowed], [list(r) for r in placed]])))


def meta_sum(meta: Mapping[str, str]) -> str:
    """The checksum of the catalogue-wide facts, stored with them."""
    return str(checksum("\x00".join(f"{k}={v}" for k, v in sorted(meta.items()) if k != "sum")))


def files_sum(problems: str, spans: str, checks: str) -> int:
    """The checksum of what the cross-file checks read of a file's row (its `refs` are checked by decoding)."""
    return checksum("\x00".join((problems, spans, checks)))


def checksum(text: str | bytes) -> int:
    """The checksum a row carries: CRC-32, which catches a flipped bit or byte (the files are ours, so no one
    forges a row; this is against damage, not an attacker)."""
    return zlib.crc32(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))


class Damaged(ValueError):
    """A row that fails its checksum: the index is damaged."""


def markdown_sum(digest: bytes, tokens: str | None) -> int:
    return checksum(digest + (tokens or "").encode("utf-8", "surrogatepass"))


def path_key(name: str) -> bytes:
    """A file's name as the index keys it: its bytes, so that a name that is not UTF-8 is stored, and kept apart
    from every other name, as it is."""
    return name.encode("utf-8", "surrogateescape")


def path_name(key: bytes) -> str:
    return bytes(key).decode("utf-8", "surrogateescape")


def date_key(date: m.PartialDate) -> int:
    """An integer that sorts as the date does: 2025-12 → 20251200."""
    return date.year * 10000 + date.month * 100 + date.day


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


def encode_value(value: object) -> str:
    return compact_json(_plain(value))


def _revive(data: dict[str, Any]) -> object:
    tag = data.pop("$t", None)
    if tag is not None:
        cls = _MODEL_TYPES[tag]  # KeyError on a foreign type: treated as a corrupt index
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
    if "$d" in data:
        return m.PartialDate(*data["$d"])
    return data


def decode_value(text: str) -> Any:
    return json.loads(text, object_hook=_revive)


# ---- a file's ids and references, for the cross-file checks ------------------------------------------


class RefsWriter:
    """What the merge needs of a file (see catalogue.FileRefs), written down entry by entry, as JSON: what checks
    it, and its entries with their marks.

    The entries are flat arrays, which decode fast: per entry its section, id, mark and whether
    it is broken; per list of references its entry, key and length; then every reference with
    its mark. The file's problems are kept apart. Repeated ids are kept once in memory.
    """

    def __init__(self) -> None:
        self.sections: list[str] = []
        self.ids: list[str | None] = []
        self.marks: list[int] = []
        self.broken: list[int] = []
        self.groups: list[object] = []
        self.refs: list[object] = []
        self.by_section: dict[str, list[str]] = {}
        self.wanted: dict[str, set[str]] = {}
        self._strings: dict[str, str] = {}

    def add(self, entry: EntryRefs) -> None:
        from faq_cli.catalogue.merge import note_refs

        n = len(self.sections)
        self.sections.append(entry.section)
        self.ids.append(entry.id)
        self.marks += entry.mark
        if entry.broken:
            self.broken.append(n)
        for key, values, marks in entry.references:
            self.groups += (n, key, len(values))
            for value, mark in zip(values, marks, strict=True):
                self.refs += (self._strings.setdefault(value, value), mark[0], mark[1])
        note_refs(entry, self.by_section, self.wanted)

    def encode(
        self,
        info: list[tuple[str, Any, tuple[int, int]]],
        synonyms: list[tuple[str, ...]],
        choices: dict[str, list[str]],
        skipped: str | None,
    ) -> tuple[str, str]:
        checks = {
            "info": [[key, _plain(value), mark] for key, value, mark in info],
            "synonyms": synonyms,
            "ids": self.by_section,
            "wanted": {kind: sorted(ids) for kind, ids in self.wanted.items()},
            "choices": choices,
            "skipped": skipped,
        }
        detail = {
            "sections": self.sections,
            "ids": self.ids,
            "marks": self.marks,
            "broken": self.broken,
            "groups": self.groups,
            "refs": self.refs,
        }
        return compact_json(checks), compact_json(detail)


def compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def decode_refs(db: sqlite3.Connection, path: str, problems: list[Problem], checks: str) -> FileRefs:
    """A file's FileRefs from the index; its entries are read from `db` only if the merge asks for them."""
    from faq_cli.catalogue.merge import FileRefs

    data = json.loads(checks, object_hook=_revive)
    return FileRefs(
        shown(path),  # where its problems are placed
        problems,
        [(key, value, (mark[0], mark[1])) for key, value, mark in data["info"]],
        [tuple(group) for group in data["synonyms"]],
        data["ids"],
        {kind: set(ids) for kind, ids in data["wanted"].items()},
        lambda: decode_entries(db.execute("SELECT refs FROM files WHERE path = ?", (path_key(path),)).fetchone()[0]),
        choices=data["choices"],
        skipped=data["skipped"],
    )


def decode_entries(text: str) -> list[EntryRefs]:
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
