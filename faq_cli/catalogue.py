"""Find a catalogue's files, read and validate them, merge them, resolve references.

`load_catalogue` is the one entry point: paths in, a `Catalogue` out, or a
`CatalogueError` carrying every problem in every file, sorted by place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
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
from faq_cli.validate import Walker, is_broken
from faq_cli.yamlfile import LocList, LocMap, Mark, parse_file


@dataclass(slots=True)
class FileSections:
    """One file's validated sections, before merging."""

    path: str
    sections: dict[str, Any]
    problems: list[Problem]


def read_file(path: Path) -> FileSections:
    """Parse and validate one file; its problems stay with it."""
    parsed = parse_file(path)
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
    """What the cross-file checks need of one file; small enough for the index to keep per file."""

    path: str
    problems: list[Problem]
    info: list[tuple[str, Any, Mark]]
    synonyms: list[tuple[str, ...]]
    entries: list[EntryRefs]


def file_refs(file: FileSections) -> FileRefs:
    """A validated file's problems, ids, references, catalogue info and synonyms."""
    refs = FileRefs(file.path, file.problems, [], [], [])
    for name, value in file.sections.items():
        if value is None:
            continue
        if name == "catalogue":
            refs.info.extend((key, item, value.key_marks[key]) for key, item in value.items())
        elif name == "synonyms":
            refs.synonyms.extend(tuple(t.casefold() for t in group if t) for group in value if group)
        else:
            for entry in value:
                if entry is not None:
                    entry_id = entry.get("id")
                    known = isinstance(entry_id, str)
                    mark = entry.value_marks["id"] if known else entry.mark
                    refs.entries.append(
                        EntryRefs(name, entry_id if known else None, mark, is_broken(entry), list(_reference_lists(entry)))
                    )
    return refs


@dataclass(slots=True)
class _Merge:
    """Collects entries from every file, remembering where each id and reference stands."""

    problems: list[Problem] = field(default_factory=list)
    entries: dict[str, list[tuple[str, EntryRefs]]] = field(default_factory=lambda: {s: [] for s in m.ENTRY_SECTIONS})
    broken: list[tuple[str, str, EntryRefs]] = field(default_factory=list)
    seen: dict[str, dict[str, tuple[str, Mark]]] = field(default_factory=lambda: {s: {} for s in m.ENTRY_SECTIONS})
    info: dict[str, Any] = field(default_factory=dict)
    info_marks: dict[str, tuple[str, Mark]] = field(default_factory=dict)
    synonyms: list[tuple[str, ...]] = field(default_factory=list)

    def add_file(self, file: FileRefs) -> None:
        self.problems.extend(file.problems)
        self._add_info(file.path, file.info)
        self.synonyms.extend(file.synonyms)
        for entry in file.entries:
            self._add_entry(file.path, entry)

    def _add_info(self, path: str, info: list[tuple[str, Any, Mark]]) -> None:
        for key, value, key_mark in info:
            if key in self.info_marks:
                where, mark = self.info_marks[key]
                self.problems.append(Problem(path, *key_mark, f"catalogue {key} is given twice (first at {where}:{mark[0]})"))
                continue
            self.info[key] = value
            self.info_marks[key] = (path, key_mark)

    def _add_entry(self, path: str, entry: EntryRefs) -> None:
        section, entry_id = entry.section, entry.id
        if entry_id is not None:
            first = self.seen[section].get(entry_id)
            if first:
                noun = section.rstrip("s") if section != "people" else "person"
                self.problems.append(
                    Problem(path, *entry.mark, f"duplicate {noun} id '{entry_id}' (first at {first[0]}:{first[1][0]})")
                )
                return
            self.seen[section][entry_id] = (path, entry.mark)
        if entry.broken:
            self.broken.append((section, path, entry))
        else:
            self.entries[section].append((path, entry))

    def check_references(self) -> None:
        """Every source, person and related id must name an entry that exists."""
        ids = {section: set(seen) for section, seen in self.seen.items()}
        for section, items in self.entries.items():
            for path, entry in items:
                self._check_entry(path, section, entry, ids)
        for section, path, entry in self.broken:  # their sound fields still count
            self._check_entry(path, section, entry, ids)

    def _check_entry(self, path: str, section: str, entry: EntryRefs, ids: dict[str, set[str]]) -> None:
        def missing(mark: Mark, message: str) -> None:
            self.problems.append(Problem(path, *mark, message))

        for key, value, marks in entry.references:
            if key == "sources":
                for ref, mark in zip(value, marks, strict=True):
                    if ref not in ids["sources"]:
                        missing(mark, f"unknown source '{ref}'{_close(ref, ids['sources'])}")
            elif key == "people" and section == "events":
                for ref, mark in zip(value, marks, strict=True):
                    if ref not in ids["people"]:
                        missing(mark, f"unknown person '{ref}'{_close(ref, ids['people'])}")
            elif key == "person":
                if value[0] not in ids["people"]:
                    missing(marks[0], f"unknown person '{value[0]}'{_close(value[0], ids['people'])}")
            elif key == "related":
                for ref, mark in zip(value, marks, strict=True):
                    homes = [s for s in ("people", "incidents", "events", "questions") if ref in ids[s]]
                    if not homes:
                        every = set().union(*(ids[s] for s in ("people", "incidents", "events", "questions")))
                        missing(mark, f"related id '{ref}' names no person, incident, event or question{_close(ref, every)}")
                    elif len(homes) > 1:
                        missing(mark, f"related id '{ref}' is ambiguous: it names entries in {' and '.join(homes)}")


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


def _close(word: str, options: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


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

    The index runs this over the references it keeps per file, without parsing them again.
    """
    merge = _Merge()
    merge.problems.extend(extra)
    for file in files:
        merge.add_file(file)
    merge.check_references()
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
