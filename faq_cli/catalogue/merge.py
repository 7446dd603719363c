"""Find a catalogue's files, read and validate them, merge them, resolve references.

`load_catalogue` is the one entry point: layers (or paths) in, a `Catalogue`
out, or a `CatalogueError` carrying every problem in every file, sorted by
place. Layers are merged in order: within a layer an id is unique, and an
entry whose id a later layer also defines is replaced by the later one;
references, and the values a layer's `vocabulary:` allow, resolve across layers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faq_cli.catalogue import model as m
from faq_cli.catalogue.files import ENV_DATA as ENV_DATA  # re-exported: older callers import these from here
from faq_cli.catalogue.files import YAML_SUFFIXES as YAML_SUFFIXES
from faq_cli.catalogue.files import active_paths as active_paths
from faq_cli.catalogue.files import bundled_path as bundled_path
from faq_cli.catalogue.files import catalogue_files as catalogue_files
from faq_cli.catalogue.files import layer_files, shown
from faq_cli.catalogue.layers import Layer, as_layers
from faq_cli.catalogue.schema import SECTIONS as SECTION_SCHEMAS
from faq_cli.catalogue.validate import Walker, closest, is_broken, show, suggest
from faq_cli.catalogue.yamlfile import LocList, LocMap, Mark, SectionReader, parse_file
from faq_cli.errors import CatalogueError, Problem


@dataclass(slots=True)
class FileSections:
    """One file's validated sections, before merging."""

    path: str
    sections: dict[str, Any]
    problems: list[Problem]
    skipped: str | None = None  # why the file is not part of the catalogue (it holds none of its sections)
    layer: int = 0  # the number of the layer it belongs to


def read_file(path: Path) -> FileSections:
    """Parse and validate one file; its problems stay with it."""
    return read_file_as(path, None)


def read_file_as(path: Path, display: str | None) -> FileSections:
    """`read_file`, with problems placed at `display` (a draft checked as the file it is meant to become)."""
    parsed = parse_file(path, display or shown(path))
    if parsed.data is None:
        return FileSections(parsed.path, {}, parsed.problems)
    note = not_catalogue(parsed.data)
    if note is not None:
        return FileSections(parsed.path, {}, [], note)
    walker = Walker(parsed.path)
    sections = walker.file(parsed.data)
    return FileSections(parsed.path, sections, walker.problems)


def not_catalogue(data: LocMap) -> str | None:
    """Why a YAML mapping is not a catalogue file (a docker-compose.yml beside one), or None when it is one.

    A file is one as soon as a key is a section or looks like a misspelt one (`incidnets:`), so a
    typo is reported, never skipped."""
    keys = list(data)
    if not keys or any(_section_like(key) for key in keys):
        return None
    return _skip_note(keys)


def _section_like(key: str) -> bool:
    """Whether a top-level key is a section, or looks like a misspelt one."""
    return key in m.SECTIONS or bool(closest(key, m.SECTIONS))


def _skip_note(keys: Sequence[str]) -> str:
    listed = ", ".join(show(k, 30) for k in keys[:4]) + (", …" if len(keys) > 4 else "")
    return f"skipped: not a catalogue file (it holds none of the catalogue's sections; its keys: {listed})"


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
    wanted: dict[str, set[str]]  # per kind of reference (a key of _TARGETS, or choice:FIELD), every value used
    load: Callable[[], list[EntryRefs]]
    choices: dict[str, list[str]] = field(default_factory=dict)  # what its `vocabulary:` section lists
    skipped: str | None = None
    layer: int = 0


def file_refs(file: FileSections) -> FileRefs:
    """A validated file's problems, ids, references, choices used and listed, catalogue info and synonyms."""
    info: list[tuple[str, Any, Mark]] = []
    synonyms: list[tuple[str, ...]] = []
    choices: dict[str, list[str]] = {}
    entries: list[EntryRefs] = []
    for name, value in file.sections.items():
        if value is None:
            continue
        if name == "catalogue":
            info.extend(_info(value))
        elif name == "synonyms":
            synonyms.extend(_synonyms(value))
        elif name == "vocabulary":
            _add_choices(choices, value)
        else:
            entries.extend(entry_refs(name, entry) for entry in value if entry is not None)
    ids, wanted = _summarise(entries)
    return FileRefs(
        file.path,
        file.problems,
        info,
        synonyms,
        ids,
        wanted,
        lambda: entries,
        choices=choices,
        skipped=file.skipped,
        layer=file.layer,
    )


CHOICE = "choice:"  # the key under which an entry's value of a choice field is listed with its references
# How a choice field is named in a message: by its own key.
_CHOICE_LABEL = {"outcome": "outcome", "attribution": "status", "incident_kind": "kind", "event_kind": "kind", "role": "role"}


def _choice_uses(section: str, entry: LocMap) -> Iterator[tuple[str, list[str], list[Mark]]]:
    """The values an entry gives its choice fields, with their marks, as `choice:FIELD` reference lists."""
    found: dict[str, tuple[list[str], list[Mark]]] = {}

    def use(field_name: str, owner: object, key: str) -> None:
        if isinstance(owner, LocMap) and isinstance(owner.get(key), str):
            values, marks = found.setdefault(field_name, ([], []))
            values.append(str(owner[key]))
            marks.append(owner.value_marks[key])

    if section == "incidents":
        use("incident_kind", entry, "kind")
        people = entry.get("people")
        for person in people if isinstance(people, LocList) else ():
            use("role", person, "role")
            use("outcome", person, "outcome")
        use("attribution", entry.get("attribution"), "status")
    elif section == "events":
        use("event_kind", entry, "kind")
    for field_name, (values, marks) in found.items():
        yield CHOICE + field_name, values, marks


def _info(value: LocMap) -> list[tuple[str, Any, Mark]]:
    return [(key, item, value.key_marks[key]) for key, item in value.items()]


def _synonyms(value: list[Any]) -> list[tuple[str, ...]]:
    return [tuple(t.casefold() for t in group if t) for group in value if group]


def _add_choices(choices: dict[str, list[str]], value: LocMap) -> None:
    """Add what a `vocabulary:` section lists, per field."""
    for key, values in value.items():
        if isinstance(values, list):
            choices.setdefault(key, []).extend(v for v in values if isinstance(v, str))


def entry_refs(section: str, entry: LocMap) -> EntryRefs:
    """What the cross-file checks need of one validated entry: its id, and the ids and choice values it uses."""
    entry_id = entry.get("id")
    references = [*_reference_lists(entry), *_choice_uses(section, entry)]
    if not isinstance(entry_id, str):
        return EntryRefs(section, None, entry.mark, is_broken(entry), references)
    return EntryRefs(section, entry_id, entry.value_marks["id"], is_broken(entry), references)


class EntryReader:
    """One file read entry by entry, for the index: never the whole file at once, whatever its size.

    Iterating gives each entry's references (`EntryRefs`) in file order, with its model object (carrying the
    name of its layer, `layer`) while the file has shown no problem (a file with a problem is never served, so
    building more would be waste). Afterwards `problems`, `info`, `synonyms`, `choices` and `skipped` are what
    `read_file` and `file_refs` give; when the file cannot be read or parsed, `failed` is set and what was read
    of it counts for nothing, as in `read_file`. A file none of whose keys is (or looks like) a section is not
    a catalogue file: it yields nothing, has no problems, and `skipped` says why.
    """

    def __init__(self, path: Path, display: str | None = None, layer: str = "") -> None:
        self.reader = SectionReader(path, display or shown(path), whole=("catalogue", "synonyms", "vocabulary"))
        self.walker = Walker(self.reader.name)
        self.layer = layer
        self.info: list[tuple[str, Any, Mark]] = []
        self.synonyms: list[tuple[str, ...]] = []
        self.choices: dict[str, list[str]] = {}
        self.skipped: str | None = None

    @property
    def failed(self) -> bool:
        return self.reader.problem is not None

    @property
    def problems(self) -> list[Problem]:
        if self.reader.problem is not None:
            return [self.reader.problem]
        return [] if self.skipped is not None else self.walker.problems

    @property
    def digest(self) -> str | None:
        """The content hash of the bytes that were read."""
        return self.reader.digest

    def __iter__(self) -> Iterator[tuple[EntryRefs, m.Entry | None]]:
        walker = self.walker
        keys: list[str] = []
        unknown: list[tuple[str, Mark]] = []  # keys unlike any section, reported once the file is known to be one
        catalogue_file = False
        for piece in self.reader:
            if piece.kind != "item":
                keys.append(piece.key)
                if not catalogue_file and _section_like(piece.key):
                    catalogue_file = True
                    for key, mark in unknown:
                        walker.known(key, mark)
                if not catalogue_file:
                    unknown.append((piece.key, piece.key_mark))
                    continue
                if not walker.known(piece.key, piece.key_mark):
                    continue  # an unknown section, reported once; its items are skipped below
            if piece.kind == "list" or piece.key not in SECTION_SCHEMAS:
                continue
            if piece.key not in _ENTRY_TYPES:
                if piece.kind == "value":  # the catalogue's info, vocabulary and synonyms, small
                    value = walker.check(piece.value, SECTION_SCHEMAS[piece.key], piece.mark, piece.key)
                    if value is None:
                        continue
                    if piece.key == "catalogue":
                        self.info.extend(_info(value))
                    elif piece.key == "vocabulary":
                        _add_choices(self.choices, value)
                    else:
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
                    yield refs, build_entry(piece.key, entry, self.layer) if sound else None
        if self.reader.problem is None and keys and not catalogue_file:
            self.skipped = _skip_note(keys)


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
    """The kind (a key of _TARGETS, or choice:FIELD) of the references listed under `key` in an entry of `section`;
    None if unchecked."""
    if key in ("sources", "related") or key.startswith(CHOICE):
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
    """The cross-file checks over every file, in file order: catalogue info, duplicate ids, references, choices.

    Sets decide which files have a problem; only those files' entries are looked at one by
    one, in the order that places each problem, so a sound catalogue costs a few set operations.
    An id repeated within a layer is a problem; in a later layer it replaces the earlier entry.
    """

    files: list[FileRefs]
    problems: list[Problem]
    layers: list[tuple[str, str]]  # name and path of each layer, in order
    notes: list[Problem] = field(default_factory=list)
    infos: dict[int, dict[str, Any]] = field(default_factory=dict)  # per layer, its `catalogue:` header
    info_marks: dict[tuple[int, str], tuple[str, Mark]] = field(default_factory=dict)
    synonyms: list[tuple[str, ...]] = field(default_factory=list)
    declared: dict[int, dict[str, list[str]]] = field(default_factory=dict)  # per layer, its `vocabulary:`
    allowed: list[dict[str, tuple[str, ...] | None]] = field(default_factory=list)
    # per section, every id of every layer (what a reference may name)
    known: dict[str, set[str]] = field(default_factory=lambda: {s: set() for s in m.ENTRY_SECTIONS})
    # per layer and section, every id and the number of the file it first appears in
    first: dict[int, dict[str, dict[str, int]]] = field(default_factory=dict)
    repeating: set[int] = field(default_factory=set)  # files holding an id seen before in their layer
    entries: dict[int, list[EntryRefs]] = field(default_factory=dict)  # the files loaded so far
    first_marks: dict[int, dict[tuple[str, str], Mark]] = field(default_factory=dict)
    close_options: dict[str, list[str]] = field(default_factory=dict)

    def check(self) -> None:
        # Problems are listed in the order they are found; sorted by place (a stable sort) they keep,
        # at any one place, a file's own problems before its repeated ids and then its references.
        read: set[int] = set()
        for n, file in enumerate(self.files):
            if file.skipped is not None:
                self.notes.append(Problem(file.path, 0, 0, file.skipped))
                continue
            read.add(file.layer)
            self.problems.extend(file.problems)
            self._add_info(file.layer, file.path, file.info)
            self.synonyms.extend(file.synonyms)
            for key, values in file.choices.items():
                self.declared.setdefault(file.layer, {}).setdefault(key, []).extend(values)
            self._add_ids(n, file.ids)
        self.allowed = m.allowed_choices([self.declared.get(n, {}) for n in range(len(self.layers))])
        self._unread(read)
        for n, file in enumerate(self.files):
            if file.skipped is not None:
                continue
            if n in self.repeating or not all(self._resolved(kind, refs, file.layer) for kind, refs in file.wanted.items()):
                self._check_file(n, file)

    def _unread(self, read: set[int]) -> None:
        """A layer whose every YAML file was skipped holds no catalogue: say so, rather than serve nothing."""
        skipped = {f.layer for f in self.files if f.skipped is not None}
        for n in sorted(skipped - read):
            files = [f for f in self.files if f.layer == n]
            path = self.layers[n][1] if n < len(self.layers) and self.layers[n][1] else files[0].path
            if len(files) == 1 and files[0].path == path:  # a layer of one file: that file is not a catalogue
                self.notes = [note for note in self.notes if note.path != path]
                reason = str(files[0].skipped).removeprefix("skipped: not a catalogue file ")
                self.problems.append(Problem(path, 0, 0, f"not a catalogue file {reason}"))
                continue
            self.problems.append(Problem(path, 0, 0, "no catalogue files: no YAML file here holds a catalogue section"))

    def _add_info(self, layer: int, path: str, info: list[tuple[str, Any, Mark]]) -> None:
        header = self.infos.setdefault(layer, {})
        for key, value, key_mark in info:
            if (layer, key) in self.info_marks:
                where, mark = self.info_marks[(layer, key)]
                self.problems.append(Problem(path, *key_mark, f"catalogue {key} is given twice (first at {where}:{mark[0]})"))
                continue
            header[key] = value
            self.info_marks[(layer, key)] = (path, key_mark)

    def _add_ids(self, n: int, ids: dict[str, list[str]]) -> None:
        """Note the file each id first appears in within its layer, and whether file `n` repeats one there."""
        own = self.first.setdefault(self.files[n].layer, {s: {} for s in m.ENTRY_SECTIONS})
        for section, items in ids.items():
            first = own[section]
            new = dict.fromkeys(items, n)
            if len(new) < len(items) or not first.keys().isdisjoint(new):
                self.repeating.add(n)
                for entry_id in items:
                    first.setdefault(entry_id, n)
            else:
                first.update(new)
            self.known[section].update(new)

    def _resolved(self, kind: str, refs: set[str], layer: int) -> bool:
        """Whether each of `refs` names an entry in exactly one of the sections its kind allows (or, for a
        choice field, is a value the layer allows)."""
        if kind.startswith(CHOICE):
            allowed = self.allowed[layer].get(kind.removeprefix(CHOICE)) if layer < len(self.allowed) else None
            return allowed is None or refs <= set(allowed)
        known = [self.known[s] for s in _TARGETS[kind]]
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
        first = self.first.get(file.layer, {})
        kept = []
        for entry in self._entries(n):
            if entry.id is not None:
                key = (entry.section, entry.id)
                if key in here or first[entry.section][entry.id] < n:
                    where, mark = (file.path, here[key]) if key in here else self._first_place(file.layer, key)
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
                    self._check_entry(file.path, entry, file.layer)
        for entry in kept:  # their sound fields still count
            if entry.broken:
                self._check_entry(file.path, entry, file.layer)

    def _first_place(self, layer: int, key: tuple[str, str]) -> tuple[str, Mark]:
        """The file and mark of the first entry of this layer with this section and id."""
        n = self.first[layer][key[0]][key[1]]
        if n not in self.first_marks:
            marks: dict[tuple[str, str], Mark] = {}
            for entry in self._entries(n):
                if entry.id is not None:
                    marks.setdefault((entry.section, entry.id), entry.mark)
            self.first_marks[n] = marks
        return self.files[n].path, self.first_marks[n][key]

    def _check_entry(self, path: str, entry: EntryRefs, layer: int) -> None:
        """Every source, person and related id must name an entry that exists, in one section only; every
        choice field must hold a value the layer allows."""
        for key, values, marks in entry.references:
            kind = _reference_kind(entry.section, key)
            if kind is None:
                continue
            if kind.startswith(CHOICE):
                self._check_choice(path, kind.removeprefix(CHOICE), values, marks, layer)
                continue
            for ref, mark in zip(values, marks, strict=True):
                homes = [s for s in _TARGETS[kind] if ref in self.known[s]]
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

    def _check_choice(self, path: str, name: str, values: list[str], marks: list[Mark], layer: int) -> None:
        allowed = self.allowed[layer].get(name) if layer < len(self.allowed) else None
        if allowed is None:
            return
        for value, mark in zip(values, marks, strict=True):
            if value not in allowed:
                self.problems.append(Problem(path, *mark, choice_message(name, value, allowed)))

    def _close(self, word: str, kind: str) -> str:
        import difflib

        if kind not in self.close_options:
            self.close_options[kind] = sorted(set().union(*(self.known[s] for s in _TARGETS[kind])))
        close = difflib.get_close_matches(word, self.close_options[kind], n=1, cutoff=0.7)
        return f" (did you mean '{close[0]}'?)" if close else ""

    def catalogue(self) -> m.Catalogue:
        """The merged catalogue's facts (its sections left empty): the top layer's header, every synonym, the layers."""
        layers = []
        for n, (name, _) in enumerate(self.layers):
            header = self.infos.get(n, {})
            choices = {key: tuple(dict.fromkeys(values)) for key, values in self.declared.get(n, {}).items()}
            layers.append(m.CatalogueLayer(name, m.CatalogueInfo(**header), choices, bool(header)))
        headed = [layer for layer in layers if layer.header]
        top = headed[-1].info if headed else m.CatalogueInfo()
        return m.Catalogue(info=top, synonyms=tuple(self.synonyms), layers=tuple(layers))


def choice_message(name: str, value: str, allowed: Sequence[str]) -> str:
    """What is wrong with a value a choice field does not allow, and how a catalogue allows it."""
    label = _CHOICE_LABEL.get(name, name)
    how = (
        f"add it under vocabulary: {name} to allow it"
        if m.CHOICE_DEFAULTS.get(name) is not None
        else f"the values listed under vocabulary: {name}"
    )
    return f"'{label}' must be one of {', '.join(allowed)}, not '{show(value)}'{suggest(value, allowed)} ({how})"


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


def _build(cls: type, data: dict[str, Any], layer: str | None = None) -> Any:
    """Turn validated fields into a model object: lists become tuples, mappings their type; an entry
    carries the name of its layer."""
    kwargs: dict[str, Any] = {} if layer is None else {"catalogue": layer}
    for key, value in data.items():
        nested = m.Involvement if (cls is m.Incident and key == "people") else _NESTED.get(key)
        if isinstance(value, list):
            kwargs[key] = tuple(_build(nested, v) if isinstance(v, dict) and nested else v for v in value)
        elif isinstance(value, dict) and nested:
            kwargs[key] = _build(nested, value)
        else:
            kwargs[key] = value
    return cls(**kwargs)


def build_entry(section: str, fields: dict[str, Any], layer: str = "") -> m.Entry:
    """One validated entry of `section` as its model object (the index builds entries file by file)."""
    entry: m.Entry = _build(_ENTRY_TYPES[section], fields, layer)
    return entry


@dataclass(slots=True)
class Merged:
    """What the cross-file checks make of a catalogue's files: its facts, its problems, the files it skipped."""

    catalogue: m.Catalogue
    problems: list[Problem]
    notes: list[Problem]


def merge(files: Iterable[FileRefs], layers: Sequence[tuple[str, str]] = (), extra: Iterable[Problem] = ()) -> Merged:
    """The cross-file checks alone, over files tagged with their layer's number (`layers`: name and path of each).

    The index runs this over what it keeps per file, without parsing them again, and reads
    a file's entries only when the file has a problem to place.
    """
    files = list(files)
    names = list(layers) or [("", "")] * (max((f.layer for f in files), default=0) + 1)
    run = _Merge(files, list(extra), names)
    run.check()
    problems = sorted(run.problems, key=lambda p: (p.path, p.line, p.column))
    return Merged(run.catalogue(), problems, run.notes)


def merge_files(files: Iterable[FileRefs], extra: Iterable[Problem] = (), layers: Sequence[tuple[str, str]] = ()) -> m.Catalogue:
    """The cross-file checks: the catalogue's facts with empty sections, or raise with every problem."""
    merged = merge(files, layers, extra)
    if merged.problems:
        raise CatalogueError(merged.problems)
    return merged.catalogue


def build_catalogue(
    files: Iterable[FileSections], extra: Iterable[Problem] = (), layers: Sequence[tuple[str, str]] = ()
) -> m.Catalogue:
    """Merge validated files into one catalogue, or raise with every problem found."""
    files = list(files)
    catalogue = merge_files((file_refs(f) for f in files), extra, layers)
    names = [name for name, _ in layers] or [""]
    # No problem anywhere: every entry is sound and its id unique in its layer, so all of them are built, in file
    # order; a later layer's entry takes the place of the one it replaces.
    for section, cls in _ENTRY_TYPES.items():
        target: dict[str, Any] = getattr(catalogue, section)
        for file in files:
            for entry in file.sections.get(section) or ():
                target[str(entry["id"])] = _build(cls, entry, names[file.layer])
    return catalogue


def load_catalogue(paths: Sequence[str | Layer]) -> m.Catalogue:
    """Read every file of every layer (a plain path is a layer of its own) and return the merged catalogue."""
    layers = as_layers(paths)
    files, problems = layer_files(layers)
    sections = []
    for path, n in files:
        read = read_file(path)
        read.layer = n
        sections.append(read)
    return build_catalogue(sections, problems, [(layer.name, shown(layer.path)) for layer in layers])
