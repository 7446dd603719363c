"""An opened index and reading it: the index file checked as it is opened, and `Store`, which reads
entries on demand (`Section`) and answers the common lookups with indexed queries; anything wrong with the
file switches it to the catalogue read from YAML."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Collection, ItemsView, Iterator, Mapping, Sequence, ValuesView
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faq_cli.catalogue import model as m
from faq_cli.catalogue.layers import Layer
from faq_cli.errors import Problem
from faq_cli.mirrors.record import field, record
from faq_cli.store.codec import (
    FORMAT,
    Damaged,
    checksum,
    date_key,
    decode_layer,
    decode_value,
    expected_schema,
    layering_sum,
    markdown_sum,
    meta_sum,
    path_name,
    schema_of,
)
from faq_cli.store.freshness import KnownFile, Stamp, code_fingerprint, read_overlay
from faq_cli.store.markdown import digest_of, row_tokens

if TYPE_CHECKING:
    from faq_cli.store import Notice


# Incidents up to this many are ranked whole; above it, those full-text search finds and those of the
# people whose names come closest (names.py shortlists people likewise), and only those are ranked.
RANK_WHOLE = 400
CANDIDATES = 200
QUERY_SECONDS = 10.0  # no statement on an index runs longer: a damaged or hostile file never makes a call spin


# Entries a later layer replaces are left out of every lookup (`shadowed`), and the entry that replaces
# one takes its place in file order (`placed`): both are worked out anew by every build.
LIVE = "e.rowid NOT IN (SELECT entry FROM shadowed)"
FROM_LIVE = "entries e JOIN files f ON f.path = e.file LEFT JOIN placed p ON p.entry = e.rowid"
IN_ORDER = "ORDER BY coalesce(p.ord, f.ord), coalesce(p.pos, e.pos)"


# ---- an opened index --------------------------------------------------------------------------------


@record()
class Index:
    """An opened, consistent index: its connection and the catalogue-wide facts read at open."""

    db: sqlite3.Connection
    problems: list[Problem]
    info: m.CatalogueInfo
    synonyms: tuple[tuple[str, ...], ...]
    files: dict[str, KnownFile] = field(default_factory=dict)
    build: str = ""
    target: Path | None = None  # the file it was read from; None in memory
    identity: tuple[int, int] = (0, 0)  # that file's device and inode when it was opened
    overlay: dict[str, Stamp] = field(default_factory=dict)  # newer stamps of unchanged files (see record_touched)
    bound: Callable[[], None] = lambda: None  # restarts the time bound on the next statement (see _bounded)
    layers: list[m.CatalogueLayer] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def catalogue(self, layers: Sequence[Layer]) -> m.Catalogue:
        store = Store(self.db, layers, self.synonyms)
        store.target, store.identity, store.bound = self.target, self.identity, self.bound
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


def connect(path: Path | str, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        from urllib.parse import quote

        # immutable: an index is never written once renamed into place, so SQLite need not lock it or look for
        # a journal to roll back (one left beside it belongs to no file of ours)
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    else:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    return db


def _bounded(db: sqlite3.Connection) -> Callable[[], None]:
    """Interrupt any statement that runs longer than QUERY_SECONDS; returns the function that starts the clock
    for the next one. Schema code is not trusted either (no function with side effects runs from it)."""
    deadline = [0.0]

    def tick() -> int:
        return 1 if time.monotonic() > deadline[0] else 0

    def restart() -> None:
        deadline[0] = time.monotonic() + QUERY_SECONDS

    restart()
    db.execute("PRAGMA trusted_schema = OFF")
    db.set_progress_handler(tick, 20_000)
    return restart


def open_cached(target: Path, notice: Notice) -> Index | None:
    """The index at `target` when it exists, is ours, has our schema and is whole; None otherwise (never raises)."""
    from faq_cli.store import cache

    try:
        st = os.lstat(target)
    except (OSError, ValueError):
        return None
    why = cache.distrust(st)
    if why is not None:
        notice(f"ignoring the index {target}: {why}; rebuilding it from the catalogue files")
        return None
    db: sqlite3.Connection | None = None
    try:
        db = connect(target, readonly=True)
        bound = _bounded(db)
        if schema_of(db) != expected_schema():
            raise ValueError("not an index of ours")
        bound()
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT or meta.get("code") != code_fingerprint():
            raise ValueError("an index of another format or built by other code")
        pages = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
        if pages != st.st_size:  # truncated, or appended to
            raise ValueError("index size does not match its pages")
        index = read_index(db, meta)
        index.target, index.identity, index.bound = target, (st.st_dev, st.st_ino), bound
        read_overlay(index, target)
        return index
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        if db is not None:
            db.close()
        return None


def read_index(db: sqlite3.Connection, meta: dict[str, str]) -> Index:
    if meta.get("sum") != meta_sum(meta):
        raise ValueError("the index's catalogue-wide facts are damaged")
    problems = [Problem(*p) for p in json.loads(meta["problems"])]
    notes = [Problem(*p) for p in json.loads(meta["notes"])]
    info = decode_value(meta["info"])
    if not isinstance(info, m.CatalogueInfo):
        raise ValueError("no catalogue info")
    layers = [decode_layer(item) for item in decode_value(meta["layers"])]
    if meta.get("layering") != layering_sum(db):
        raise ValueError("the index's table of replaced entries is damaged")
    synonyms = tuple(tuple(str(t) for t in group) for group in json.loads(meta["synonyms"]))
    files = {
        path_name(row[0]): KnownFile(row[1], tuple(row[2:7]) if row[2] is not None else None, row[7])
        for row in db.execute("SELECT path, ord, size, mtime_ns, ctime_ns, inode, mode, digest FROM files")
    }
    return Index(db, problems, info, synonyms, files, meta.get("build", ""), layers=layers, notes=notes)


# ---- serving: lazy sections and indexed lookups ---------------------------------------------------------


_CHUNK = 500  # values bound in one statement: under SQLite's oldest limit of 999 parameters


def _checked(data: str, total: int) -> str:
    if checksum(data) != total:
        raise Damaged("an entry row fails its checksum")
    return data


_CORRUPT = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


def _is_damage(exc: sqlite3.Error) -> bool:
    """Whether an error says the file is damaged (not, say, that a statement ran out of time)."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _CORRUPT


def discard_index(target: Path, identity: tuple[int, int]) -> None:
    """Remove the index at `target` if it is still the file opened as `identity`; never one a build just renamed there."""
    from faq_cli.store import cache

    with cache.BuildLock(target.with_suffix(".lock"), wait=False) as lock:
        if not lock.held:
            return  # a build is under way, and will replace it
        try:
            st = os.lstat(target)
        except OSError:
            return
        if (st.st_dev, st.st_ino) == identity:
            cache.remove(target)


class Store:
    """Indexed lookups over an opened index; the query functions use it through `Catalogue.index`.

    Any database error while serving (a cache damaged under our feet) or a row that fails its
    checksum switches the store to a catalogue loaded from the YAML files, so the answer stays
    right; a damaged index is removed, so the next call builds it anew.
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
        self.identity = (0, 0)  # that file's device and inode when it was opened
        self.bound: Callable[[], None] = lambda: None  # starts the time bound of the next statement
        self._discarded = False

    # -- safety net

    def fallback(self, damaged: bool = False) -> m.Catalogue:
        """The catalogue read from YAML, used once the index has failed (and, when it is damaged, discarded)."""
        if damaged:
            self.discard()
        if self.memory is None:
            from faq_cli.catalogue.merge import load_catalogue

            self.memory = load_catalogue(self.layers)
        return self.memory

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row] | None:
        """Run a query; None (and the fallback from then on) when the index fails."""
        if self.memory is not None:
            return None
        try:
            self.bound()
            return self.db.execute(sql, params).fetchall()
        except UnicodeEncodeError:  # a lone surrogate from argv: no entry can have it
            return []
        except sqlite3.Error as exc:
            self.fallback(_is_damage(exc))
            return None

    def entries(self, rows: list[sqlite3.Row]) -> list[Any] | None:
        """Entries from rows of (data, sum); None (and the fallback) when one fails its checksum."""
        try:
            return [decode_value(_checked(r["data"], r["sum"])) for r in rows]
        except (ValueError, KeyError, TypeError):
            self.fallback(damaged=True)
            return None

    def discard(self) -> None:
        """Remove the damaged index file (if a build has not already replaced it): the next call builds anew."""
        if self.target is not None and not self._discarded:
            self._discarded = True
            discard_index(self.target, self.identity)

    # -- sections

    def entry(self, section: str, entry_id: str) -> Any:
        rows = self.rows(f"SELECT data, sum FROM entries e WHERE section = ? AND id = ? AND {LIVE} LIMIT 1", (section, entry_id))
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
            self.bound()
            cursor = self.db.execute(
                f"SELECT e.id, e.data, e.sum FROM {FROM_LIVE} WHERE e.section = ? AND {LIVE} {IN_ORDER}",
                (section,),
            )
            while self.memory is None:
                self.bound()
                batch = cursor.fetchmany(500)
                if not batch:
                    return
                for row in batch:
                    entry = decode_value(_checked(row[1], row[2]))
                    seen.add(row[0])
                    yield row[0], entry
        except sqlite3.Error as exc:
            self.fallback(_is_damage(exc))
        except (ValueError, KeyError, TypeError):
            self.fallback(damaged=True)
        for entry_id, entry in getattr(self.fallback(), section).items():
            if entry_id not in seen:
                yield entry_id, entry

    # -- the CatalogueIndex protocol

    def dated(
        self, section: str, years: tuple[int, ...], since: m.PartialDate | None, until: m.PartialDate | None, person: str | None
    ) -> list[Any]:
        """Incidents or events whose span meets the date filters and that involve `person`, in file order."""
        spans = [(y * 10000, y * 10000 + 1231) for y in sorted(set(years))] or [(0, 99999999)]
        low = date_key(since) if since is not None else 0
        high = date_key(until.end()) if until is not None else 99999999
        spans = [(max(a, low), min(b, high)) for a, b in spans]
        spans = [(a, b) for a, b in spans if a <= b]
        if not spans:
            return []
        reach = self.maxspan().get(section, 0)
        where = " OR ".join("(e.start BETWEEN ? AND ? AND e.stop >= ?)" for _ in spans)
        params: list[object] = [section]
        for a, b in spans:
            params += [a - reach, b, a]
        sql = f"SELECT e.data, e.sum FROM {FROM_LIVE} WHERE e.section = ? AND {LIVE} AND ({where})"
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
            f"SELECT e.data, e.sum FROM {FROM_LIVE} WHERE e.section = 'questions' AND {LIVE} AND e.rowid IN "
            f"(SELECT entry FROM links WHERE kind = 'related' AND ref IN ({marks})) {IN_ORDER}",
            list(ids),
        )
        found = self.entries(rows) if rows is not None else None
        if found is None:
            return list(self.fallback().questions.values())
        return found

    def mentions(self, ids: Collection[str], last: int | None) -> tuple[list[str], list[m.Question]]:
        """Which questions name one of `ids` in their `related` list, from the links (no entry is read), and the last
        `last` of them, read; a few queries of at most 500 ids, however many the ids are."""
        wanted = sorted(ids)
        found: dict[int, tuple[int, int, str]] = {}  # rowid: file order, position, id
        for at in range(0, len(wanted), _CHUNK):
            chunk = wanted[at : at + _CHUNK]
            rows = self.rows(
                "SELECT e.rowid, coalesce(p.ord, f.ord), coalesce(p.pos, e.pos), e.id FROM links l"
                " JOIN entries e ON e.rowid = l.entry JOIN files f ON f.path = e.file LEFT JOIN placed p ON p.entry = e.rowid"
                f" WHERE l.kind = 'related' AND e.section = 'questions' AND {LIVE}"
                f" AND l.ref IN ({', '.join('?' for _ in chunk)})",
                chunk,
            )
            if rows is None:
                return self._mentions_in_memory(set(ids), last)
            found.update((r[0], (r[1], r[2], r[3])) for r in rows)
        ordered = sorted(found, key=lambda rowid: found[rowid][:2])
        shown = ordered if last is None else ordered[max(len(ordered) - last, 0) :]
        questions: dict[int, m.Question] = {}
        for at in range(0, len(shown), _CHUNK):
            rowids = shown[at : at + _CHUNK]
            marks = ", ".join("?" for _ in rowids)
            rows = self.rows(f"SELECT rowid, data, sum FROM entries WHERE rowid IN ({marks})", rowids)
            decoded = self.entries(rows) if rows is not None else None
            if rows is None or decoded is None:
                return self._mentions_in_memory(set(ids), last)
            questions.update((r[0], q) for r, q in zip(rows, decoded, strict=True))
        return [found[rowid][2] for rowid in ordered], [questions[rowid] for rowid in shown]

    def _mentions_in_memory(self, ids: set[str], last: int | None) -> tuple[list[str], list[m.Question]]:
        found = [q for q in self.fallback().questions.values() if ids.intersection(q.related)]
        shown = found if last is None else found[max(len(found) - last, 0) :]
        return [q.id for q in found], shown

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
            f"SELECT e.id, e.data, e.sum FROM {table} t JOIN entries e ON e.rowid = t.rowid"
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
            "SELECT m.digest, m.tokens, m.sum FROM entries e JOIN markdown m ON m.entry = e.rowid"
            f" WHERE e.section = ? AND e.id = ? AND {LIVE}",
            (section, entry_id),
        )
        if not rows or rows[0][0] != digest_of(text):
            return None
        if markdown_sum(rows[0][0], rows[0][1]) != rows[0][2]:
            self.discard()
            return None  # the renderer parses the text itself
        return row_tokens(text, rows[0][1])

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
            rows = self.store.rows(
                f"SELECT key, value, sum FROM derived WHERE name = ? AND key IN ({marks})", [self.name, *chunk]
            )
            if rows is None:
                raise ValueError("the index failed")
            found.update(self._checked(rows))
        return found

    def scan(self, prefix: str) -> Iterator[tuple[str, bytes]]:
        # every key under the prefix: from the prefix up to the prefix with its last character's successor
        high = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "\U0010ffff"
        rows = self.store.rows(
            "SELECT key, value, sum FROM derived WHERE name = ? AND key >= ? AND key < ?", (self.name, prefix, high)
        )
        if rows is None:
            raise ValueError("the index failed")
        return iter(self._checked(rows))

    def _checked(self, rows: list[sqlite3.Row]) -> list[tuple[str, bytes]]:
        """The rows' keys and values; ValueError (so the layer above derives in memory) when one is damaged."""
        found = [(r[0], bytes(r[1])) for r in rows]
        if any(checksum(value) != r[2] for (_, value), r in zip(found, rows, strict=True)):
            self.store.discard()
            raise Damaged("a derived row fails its checksum")
        return found


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
