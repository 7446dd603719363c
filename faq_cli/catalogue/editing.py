"""`faq new` and `faq edit`: an entry written or changed in the user's editor, checked on save, never lost.

The pieces, each without a terminal: the editor's command line (`+LINE` for vi,
nano and emacs, `-g FILE:LINE` for VS Code), the commented template of each
kind of entry, the file an entry goes to and the place in it, the text that
inserts it there leaving every other byte as it was, and the round of
editing: open the editor, check what was saved, and on a problem open it
again with the problems as comments at the top (as `crontab -e` and
`kubectl edit` do). Saving without a change gives up; the draft is then
kept in a file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from faq_cli.catalogue.files import YAML_SUFFIXES, catalogue_files
from faq_cli.catalogue.layers import Layer, drafts_dir, replace_file
from faq_cli.catalogue.yamlfile import LocList, LocMap, parse_file
from faq_cli.errors import FaqError, Problem

KINDS = {"question": "questions", "person": "people", "incident": "incidents", "event": "events", "source": "sources"}
BLOCK = "# faq: "  # the lines this tool puts at the top of a draft: taken out again before it is read
ENV_EDITORS = ("VISUAL", "EDITOR")
# Editors that open a file at a line given as `+LINE FILE`, and those that take `-g FILE:LINE` or `FILE:LINE`.
_PLUS_LINE = {
    "vi",
    "vim",
    "nvim",
    "gvim",
    "mvim",
    "view",
    "nano",
    "pico",
    "emacs",
    "emacsclient",
    "micro",
    "kak",
    "joe",
    "mg",
    "ne",
}
_GOTO_FLAG = {"code", "code-insiders", "codium", "vscodium", "cursor", "windsurf"}
_COLON_LINE = {"subl", "sublime_text", "hx", "helix", "zed", "mate"}


class EditError(FaqError):
    """An entry cannot be written or edited; the message says why, in one line."""


# ---- the editor ----------------------------------------------------------------------------------------


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """`$VISUAL`, else `$EDITOR` (either may carry options: `code --wait`), else vi, as git chooses."""
    env = environ if environ is not None else os.environ
    for name in ENV_EDITORS:
        value = env.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                raise EditError(f"${name} cannot be read as a command: {value[:80]}") from None
            if words:
                return words
    if shutil.which("vi"):
        return ["vi"]
    raise EditError("no editor: set $VISUAL or $EDITOR (for example: export EDITOR=nano)")


def editor_argv(command: Sequence[str], path: str, line: int) -> list[str]:
    """The command line that opens `path` at `line` in this editor (at the top when the editor is not known)."""
    name = Path(command[0]).name.lower().removesuffix(".exe")
    if line > 1 and name in _PLUS_LINE:
        return [*command, f"+{line}", path]
    if line > 1 and name in _GOTO_FLAG:
        return [*command, "-g", f"{path}:{line}"]
    if line > 1 and name in _COLON_LINE:
        return [*command, f"{path}:{line}"]
    return [*command, path]


def run_editor(command: Sequence[str], path: Path, line: int) -> bool:
    """Open the editor and wait for it; whether it ended well. Ctrl-C belongs to the editor meanwhile (as git does)."""
    argv = editor_argv(command, str(path), line)
    try:
        process = subprocess.Popen(argv)
    except FileNotFoundError:
        raise EditError(f"cannot start the editor '{command[0]}': not found (set $VISUAL or $EDITOR)") from None
    except OSError as exc:
        raise EditError(f"cannot start the editor '{command[0]}': {exc.strerror or exc}") from None
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return process.wait() == 0
    except BaseException:  # faq itself is being stopped (see `stop_on_signals`): the editor goes with it
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
        raise
    finally:
        signal.signal(signal.SIGINT, previous)


class Stopped(BaseException):
    """faq was told to stop (SIGTERM, or SIGHUP when its terminal closed) while an entry was being edited."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While editing, SIGTERM and SIGHUP raise `Stopped`, so the caller can keep the draft and restore the file."""
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]

    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# ---- drafts --------------------------------------------------------------------------------------------


def new_draft(kind: str, text: str, environ: Mapping[str, str] | None = None) -> Path:
    """A new file in the drafts folder holding `text`, readable by its owner only."""
    folder = drafts_dir(environ)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise EditError(f"cannot create {folder} for the draft: {exc.strerror or exc}") from None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        path = folder / (f"{kind}-{stamp}.yaml" if n == 1 else f"{kind}-{stamp}-{n}.yaml")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise EditError(f"cannot write the draft {path}: {exc.strerror or exc}") from None
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return path
    raise EditError(f"cannot name a new draft in {folder}")


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except OSError as exc:
        raise EditError(f"cannot read {path}: {exc.strerror or exc}") from None


def write_text(path: Path, text: str) -> None:
    write_file(path, text.encode("utf-8", "surrogateescape"))


def write_file(path: Path, data: bytes) -> None:
    """Write a file in place of the old one (atomically: a reader sees the old text or the new), keeping its mode."""
    try:
        mode = os.stat(path).st_mode & 0o7777 if path.exists() else None
        replace_file(path, data, mode)
    except OSError as exc:
        raise EditError(f"cannot write {path}: {exc.strerror or exc}") from None


# ---- templates -----------------------------------------------------------------------------------------

# One template per kind: the required fields first (empty: saving it untouched adds nothing), then the
# optional ones commented out. A comment line of the template is left out of the entry when it is added.
_TEMPLATES = {
    "question": """\
  - id: {id}
    # The question, as a reader asks it:
    question:
    # The answer in Markdown, in your own words: on the line, or below `answer: |`, indented:
    answer:
    # Other ways to ask it, so that search finds it:
    # also: [another way to ask it]
    # tags: [a-tag]
    # Ids of the people, incidents, events or questions it speaks of:
    # related: [an-id]
    # Ids of the sources it rests on:
    # sources: [a-source-id]
    # confirmed (the default), reported or unverified:
    # verification: reported
""",
    "person": """\
  - id: {id}
    # The name as it is usually written:
    name:
    # native_name: the name in its own script
    # aliases: [other spellings, transliterations, short names]
    # born: 1961
    # birthplace: where
    # summary: |
    #   Who they are, in Markdown.
    # positions:
    #   - title: the post
    #     organisation: where it is held
    #     start: 2011
    # status:
    #   state: in office
    #   as_of: {today}
    # sources: [a-source-id]
    # tags: [a-tag]
""",
    "incident": """\
  - id: {id}
    # When: 2025, 2025-12 or 2025-12-22
    date:
    title:
    # What sort of incident it was{kinds}:
    kind:
    place:
    # Ids of the sources it rests on:
    sources: []
    # people:
    #   - person: a-person-id
    #     role: what part they had{roles}
    #     outcome: {outcomes}
    # casualties:
    #   killed: 0
    #   wounded: 0
    # attribution:
    #   status: {attributions}
    #   by: who
    # summary: |
    #   What happened, in Markdown.
    # confirmed (the default), reported or unverified:
    # verification: reported
    # tags: [a-tag]
""",
    "event": """\
  - id: {id}
    # When: 2025, 2025-12 or 2025-12-22
    date:
    title:
    # Ids of the sources it rests on:
    sources: []
    # end: the last day, for an event that lasted
    # kind: what sort of event it was{event_kinds}
    # people: [a-person-id]
    # summary: |
    #   What happened, in Markdown.
    # verification: reported
    # tags: [a-tag]
""",
    "source": """\
  - id: {id}
    title:
    publisher:
    # When it was published: 2025, 2025-12 or 2025-12-22
    date:
    # url: https://example.org/the-page
    # kind: article, wire, official…
""",
}


def template(kind: str, entry_id: str, where: str, choices: Mapping[str, Sequence[str] | None], today: dt.date) -> str:
    """The draft `faq new KIND` opens: what it is for, then the section and one entry to fill in."""
    section = KINDS[kind]

    def listed(name: str, lead: str) -> str:
        values = choices.get(name)
        return f"{lead}{', '.join(_comment_safe(v) for v in values)}" if values else ""

    body = _TEMPLATES[kind].format(
        id=entry_id,
        today=today.isoformat(),
        kinds=listed("incident_kind", ": "),
        event_kinds=listed("event_kind", ": "),
        roles=listed("role", ": "),
        outcomes=" | ".join(_comment_safe(v) for v in choices.get("outcome") or ()),
        attributions=" | ".join(_comment_safe(v) for v in choices.get("attribution") or ()),
    )
    head = (
        f"# A new {kind}, to be added to {where}.\n"
        "# Fill it in and save; quit without saving to add nothing. Comment lines (#) are left out.\n"
    )
    return f"{head}{section}:\n{body}"


def _comment_safe(value: str) -> str:
    """Catalogue text put in a comment line: on one line, without control characters (a newline would end the comment)."""
    return "".join(ch if ch.isprintable() else " " for ch in " ".join(value.split()))


def template_comments(text: str) -> set[str]:
    """The comment lines of a template, as they read without their indent: left out of the entry when it is added."""
    return {line.strip() for line in text.splitlines() if line.strip().startswith("#")}


def first_blank_field(text: str) -> int:
    """The line to open a template at: the first field left to fill in."""
    for n, line in enumerate(text.splitlines(), start=1):
        if re.fullmatch(r"\s+[a-z_]+:\s*", line):
            return n
    return 1


# ---- a draft's entry -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """The entry a draft holds: its lines (without the template's comments) and the draft line of each."""

    section: str
    entry_id: str | None
    lines: list[str]
    draft_lines: list[int]
    dash: int  # the column of its `-` in the draft (0-based)


def strip_block(text: str) -> str:
    """The draft without the problems this tool wrote at its top."""
    lines = text.splitlines(keepends=True)
    n = 0
    while n < len(lines) and lines[n].startswith(BLOCK):
        n += 1
    return "".join(lines[n:])


def with_block(text: str, messages: Sequence[str], head: str, newline: str = "\n") -> str:
    """The draft with `head` and each message as comment lines at its top."""
    block = [f"{BLOCK}{_comment_safe(head)}", *(f"{BLOCK}{_comment_safe(m)}" for m in messages)]
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return bom + "".join(line + newline for line in block) + text.removeprefix(bom)


def block_size(messages: Sequence[str]) -> int:
    return 1 + len(messages)


def item_end(lines: Sequence[str], start: int, dash: int) -> int:
    """The index after the last line of the list item that starts at `lines[start]` with its `-` at column `dash`.

    The item runs on while lines are indented past its `-`; blank lines and comments at its own indent or
    less belong to what follows (a blank line between entries, the next section's comment)."""
    last = start
    for n in range(start + 1, len(lines)):
        line = lines[n]
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if not stripped:
            continue
        if indent <= dash:
            break
        last = n
    return last + 1


def draft_entry(text: str, data: LocMap, section: str, skip: set[str]) -> Entry | None:
    """The one entry under `section` in a parsed draft, as lines ready to be placed; None if there is not one."""
    items = data.get(section)
    if not isinstance(items, LocList) or len(items) != 1 or not isinstance(items[0], LocMap):
        return None
    lines = text.splitlines()
    start = items.item_marks[0][0] - 1
    line = lines[start]
    dash = line.find("-")
    if dash < 0 or line[:dash].strip():
        return None
    end = item_end(lines, start, dash)
    kept, numbers = [], []
    for n in range(start, end):
        if n > start and lines[n].strip() in skip:
            continue
        kept.append(lines[n][dash:] if lines[n][:dash].strip() == "" else lines[n].lstrip(" "))
        numbers.append(n + 1)
    entry_id = items[0].get("id")
    return Entry(section, entry_id if isinstance(entry_id, str) else None, kept, numbers, dash)


# ---- where an entry goes ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a new entry goes: the file, its text now, and the index of the line it is inserted before."""

    path: Path
    text: str
    at: int  # a line index in `text` (its length: at the end)
    dash: int  # the column of the `-` of the section's items
    new_section: bool  # the file has no such section yet: the section's key comes first
    blank: bool  # the file leaves a blank line between entries
    newline: str


def newline_of(text: str) -> str:
    if "\r\n" in text:
        return "\r\n"
    if "\r" in text and "\n" not in text:
        return "\r"
    return "\n"


def spot_for(layer: Layer, section: str) -> Spot:
    """The place a new entry of `section` goes in `layer`: after the last entry of the last file holding the
    section as a list; else a new section at the end of the layer's file, or in `<section>.yaml` of its folder."""
    root = Path(layer.path)
    files: list[Path] = []
    if root.is_dir():
        files, _ = catalogue_files([str(root)])
    elif root.exists():
        files = [root]
    for path in reversed(files):
        parsed = parse_file(path)
        if parsed.data is None or not isinstance(parsed.data.get(section), LocList):
            continue
        text = read_text(path)
        lines = text.splitlines()
        mark = parsed.data.value_marks[section]
        if not lines[mark[0] - 1][mark[1] - 1 :].startswith("-"):
            raise EditError(
                f"{path}:{mark[0]}: the {section} list is written inline ([…]); write it as a block list (- id: …) first"
            )
        items = parsed.data[section]
        assert isinstance(items, LocList)
        dash = mark[1] - 1
        last = items.item_marks[-1][0] - 1
        blank = len(items) > 1 and not lines[items.item_marks[-1][0] - 2].strip()
        return Spot(path, text, item_end(lines, last, dash), dash, False, blank, newline_of(text))
    target = root if root.suffix in YAML_SUFFIXES and not root.is_dir() else root / f"{section}.yaml"
    text = read_text(target) if target.exists() else ""
    if target.exists():
        parsed = parse_file(target)
        if parsed.data is not None and section in parsed.data:
            raise EditError(f"{target}: its {section} section is not a list of entries; fix it first (faq validate)")
    return Spot(target, text, len(text.splitlines()), 2, True, bool(text.strip()), newline_of(text) if text else "\n")


@dataclass(frozen=True, slots=True)
class Placed:
    """A file's text with an entry inserted, the line (1-based) its first line landed on, and its indent change."""

    text: str
    first: int
    shift: int  # columns added to each of the entry's lines
    lines: int


def place(spot: Spot, entry: Entry) -> Placed:
    """The file's text with the entry inserted at `spot`; every other byte as it was."""
    nl = spot.newline
    lines = spot.text.splitlines(keepends=True)
    head = "".join(lines[: spot.at])
    tail = "".join(lines[spot.at :])
    if head and not head.endswith(("\n", "\r")):
        head += nl
    added: list[str] = []
    if spot.new_section:
        if head.strip():
            added.append("")
        added.append(f"{entry.section}:")
    elif spot.blank:
        added.append("")
    first = head.count("\n") if nl != "\r" else head.count("\r")
    first += len(added) + 1
    added += [(" " * spot.dash + line) if line else "" for line in entry.lines]
    return Placed(head + "".join(line + nl for line in added) + tail, first, spot.dash, len(entry.lines))


def draft_for(section: str, entry_text: str, where: str, note: str) -> str:
    """A draft holding an existing entry, to be saved as a version of it in another layer."""
    return (
        f"# {note}\n# It will be added to {where}. Save to keep it; quit without saving to add nothing.\n{section}:\n{entry_text}"
    )


def entry_text(path: Path, section: str, entry_id: str) -> str:
    """An entry's lines as written in its file, re-indented as the only item of its section (`  - id: …`)."""
    parsed = parse_file(path)
    items = parsed.data.get(section) if parsed.data is not None else None
    if not isinstance(items, LocList):
        raise EditError(f"{path}: no {section} list holds '{entry_id}'")
    for item, mark in zip(items, items.item_marks, strict=True):
        if isinstance(item, LocMap) and item.get("id") == entry_id:
            lines = read_text(path).splitlines()
            start = mark[0] - 1
            dash = lines[start].find("-")
            kept = []
            for line in lines[start : item_end(lines, start, dash)]:
                body = line[dash:] if line[:dash].strip() == "" else line.lstrip(" ")
                kept.append(("  " + body) if body else "")
            return "\n".join(kept) + "\n"
    raise EditError(f"{path}: no entry '{entry_id}' in its {section}")


# ---- a round of editing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a round of editing ended: `done` (the text to keep), `unchanged` (nothing was changed), or `gave_up`
    (saved without a change after problems were shown, or the editor failed)."""

    how: str
    text: str
    problems: list[str]


Check = Callable[[str], tuple[list[tuple[int, str]], list[str]]]
"""What a round checks: the saved text in, its problems out (each at a line of that text, or elsewhere)."""


def rounds(
    path: Path, check: Check, editor: Sequence[str], line: int, head: str, run: Callable[..., bool] = run_editor
) -> Outcome:
    """Open the editor on `path` until what is saved passes `check`, the user saves it unchanged, or the editor fails.

    After a save with problems, they go at the top of the file as comments (`head` first), and the
    editor opens again at the first of them."""
    shown = read_text(path)
    first = True
    problems: list[str] = []
    while True:
        if not run(editor, path, line):
            return Outcome("gave_up", strip_block(read_text(path)), problems)
        saved = read_text(path)
        body = strip_block(saved)
        if saved == shown:
            return Outcome("unchanged" if first else "gave_up", body, problems)
        first = False
        located, elsewhere = check(body)
        if not located and not elsewhere:
            return Outcome("done", body, [])
        size = block_size([*(f"line {n}: {m}" for n, m in located), *elsewhere])
        messages = [*(f"line {n + size}: {m}" for n, m in located), *elsewhere]
        problems = messages
        shown = with_block(body, messages, head, newline_of(body) if body else "\n")
        write_text(path, shown)
        line = min((n + size for n, _ in located), default=1)


def introduced(before: Sequence[Problem], after: Sequence[Problem], mine: Callable[[Problem], bool]) -> list[Problem]:
    """The problems of `after` that `before` did not have, matched by file and message (lines move as text is
    added); where one of several alike is new, it is one for which `mine` holds (in the text just written)."""
    from collections import Counter

    budget = Counter((os.path.abspath(p.path), p.message) for p in before)
    found = []
    for p in sorted(after, key=mine):  # problems elsewhere use up what was there before first
        key = (os.path.abspath(p.path), p.message)
        if budget[key] > 0:
            budget[key] -= 1
            continue
        found.append(p)
    return sorted(found, key=lambda p: (p.path, p.line, p.column))
