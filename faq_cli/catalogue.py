"""Find a catalogue's files, read and validate them, merge them, resolve references.

`load_catalogue` is the one entry point: paths in, a `Catalogue` out, or a
`CatalogueError` carrying every problem in every file, sorted by place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faq_cli import model as m
from faq_cli.errors import CatalogueError, Problem
from faq_cli.files import ENV_DATA as ENV_DATA  # re-exported: older callers import these from here
from faq_cli.files import YAML_SUFFIXES as YAML_SUFFIXES
from faq_cli.files import active_paths as active_paths
from faq_cli.files import bundled_path as bundled_path
from faq_cli.files import catalogue_files as catalogue_files
from faq_cli.files import shown
from faq_cli.schema import SECTIONS as SECTION_SCHEMAS
from faq_cli.validate import Walker, is_broken
from faq_cli.yamlfile import LocList, LocMap, Mark, SectionReader, parse_file


@dataclass(slots=True)
class FileSections:
    """One file's validated sections, before merging."""

    path: str
    sections: dict[str, Any]
    problems: list[Problem]


def read_file(path: Path) -> FileSections:
    """Parse and validate one file; its problems stay with it."""
    parsed = parse_file(path, shown(path))
    if parsed.data is None:
        return FileSections(parsed.path, {}, parsed.problems)
    walker = Walker(parsed.path)
    sections = walker.file(parsed.data)
    return FileSections(parsed.path, sections, walker.problems)


References = list[tuple[str, list[str], list[Mark]]]


@dataclass(slots=True)
class EntryRefs:
    """What the cross-file checks need of one entry: its id and where it stands, and its references."""

    section: str
    id: str | None
    mark: Mark
    broken: bool
    references: References


@dataclass(slots=True)
class FileRefs:
    """What the cross-file checks need of one file; small enough for the index to keep per file.

    `ids` and `wanted` are enough to check a sound file. Its entries, with every id's and
    reference's mark, are needed only to say where a problem is, so `load` may read them
    on demand (the index keeps them apart and reads them only for a file with a problem).
    """

    path: str
    problems: list[Problem]
    info: list[tuple[str, Any, Mark]]
    synonyms: list[tuple[str, ...]]
    ids: dict[str, list[str]]  # per section, the ids of its entries in file order
    wanted: dict[str, set[str]]  # per kind of reference (a key of _TARGETS), every id the file refers to
    load: Callable[[], list[EntryRefs]]


def file_refs(file: FileSections) -> FileRefs:
    """A validated file's problems, ids, references, catalogue info and synonyms."""
    info: list[tuple[str, Any, Mark]] = []
    synonyms: list[tuple[str, ...]] = []
    entries: list[EntryRefs] = []
    for name, value in file.sections.items():
        if value is None:
            continue
        if name == "catalogue":
            info.extend(_info(value))
        elif name == "synonyms":
            synonyms.extend(_synonyms(value))
        else:
            entries.extend(entry_refs(name, entry) for entry in value if entry is not None)
    ids, wanted = _summarise(entries)
    return FileRefs(file.path, file.problems, info, synonyms, ids, wanted, lambda: entries)


def _info(value: LocMap) -> list[tuple[str, Any, Mark]]:
    return [(key, item, value.key_marks[key]) for key, item in value.items()]


def _synonyms(value: list[Any]) -> list[tuple[str, ...]]:
    return [tuple(t.casefold() for t in group if t) for group in value if group]


def entry_refs(section: str, entry: LocMap) -> EntryRefs:
    """What the cross-file checks need of one validated entry."""
    entry_id = entry.get("id")
    if not isinstance(entry_id, str):
        return EntryRefs(section, None, entry.mark, is_broken(entry), list(_reference_lists(entry)))
    return EntryRefs(section, entry_id, entry.value_marks["id"], is_broken(entry), list(_reference_lists(entry)))


class EntryReader:
    """One file read entry by entry, for the index: never the whole file at once, whatever its size.

    Iterating gives each entry's references (`EntryRefs`) in file order, with its model object while the
    file has shown no problem (a file with a problem is never served, so building more would be waste).
    Afterwards `problems`, `info` and `synonyms` are what `read_file` and `file_refs` give; when the file
    cannot be read or parsed, `failed` is set and what was read of it counts for nothing, as in `read_file`.
    """

    def __init__(self, path: Path, display: str | None = None) -> None:
        self.reader = SectionReader(path, display or shown(path), whole=("catalogue", "synonyms"))
        self.walker = Walker(self.reader.name)
        self.info: list[tuple[str, Any, Mark]] = []
        self.synonyms: list[tuple[str, ...]] = []

    @property
    def failed(self) -> bool:
        return self.reader.problem is not None

    @property
    def problems(self) -> list[Problem]:
        return [self.reader.problem] if self.reader.problem is not None else self.walker.problems

    @property
    def digest(self) -> str | None:
        """The content hash of the bytes that were read."""
        return self.reader.digest

    def __iter__(self) -> Iterator[tuple[EntryRefs, m.Entry | None]]:
        walker = self.walker
        for piece in self.reader:
            if piece.kind != "item" and not walker.known(piece.key, piece.key_mark):
                continue  # an unknown section, reported once; its items are skipped below
            if piece.kind == "list" or piece.key not in SECTION_SCHEMAS:
                continue
            if piece.key not in _ENTRY_TYPES:
                if piece.kind == "value":  # the catalogue's info and synonyms, small
                    value = walker.check(piece.value, SECTION_SCHEMAS[piece.key], piece.mark, piece.key)
                    if value is not None and piece.key == "catalogue":
                        self.info.extend(_info(value))
                    elif value is not None:
                        self.synonyms.extend(_synonyms(value))
                continue
            if piece.kind == "item":
                items = [walker.item(piece.key, piece.value, piece.mark)]
            else:  # a section that is not a list (a problem), or a list composed whole (it has an anchor)
                items = walker.check(piece.value, SECTION_SCHEMAS[piece.key], piece.mark, piece.key) or []
            for entry in items:
                if entry is not None:
                    refs = entry_refs(piece.key, entry)
                    sound = not refs.broken and not walker.problems
                    yield refs, build_entry(piece.key, entry) if sound else None


def note_refs(entry: EntryRefs, ids: dict[str, list[str]], wanted: dict[str, set[str]]) -> None:
    """Add one entry's id and the ids it refers to by kind (see FileRefs)."""
    if entry.id is not None:
        ids.setdefault(entry.section, []).append(entry.id)
    for key, values, _ in entry.references:
        kind = _reference_kind(entry.section, key)
        if kind is not None:
            wanted.setdefault(kind, set()).update(values)


# Where each kind of reference must point: it must name an entry in exactly one of these sections.
_RELATED = ("people", "incidents", "events", "questions")
_TARGETS: dict[str, tuple[str, ...]] = {"sources": ("sources",), "people": ("people",), "related": _RELATED}


def _reference_kind(section: str, key: str) -> str | None:
    """The kind (a key of _TARGETS) of the references listed under `key` in an entry of `section`; None if unchecked."""
    if key in ("sources", "related"):
        return key
    if key == "person" or (key == "people" and section == "events"):
        return "people"
    return None


def _summarise(entries: Iterable[EntryRefs]) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """A file's ids by section and the ids its references name by kind: what checks a sound file."""
    ids: dict[str, list[str]] = {}
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        note_refs(entry, ids, wanted)
    return ids, wanted


@dataclass(slots=True)
class _Merge:
    """The cross-file checks over every file, in file order: catalogue info, duplicate ids, references.

    Sets decide which files have a problem; only those files' entries are looked at one by
    one, in the order that places each problem, so a sound catalogue costs a few set operations.
    """

    files: list[FileRefs]
    problems: list[Problem]
    info: dict[str, Any] = field(default_factory=dict)
    info_marks: dict[str, tuple[str, Mark]] = field(default_factory=dict)
    synonyms: list[tuple[str, ...]] = field(default_factory=list)
    # per section, every id and the number of the file it first appears in
    first: dict[str, dict[str, int]] = field(default_factory=lambda: {s: {} for s in m.ENTRY_SECTIONS})
    repeating: set[int] = field(default_factory=set)  # files holding an id seen before
    entries: dict[int, list[EntryRefs]] = field(default_factory=dict)  # the files loaded so far
    first_marks: dict[int, dict[tuple[str, str], Mark]] = field(default_factory=dict)
    close_options: dict[str, list[str]] = field(default_factory=dict)

    def check(self) -> None:
        # Problems are listed in the order they are found; sorted by place (a stable sort) they keep,
        # at any one place, a file's own problems before its repeated ids and then its references.
        for n, file in enumerate(self.files):
            self.problems.extend(file.problems)
            self._add_info(file.path, file.info)
            self.synonyms.extend(file.synonyms)
            self._add_ids(n, file.ids)
        for n, file in enumerate(self.files):
            if n in self.repeating or not all(self._resolved(kind, refs) for kind, refs in file.wanted.items()):
                self._check_file(n, file)

    def _add_info(self, path: str, info: list[tuple[str, Any, Mark]]) -> None:
        for key, value, key_mark in info:
            if key in self.info_marks:
                where, mark = self.info_marks[key]
                self.problems.append(Problem(path, *key_mark, f"catalogue {key} is given twice (first at {where}:{mark[0]})"))
                continue
            self.info[key] = value
            self.info_marks[key] = (path, key_mark)

    def _add_ids(self, n: int, ids: dict[str, list[str]]) -> None:
        """Note the file each id first appears in, and whether file `n` repeats one."""
        for section, items in ids.items():
            first = self.first[section]
            new = dict.fromkeys(items, n)
            if len(new) < len(items) or not first.keys().isdisjoint(new):
                self.repeating.add(n)
                for entry_id in items:
                    first.setdefault(entry_id, n)
            else:
                first.update(new)

    def _resolved(self, kind: str, refs: set[str]) -> bool:
        """Whether each of `refs` names an entry in exactly one of the sections its kind allows."""
        known = [self.first[s].keys() for s in _TARGETS[kind]]
        if len(known) == 1:
            return known[0] >= refs
        return all(sum(ref in ids for ids in known) == 1 for ref in refs)

    def _entries(self, n: int) -> list[EntryRefs]:
        if n not in self.entries:
            self.entries[n] = self.files[n].load()
        return self.entries[n]

    def _check_file(self, n: int, file: FileRefs) -> None:
        """File `n` entry by entry: its repeated ids, then its references (sound entries by section, then broken ones)."""
        here: dict[tuple[str, str], Mark] = {}
        kept = []
        for entry in self._entries(n):
            if entry.id is not None:
                key = (entry.section, entry.id)
                if key in here or self.first[entry.section][entry.id] < n:
                    where, mark = (file.path, here[key]) if key in here else self._first_place(key)
                    noun = entry.section.rstrip("s") if entry.section != "people" else "person"
                    self.problems.append(
                        Problem(file.path, *entry.mark, f"duplicate {noun} id '{entry.id}' (first at {where}:{mark[0]})")
                    )
                    continue
                here[key] = entry.mark
            kept.append(entry)
        for section in m.ENTRY_SECTIONS:
            for entry in kept:
                if entry.section == section and not entry.broken:
                    self._check_entry(file.path, entry)
        for entry in kept:  # their sound fields still count
            if entry.broken:
                self._check_entry(file.path, entry)

    def _first_place(self, key: tuple[str, str]) -> tuple[str, Mark]:
        """The file and mark of the first entry with this section and id."""
        n = self.first[key[0]][key[1]]
        if n not in self.first_marks:
            marks: dict[tuple[str, str], Mark] = {}
            for entry in self._entries(n):
                if entry.id is not None:
                    marks.setdefault((entry.section, entry.id), entry.mark)
            self.first_marks[n] = marks
        return self.files[n].path, self.first_marks[n][key]

    def _check_entry(self, path: str, entry: EntryRefs) -> None:
        """Every source, person and related id must name an entry that exists, in one section only."""
        for key, values, marks in entry.references:
            kind = _reference_kind(entry.section, key)
            if kind is None:
                continue
            for ref, mark in zip(values, marks, strict=True):
                homes = [s for s in _TARGETS[kind] if ref in self.first[s]]
                if len(homes) == 1:
                    continue
                if kind == "related" and homes:
                    message = f"related id '{ref}' is ambiguous: it names entries in {' and '.join(homes)}"
                elif kind == "related":
                    message = f"related id '{ref}' names no person, incident, event or question{self._close(ref, kind)}"
                else:
                    noun = "source" if kind == "sources" else "person"
                    message = f"unknown {noun} '{ref}'{self._close(ref, kind)}"
                self.problems.append(Problem(path, *mark, message))

    def _close(self, word: str, kind: str) -> str:
        import difflib

        if kind not in self.close_options:
            self.close_options[kind] = sorted(set().union(*(self.first[s] for s in _TARGETS[kind])))
        close = difflib.get_close_matches(word, self.close_options[kind], n=1, cutoff=0.7)
        return f" (did you mean '{close[0]}'?)" if close else ""


def _reference_lists(entry: LocMap) -> Iterator[tuple[str, list[str], list[Mark]]]:
    """Every list of references inside an entry, at any depth, with the marks of its items."""
    for key, value in entry.items():
        if key in ("sources", "related") or (
            key == "people" and isinstance(value, LocList) and value and isinstance(value[0], str)
        ):
            assert isinstance(value, LocList)
            yield (
                key,
                [v for v in value if isinstance(v, str)],
                [mk for v, mk in zip(value, value.item_marks, strict=True) if isinstance(v, str)],
            )
        elif key == "person" and isinstance(value, str):
            yield key, [value], [entry.value_marks[key]]
        elif isinstance(value, LocMap):
            yield from _reference_lists(value)
        elif isinstance(value, LocList):
            for item in value:
                if isinstance(item, LocMap):
                    yield from _reference_lists(item)


_NESTED: dict[str, type] = {
    "positions": m.Position,
    "honours": m.Honour,
    "sanctions": m.Sanction,
    "status": m.Status,
    "casualties": m.Casualties,
    "attribution": m.Attribution,
    "disputes": m.Dispute,
}
_ENTRY_TYPES: dict[str, type] = {
    "sources": m.Source,
    "people": m.Person,
    "incidents": m.Incident,
    "events": m.Event,
    "questions": m.Question,
}


def _build(cls: type, data: dict[str, Any]) -> Any:
    """Turn validated fields into a model object: lists become tuples, mappings their type."""
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        nested = m.Involvement if (cls is m.Incident and key == "people") else _NESTED.get(key)
        if isinstance(value, list):
            kwargs[key] = tuple(_build(nested, v) if isinstance(v, dict) and nested else v for v in value)
        elif isinstance(value, dict) and nested:
            kwargs[key] = _build(nested, value)
        else:
            kwargs[key] = value
    return cls(**kwargs)


def build_entry(section: str, fields: dict[str, Any]) -> m.Entry:
    """One validated entry of `section` as its model object (the index builds entries file by file)."""
    entry: m.Entry = _build(_ENTRY_TYPES[section], fields)
    return entry


def merge_files(files: Iterable[FileRefs], extra: Iterable[Problem] = ()) -> m.Catalogue:
    """The cross-file checks alone: the catalogue's info and synonyms with empty sections, or raise with every problem.

    The index runs this over what it keeps per file, without parsing them again, and reads
    a file's entries only when the file has a problem to place.
    """
    merge = _Merge(list(files), list(extra))
    merge.check()
    if merge.problems:
        raise CatalogueError(sorted(merge.problems, key=lambda p: (p.path, p.line, p.column)))
    return m.Catalogue(info=m.CatalogueInfo(**merge.info), synonyms=tuple(merge.synonyms))


def build_catalogue(files: Iterable[FileSections], extra: Iterable[Problem] = ()) -> m.Catalogue:
    """Merge validated files into one catalogue, or raise with every problem found."""
    files = list(files)
    catalogue = merge_files((file_refs(f) for f in files), extra)
    # No problem anywhere: every entry is sound and its id unique, so all of them are built, in file order.
    for section, cls in _ENTRY_TYPES.items():
        target: dict[str, Any] = getattr(catalogue, section)
        for file in files:
            for entry in file.sections.get(section) or ():
                target[str(entry["id"])] = _build(cls, entry)
    return catalogue


def load_catalogue(paths: Sequence[str]) -> m.Catalogue:
    """Read every file under `paths` and return the merged catalogue."""
    files, problems = catalogue_files(paths)
    return build_catalogue((read_file(f) for f in files), problems)
