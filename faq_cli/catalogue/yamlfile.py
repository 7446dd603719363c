"""Read one catalogue file as untrusted YAML into plain values that remember their lines.

Only the event stream of the YAML parser is used: no constructor runs, so no
tag can build an object, and every scalar stays the text that was written
(`NO`, `on`, `1.10`, `12:30`, `2025-12-22` are strings until the model parses
them). Composition is iterative and bounded: nesting depth, alias expansion,
scalar length and file size all have limits, so hostile input fails fast.
`SectionReader` composes a file a section at a time, and a list section an
item at a time, so that a large file is never held whole (composed, YAML takes
some twenty times the size of its text).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml import events as ev

from faq_cli.errors import Problem

MAX_FILE_BYTES = 128 * 1024 * 1024
MAX_DEPTH = 64
MAX_SCALAR_CHARS = 200_000
MAX_ALIAS_EXPANSION = 10_000
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_CORE_TAG = "tag:yaml.org,2002:"

try:  # libyaml is several times faster; the pure-Python parser gives the same events.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


Mark = tuple[int, int]  # 1-based line, column


class LocMap(dict[str, object]):
    """A mapping that remembers where it, each key and each value stand."""

    __slots__ = ("key_marks", "mark", "value_marks")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class LocList(list[object]):
    """A sequence that remembers where it and each item stand."""

    __slots__ = ("item_marks", "mark")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []


class Piece(NamedTuple):
    """One step of `SectionReader`: a whole section ("value"), the start of a list section ("list"), or one of its items."""

    kind: str
    key: str  # the section
    key_mark: Mark
    value: object  # the section's value, the item, or None for "list"
    mark: Mark  # where the value or the item starts


@dataclass(frozen=True, slots=True)
class ParsedFile:
    path: str
    data: LocMap | None
    problems: list[Problem]


def _mark(m: Any) -> Mark:
    return (m.line + 1, m.column + 1) if m is not None else (0, 0)


class _Fail(Exception):
    def __init__(self, mark: Mark, message: str) -> None:
        self.mark, self.message = mark, message


def read_text(path: Path) -> str:
    """Read a file as strict UTF-8 (a BOM is allowed); raise _Fail with a location."""
    return _decoded(_read_bytes(path))


def content_digest(raw: bytes) -> str:
    """The hash by which the index knows a file's content (the same as it computes from the file itself)."""
    return blake2b(raw, digest_size=16).hexdigest()


def _read_bytes(path: Path) -> bytes:
    """A regular file's bytes, within the size limit; raise _Fail with a location."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _Fail((0, 0), "no such file or directory") from None
    except OSError as exc:
        raise _Fail((0, 0), f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise _Fail((0, 0), "is a directory, expected a YAML file")
    if not stat.S_ISREG(st.st_mode):
        raise _Fail((0, 0), "not a regular file (a FIFO, device or socket is not read)")
    if st.st_size > MAX_FILE_BYTES:
        raise _Fail((0, 0), f"file too large ({st.st_size} bytes; the limit is {MAX_FILE_BYTES})")
    try:
        # O_NONBLOCK: a path swapped for a FIFO after the stat must not hang the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _Fail((0, 0), f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _Fail((0, 0), f"file too large (the limit is {MAX_FILE_BYTES} bytes)")
    return raw


def _decoded(raw: bytes) -> str:
    """The text of a file's bytes: strict UTF-8, a BOM allowed; raise _Fail with a location."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        raise _Fail((1, 1), "file is UTF-32; catalogue files must be UTF-8")
    elif raw[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(raw):
        raise _Fail((1, 1), "file is UTF-16; catalogue files must be UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _Fail((line, col), f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from None


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with a NUL byte beside every character."""
    head = raw[:64]
    return len(head) >= 4 and (head[0::2].count(0) == len(head[0::2]) or head[1::2].count(0) == len(head[1::2]))


class _Composer:
    """Turns the parser's events into LocMap/LocList/str/None, enforcing the bounds."""

    def __init__(self, text: str) -> None:
        self.parser = _Parser(text)
        self.anchors: dict[str, tuple[object, int]] = {}
        self.expanded = 0
        self.root_mark: Mark = (1, 1)

    def next(self) -> ev.Event:
        event = self.parser.get_event()
        assert event is not None  # the parser raises at the end of the stream
        return event

    def document(self) -> LocMap:
        """The whole file as one mapping of sections."""
        root = LocMap((1, 1))
        for piece in self.pieces(streamed=False):
            root.key_marks[piece.key] = piece.key_mark
            root.value_marks[piece.key] = piece.mark
            root[piece.key] = piece.value
        root.mark = self.root_mark
        return root

    def pieces(self, streamed: bool, whole: Collection[str] = ()) -> Iterator[Piece]:
        """The top-level mapping a section at a time. With `streamed`, a section whose value is a list (and not named
        in `whole`) comes as a "list" piece, then an "item" piece per item, each composed when it is reached; any
        other comes whole, as a "value" piece."""
        start = self.next()
        assert isinstance(start, ev.StreamStartEvent)
        first = self.next()
        if isinstance(first, ev.StreamEndEvent):
            raise _Fail((1, 1), "file is empty; a catalogue file is a mapping of sections")
        root_event = self.next()
        if not isinstance(root_event, ev.MappingStartEvent):
            self._not_a_mapping(root_event)
        self._refuse_tag(root_event)
        self.root_mark = _mark(root_event.start_mark)
        seen: dict[str, Mark] = {}
        while not isinstance(event := self.next(), ev.MappingEndEvent):
            key, _ = self.node(event, depth=1)
            mark = _mark(event.start_mark)
            if not isinstance(key, str):
                raise _Fail(mark, f"a key must be text, not {'empty' if key is None else 'a list or mapping'}")
            if key in seen:
                raise _Fail(mark, f"duplicate key '{key[:60]}' (first at line {seen[key][0]})")
            seen[key] = mark
            value_event = self.next()
            value_mark = _mark(value_event.start_mark)
            listed = isinstance(value_event, ev.SequenceStartEvent) and not value_event.anchor  # an anchor: kept whole
            if streamed and listed and key not in whole:
                self._refuse_tag(value_event)
                yield Piece("list", key, mark, None, value_mark)
                while not isinstance(item_event := self.next(), ev.SequenceEndEvent):
                    item, _ = self.node(item_event, depth=2)
                    yield Piece("item", key, mark, item, _mark(item_event.start_mark))
            else:
                value, _ = self.node(value_event, depth=1)
                yield Piece("value", key, mark, value, value_mark)
        self._end()

    def _end(self) -> None:
        self.next()  # DocumentEndEvent
        after = self.next()
        if not isinstance(after, ev.StreamEndEvent):
            raise _Fail(_mark(after.start_mark), "a second YAML document; a catalogue file holds one document")

    def _not_a_mapping(self, root_event: ev.Event) -> None:
        """Raise the problem of a file whose top level is not a mapping."""
        root, _ = self.node(root_event)
        self._end()
        if root is None and isinstance(root_event, ev.ScalarEvent):
            raise _Fail((1, 1), "file is empty; a catalogue file is a mapping of sections")
        kind = "a list" if isinstance(root, LocList) else "a single value"
        raise _Fail(_mark(root_event.start_mark), f"the top level is {kind}; expected a mapping of sections such as 'questions:'")

    def node(self, event: ev.Event, depth: int = 0) -> tuple[object, int]:
        """Compose the node that starts with `event`; return it and its size in nodes."""
        if isinstance(event, ev.AliasEvent):
            anchor = event.anchor or ""
            if anchor not in self.anchors:
                raise _Fail(_mark(event.start_mark), f"alias *{anchor[:40]} refers to no anchor defined before it (or to itself)")
            value, size = self.anchors[anchor]
            self.expanded += size
            if self.expanded > MAX_ALIAS_EXPANSION:
                raise _Fail(_mark(event.start_mark), f"aliases expand to more than {MAX_ALIAS_EXPANSION} nodes (an alias bomb?)")
            # A copy, not the anchored object: validation converts values in place, and each use of an
            # alias is checked (and its problems reported) where the alias stands.
            return _relocated(value, _mark(event.start_mark)), size
        self._refuse_tag(event)
        if isinstance(event, ev.ScalarEvent):
            value = event.value
            if len(value) > MAX_SCALAR_CHARS:
                raise _Fail(_mark(event.start_mark), f"value too long ({len(value)} characters; the limit is {MAX_SCALAR_CHARS})")
            result: object = None if not event.style and value in _NULLS else value  # plain style: None or ''
            return self._anchor(event, result, 1)
        return self._collection(event, depth)

    def _collection(self, first: ev.Event, depth: int = 0) -> tuple[object, int]:
        # An explicit stack instead of recursion: depth is checked, never the C stack.
        stack: list[tuple[ev.Event, LocMap | LocList, int, object]] = []
        event: ev.Event = first
        pending_key: object = _NO_KEY
        while True:
            if isinstance(event, ev.MappingStartEvent | ev.SequenceStartEvent):
                if depth + len(stack) >= MAX_DEPTH:
                    raise _Fail(_mark(event.start_mark), f"nesting deeper than {MAX_DEPTH} levels")
                self._refuse_tag(event)
                container: LocMap | LocList = (
                    LocMap(_mark(event.start_mark))
                    if isinstance(event, ev.MappingStartEvent)
                    else LocList(_mark(event.start_mark))
                )
                stack.append((event, container, 1, pending_key))
                pending_key = _NO_KEY
                event = self.next()
                continue
            start, container, size, outer_key = stack[-1]
            if isinstance(event, ev.MappingEndEvent | ev.SequenceEndEvent):
                stack.pop()
                value, size = self._anchor(start, container, size)
                if not stack:
                    return value, size
                event, pending_key = self._place(stack, outer_key, value, size, start)
                continue
            value, vsize = self.node(event)
            event, pending_key = self._place(stack, pending_key, value, vsize, event)

    def _place(
        self, stack: list[tuple[ev.Event, LocMap | LocList, int, object]], key: object, value: object, size: int, event: ev.Event
    ) -> tuple[ev.Event, object]:
        """Put a finished value into the innermost container; return the next event and pending key."""
        start, container, csize, outer = stack[-1]
        stack[-1] = (start, container, csize + size, outer)
        mark = _mark(event.start_mark)
        if isinstance(container, LocList):
            container.append(value)
            container.item_marks.append(mark)
            return self.next(), _NO_KEY
        if key is _NO_KEY:  # this value is a key
            if not isinstance(value, str):
                what = "empty" if value is None else "a list or mapping"
                raise _Fail(mark, f"a key must be text, not {what}")
            if value in container:
                first = container.key_marks[value]
                raise _Fail(mark, f"duplicate key '{value[:60]}' (first at line {first[0]})")
            container.key_marks[value] = mark
            return self.next(), value
        assert isinstance(key, str)
        container[key] = value
        container.value_marks[key] = mark
        return self.next(), _NO_KEY

    def _anchor(self, event: ev.Event, value: object, size: int) -> tuple[object, int]:
        anchor = getattr(event, "anchor", None)
        if anchor:
            # A copy: validation converts values in place, and the value may be validated (an item read
            # entry by entry) before an alias to it is reached.
            self.anchors[anchor] = (_relocated(value, (0, 0)) if isinstance(value, LocMap | LocList) else value, size)
        return value, size

    @staticmethod
    def _refuse_tag(event: ev.Event) -> None:
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = tag is not None and not (implicit is True or (isinstance(implicit, tuple) and implicit[0]))
        if explicit or (tag is not None and tag.startswith("!") and tag != "!"):
            shown = "!!" + tag.removeprefix(_CORE_TAG) if tag and tag.startswith(_CORE_TAG) else str(tag)
            raise _Fail(_mark(event.start_mark), f"YAML tag {_clean(shown)[:60]} is not allowed; write plain values")


_NO_KEY = object()


def _relocated(value: object, mark: Mark) -> object:
    """A deep copy of a composed value with every mark set to `mark` (depth is bounded by MAX_DEPTH)."""
    if isinstance(value, LocMap):
        copy = LocMap(mark)
        for key, item in value.items():
            copy[key] = _relocated(item, mark)
        copy.key_marks = dict.fromkeys(value.key_marks, mark)
        copy.value_marks = dict.fromkeys(value.value_marks, mark)
        return copy
    if isinstance(value, LocList):
        items = LocList(mark)
        items.extend(_relocated(item, mark) for item in value)
        items.item_marks = [mark] * len(value)
        return items
    return value


def parse_file(path: Path, display: str | None = None) -> ParsedFile:
    """Read and compose one file; never raises for anything the file contains."""
    name = display or str(path)
    text = ""
    try:
        text = read_text(path)
        return ParsedFile(name, _Composer(text).document(), [])
    except (_Fail, yaml.YAMLError, RecursionError) as exc:
        return ParsedFile(name, None, [_problem(name, text, exc)])


class SectionReader:
    """One file's sections as `Piece`s, each list section an item at a time unless it is named in `whole` (see
    `_Composer.pieces`). Iterating never raises for anything the file contains: it stops, and `problem` says why.
    `digest` is the content hash of the bytes that were parsed."""

    def __init__(self, path: Path, display: str | None = None, whole: Collection[str] = ()) -> None:
        self.path = path
        self.name = display or str(path)
        self.whole = whole
        self.problem: Problem | None = None
        self.digest: str | None = None

    def __iter__(self) -> Iterator[Piece]:
        text = ""
        try:
            raw = _read_bytes(self.path)
            self.digest = content_digest(raw)
            text = _decoded(raw)
            del raw
            yield from _Composer(text).pieces(streamed=True, whole=self.whole)
        except (_Fail, yaml.YAMLError, RecursionError) as exc:
            self.problem = _problem(self.name, text, exc)


def _problem(name: str, text: str, exc: Exception) -> Problem:
    """What reading or composing a file raised, as a located problem."""
    if isinstance(exc, _Fail):
        return Problem(name, *exc.mark, exc.message)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        if mark is not None and _char_at(text, mark) == "\t":
            what = "a tab character; YAML indents with spaces"
        elif exc.context:
            what = f"{what} ({exc.context})"
        return Problem(name, *_mark(mark), f"invalid YAML: {_clean(what)}")
    if isinstance(exc, yaml.YAMLError):  # e.g. a reader error on a control character
        line, col = _mark(getattr(exc, "problem_mark", None))
        if hasattr(exc, "position") and hasattr(exc, "character"):
            line, col = _position(text, exc.position)
            char = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
            what = f"control character 0x{char:02x} is not allowed in YAML"
        else:
            what = _clean(str(exc))
        return Problem(name, line, col, f"invalid YAML: {what}")
    return Problem(name, 0, 0, "nesting too deep")  # RecursionError: depth is bounded before this can happen


def _char_at(text: str, mark: Any) -> str:
    lines = text.splitlines()
    line: int = mark.line
    column: int = mark.column
    if line < len(lines) and column < len(lines[line]):
        return lines[line][column]
    return ""


def _position(text: str, index: int) -> Mark:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _clean(message: str) -> str:
    """One line, no control characters: parser messages quote the offending input."""
    flat = " ".join(message.split())
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in flat)[:200]
