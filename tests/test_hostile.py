"""Hostile input: generated catalogues fail fast with a located error; catalogue text never reaches the terminal live.

The committed broken catalogues are in test_bad_catalogues.py. Here are the ones built at test time
(too big, or needing a FIFO, a symlink loop, an unreadable file), the hostile-but-valid catalogue
tests/fixtures/good/hostile/ run through every data command with colour forced on, and property tests.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faq_cli import yamlfile
from faq_cli.app import app
from faq_cli.catalogue import load_catalogue
from faq_cli.errors import CatalogueError
from faq_cli.render.text import UNSAFE, inert, json_escape, one_line

from conftest import FIXTURES, Run

HOSTILE = FIXTURES / "good" / "hostile"
SOURCE = "sources:\n  - id: wire\n    title: A wire report\n    publisher: Wire\n    date: 2025-12-22\n"
SGR = re.compile(r"\x1b\[[0-9;]*m")
OSC8 = re.compile(r"\x1b\]8;[^;\x1b\x07]*;(?P<url>[^\x1b\x07]*)\x1b\\")


# ---- generated broken catalogues --------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    name: str
    build: Callable[[Path], Path]  # writes the catalogue under a directory, returns the path to give
    line: int  # 0: no line
    fragment: str


def _write(name: str, content: str | bytes) -> Callable[[Path], Path]:
    def build(root: Path) -> Path:
        path = root / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    return build


def _alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def _sparse(size: int) -> Callable[[Path], Path]:
    def build(root: Path) -> Path:
        path = root / "huge.yaml"
        with path.open("wb") as handle:
            handle.truncate(size)  # sparse: no disk used, and the loader must refuse it before reading
        return path

    return build


def _fifo(root: Path) -> Path:
    path = root / "fifo.yaml"
    os.mkfifo(path)
    return path


def _fifo_in_directory(root: Path) -> Path:
    (root / "cat").mkdir()
    (root / "cat" / "a.yaml").write_text(SOURCE)
    os.mkfifo(root / "cat" / "b.yaml")
    return root / "cat"


def _symlink_loop(root: Path) -> Path:
    (root / "a.yaml").symlink_to(root / "b.yaml")
    (root / "b.yaml").symlink_to(root / "a.yaml")
    return root / "a.yaml"


def _symlink_loop_in_directory(root: Path) -> Path:
    (root / "cat").mkdir()
    (root / "cat" / "a.yaml").write_text(SOURCE)
    (root / "cat" / "loop.yaml").symlink_to(root / "cat" / "loop.yaml")
    (root / "cat" / "sub").symlink_to(root / "cat")  # a directory loop: not followed, not an error
    return root / "cat"


def _dangling_symlink(root: Path) -> Path:
    (root / "gone.yaml").symlink_to(root / "nowhere.yaml")
    return root / "gone.yaml"


def _escape_in_file_name(root: Path) -> Path:
    path = root / "\x1b]0;pwned\x07\x1b[31mred.yaml"
    path.write_text(SOURCE + "questions: oops\n")
    return path


DEEP = 100_000
GENERATED = [
    Generated("alias-bomb-billion-laughs", _write("bomb.yaml", _alias_bomb(10)), 4, "aliases expand to more than"),
    Generated("alias-bomb-nested-mappings", _write("bomb.yaml", "a: &a {x: [*a]}\n"), 1, "refers to no anchor"),
    Generated("deep-flow-lists", _write("deep.yaml", "sources: " + "[" * DEEP + "]" * DEEP + "\n"), 1, "nesting"),
    Generated("deep-flow-mappings", _write("deep.yaml", "sources: " + "{a: " * DEEP + "x" + "}" * DEEP + "\n"), 1, "nesting"),
    Generated("deep-block-lists", _write("deep.yaml", "sources:\n" + "- " * DEEP + "x\n"), 2, "nesting"),
    Generated(
        "deep-indented-block",
        _write("deep.yaml", "sources:\n" + "".join(" " * i + "- \n" for i in range(1, 3000))),
        65,
        "nesting deeper than 64 levels",
    ),
    Generated("oversized-file", _sparse(yamlfile.MAX_FILE_BYTES + 1), 0, "file too large"),
    Generated(
        "oversized-scalar",
        _write("long.yaml", SOURCE + "questions:\n  - id: a\n    question: " + "x" * (yamlfile.MAX_SCALAR_CHARS + 1) + "\n"),
        8,
        "value too long",
    ),
    Generated("oversized-key", _write("long.yaml", "k" * (yamlfile.MAX_SCALAR_CHARS + 1) + ": x\n"), 1, "value too long"),
    Generated("5000-digit-date", _write("date.yaml", SOURCE.replace("2025-12-22", "9" * 5000)), 5, "not a date"),
    Generated("5000-digit-year-filter-value", _write("n.yaml", SOURCE.replace("2025-12-22", "1" + "0" * 4999)), 5, "not a date"),
    Generated(
        "latin-1", _write("latin1.yaml", (SOURCE + "people:\n  - {id: a, name: Andr\u00e9}\n").encode("latin-1")), 7, "UTF-8"
    ),
    Generated("utf-16-be", _write("utf16.yaml", (SOURCE + "people: []\n").encode("utf-16-be")), 1, "UTF-16"),
    Generated("utf-32", _write("utf32.yaml", (SOURCE + "people: []\n").encode("utf-32")), 1, "UTF-32"),
    Generated("nul-byte", _write("nul.yaml", SOURCE.encode() + b"\x00"), 6, "control character 0x00"),
    Generated("raw-escape-sequence", _write("esc.yaml", SOURCE.encode() + b"x: \x1b]0;pwned\x07\n"), 6, "control character 0x1b"),
    Generated("fifo", _fifo, 0, "not a regular file"),
    Generated("symlink-loop", _symlink_loop, 0, "cannot read"),
    Generated("dangling-symlink", _dangling_symlink, 0, "no such file or directory"),
    Generated("missing-path", lambda root: root / "missing" / "catalogue.yaml", 0, "no such file or directory"),
    Generated("empty-directory", lambda root: root, 0, "no *.yaml or *.yml files"),
    Generated("escape-in-file-name", _escape_in_file_name, 6, "questions must be a list"),
]
IN_DIRECTORY = [
    Generated("fifo-in-directory", _fifo_in_directory, 0, "not a regular file"),
    Generated("symlink-loop-in-directory", _symlink_loop_in_directory, 0, "cannot read"),
]


def _where(path: Path, line: int) -> str:
    shown = one_line(str(path))
    return f"{shown}:{line}:" if line else f"{shown}:"


@pytest.mark.parametrize("case", GENERATED, ids=lambda c: c.name)
def test_generated_catalogue_gives_a_located_error(faq: Callable[..., Run], tmp_path: Path, case: Generated) -> None:
    path = case.build(tmp_path)
    data = faq("--data", str(path), "incidents")
    assert data.status == 2, data.out + data.err
    assert data.err.count("\n") == 1 and "Traceback" not in data.err
    assert data.err.startswith(f"faq: {_where(path, case.line)}"), data.err
    assert case.fragment in data.err
    assert "\x1b" not in data.err  # not even from a file name
    check = faq("validate", "--json", str(path))
    assert check.status == 1
    problems = json.loads(check.out)
    assert any(p["path"] == str(path) and p["line"] == case.line and case.fragment in p["message"] for p in problems)


@pytest.mark.parametrize("case", IN_DIRECTORY, ids=lambda c: c.name)
def test_unreadable_member_of_a_directory_is_named_and_the_rest_still_read(
    faq: Callable[..., Run], tmp_path: Path, case: Generated
) -> None:
    folder = case.build(tmp_path)
    run = faq("validate", "--json", str(folder))
    assert run.status == 1
    (problem,) = json.loads(run.out)
    assert Path(problem["path"]).parent == folder and case.fragment in problem["message"]


@pytest.mark.parametrize("case", [c for c in GENERATED if c.name in ("alias-bomb-billion-laughs", "deep-flow-lists", "fifo")])
def test_the_real_process_refuses_fast_and_quietly(faq_process: Callable[..., Run], tmp_path: Path, case: Generated) -> None:
    """The installed entry point, not only the in-process runner: no hang (timeout), one line, exit 2."""
    path = case.build(tmp_path)
    run = faq_process("--data", str(path), "timeline", timeout=10)
    assert run.status == 2
    assert run.err.startswith(f"faq: {_where(path, case.line)}") and run.err.count("\n") == 1


def test_unreadable_file_is_a_located_error(faq: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(SOURCE)
    path.chmod(0)
    try:
        path.read_bytes()
    except PermissionError:
        pass
    else:  # root reads anything: the permission cannot be tested for real here (see the next test)
        pytest.skip("running as a user that chmod 000 does not stop (root)")
    finally:
        path.chmod(0o600)
    path.chmod(0)
    run = faq("--data", str(path), "people")
    path.chmod(0o600)
    assert run.status == 2
    assert run.err.startswith(f"faq: {path}: cannot read: Permission denied")


def test_a_file_the_system_refuses_to_open_is_a_located_error(
    faq: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path as a real EACCES, for when the suite runs as root: the loader's open() is refused."""
    path = tmp_path / "secret.yaml"
    path.write_text(SOURCE)
    real_open = os.open

    def refuse(name: object, *args: object, **kwargs: object) -> int:
        if str(name) == str(path):
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(yamlfile.os, "open", refuse)
    run = faq("--data", str(path), "people")
    assert run.status == 2
    assert run.err == f"faq: {path}: cannot read: Permission denied\n"
    check = faq("validate", str(path))
    assert check.status == 1 and f"{path}: cannot read: Permission denied" in check.out


def _limit_memory() -> None:
    import resource

    # A tool that tried to read /dev/zero would eat the machine; with a ceiling it fails fast instead.
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_not_read(tmp_path: Path, device: str) -> None:
    """Not read at all: neither by the loader nor by anything that looks at the files before it (the cache)."""
    import subprocess
    import sys

    env = {**os.environ, "NO_COLOR": "1", "FAQ_CLI_CACHE_DIR": str(tmp_path / "cache")}
    for args in (["--data", device, "people"], ["validate", device]):
        proc = subprocess.run(
            [sys.executable, "-m", "faq_cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=20,
            preexec_fn=_limit_memory,
        )
        assert (proc.returncode, proc.stderr.count("\n")) == ((2, 1) if args[0] == "--data" else (1, 0)), proc.stderr
        assert f"{device}: not a regular file" in proc.stdout + proc.stderr


def test_every_path_is_reported_not_only_the_first(faq: Callable[..., Run], tmp_path: Path) -> None:
    paths = []
    for case in GENERATED[:6]:
        (tmp_path / case.name).mkdir()
        paths.append(case.build(tmp_path / case.name))
    run = faq("validate", "--json", *map(str, paths))
    assert {p["path"] for p in json.loads(run.out)} == set(map(str, paths))


# ---- inert output -----------------------------------------------------------------------------------

# Print no catalogue text: init writes a starter catalogue; new and edit open an editor (tests/test_editing.py);
# browse needs a terminal: tests/test_browse.py checks its screen.
NOT_DATA = {"schema", "init", "new", "edit", "browse"}
INVOCATIONS = {
    "": [[]],
    "ask": [["ask", "who is mallory"], ["ask", "evil-question", "--top", "3"], ["ask", "zzqx wvvk"]],
    "questions": [["questions"]],
    "search": [["search", "mallory"], ["search", "red"]],
    "incidents": [["incidents"], ["incidents", "--person", "mallory"]],
    "incident": [["incident", "evil-incident"], ["incident", "zzqx wvvk"]],
    "event": [["event", "evil-event"], ["event", "zzqx wvvk"], ["ask", "evil-event"]],
    "timeline": [["timeline"], ["timeline", "--person", "mallory"]],
    "profile": [["profile", "mallory"], ["profile", "zzqx wvvk"]],
    "people": [["people"]],
    "sources": [["sources"]],
    "validate": [["validate"]],
    "catalogue": [["catalogue", "list"]],
}


def _commands() -> dict[str, list[str]]:
    """Every command with the options it takes, so a command added later is checked too."""
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    return {name: [opt for p in cmd.params for opt in p.opts] for name, cmd in commands.items() if name not in NOT_DATA}


def _invocations() -> list[list[str]]:
    found: list[list[str]] = list(INVOCATIONS[""])
    for name, options in _commands().items():
        for args in INVOCATIONS.get(name, [[name]]):
            found.append(args)
            if "--json" in options:
                found.append([*args, "--json"])
            if "--format" in options:
                found.append([*args, "--format", "markdown"])
    return found


COLOUR = {"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color", "COLORTERM": "truecolor", "PAGER": "cat"}
URLS = {"https://example.org/ok?q=[31m]", "http://example.org/plain"}


def _live_sequences(output: str) -> set[str]:
    """What is left after the tool's own colour codes and its http(s) links: unsafe characters, by code point."""
    for match in OSC8.finditer(output):
        assert match["url"] in URLS | {""}, f"a link the catalogue did not give as a source url: {match['url']!r}"
    rest = OSC8.sub("", SGR.sub("", output))
    return {f"U+{ord(ch):04X}" for ch in UNSAFE.findall(rest)} | ({"ESC"} if "\x1b" in rest else set())


@pytest.mark.parametrize("args", _invocations(), ids=" ".join)
def test_catalogue_text_is_inert_with_colour_forced_on(faq: Callable[..., Run], args: list[str]) -> None:
    run = faq("--data", str(HOSTILE), *args, env=COLOUR)
    assert run.status in (0, 1), run.err
    assert "Traceback" not in run.out + run.err
    assert not _live_sequences(run.out + run.err)
    if "--json" in args:
        json.loads(run.out)  # still one valid document


@pytest.mark.parametrize("args", [a for a in _invocations() if "--json" not in a], ids=" ".join)
def test_catalogue_text_is_plain_with_colour_off(faq: Callable[..., Run], args: list[str]) -> None:
    run = faq("--data", str(HOSTILE), *args)
    assert "\x1b" not in run.out + run.err
    assert not UNSAFE.search(run.out + run.err)


def test_hostile_text_is_shown_not_dropped(faq: Callable[..., Run]) -> None:
    """Inert means visible: the escape, the markup and the bidi override are there to read."""
    run = faq("--data", str(HOSTILE), "ask", "evil-question", env=COLOUR)
    plain = SGR.sub("", run.out)
    assert "Who is Mallory? ␛[31m[bold]x[/bold]" in plain
    assert "Mallory is [bold]not bold[/bold] and ␛[31mnot red␛[0m." in plain
    assert "\\u202eevil\\u202c" in plain
    profile = SGR.sub("", faq("--data", str(HOSTILE), "profile", "mallory", env=COLOUR).out)
    assert "␛]0;title\\x07" in profile


def test_markdown_links_do_not_become_hyperlinks(faq: Callable[..., Run]) -> None:
    for args in (["ask", "evil-question"], ["profile", "mallory"], ["incident", "evil-incident"]):
        out = faq("--data", str(HOSTILE), *args, env=COLOUR).out
        targets = {m["url"] for m in OSC8.finditer(out)}
        assert targets <= URLS | {""}
        assert "javascript" not in "".join(targets) and "file:" not in "".join(targets)


def test_sources_with_http_urls_do_become_hyperlinks(faq: Callable[..., Run]) -> None:
    out = faq("--data", str(HOSTILE), "sources", env=COLOUR).out
    assert {m["url"] for m in OSC8.finditer(out)} - {""} == URLS


def test_json_keeps_the_exact_text_escaped(faq: Callable[..., Run]) -> None:
    run = faq("--data", str(HOSTILE), "ask", "evil-question", "--json")
    match = json.loads(run.out)["match"]
    catalogue = load_catalogue([str(HOSTILE)])
    assert match["question"] == catalogue.questions["evil-question"].question
    assert match["answer"] == catalogue.questions["evil-question"].answer
    assert "\x9b" in match["answer"] and "\u202e" in match["answer"]  # the data is kept, only escaped in transit
    assert "\\u009b" in run.out and "\\u202e" in run.out


def test_errors_quoting_hostile_values_are_inert(faq: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        SOURCE + 'questions:\n  - id: a\n    question: q\n    answer: a\n    verification: "\\e]0;x\\a\\u202e\\x9b"\n'
    )
    data = faq("--data", str(path), "people", env=COLOUR)
    check = faq("validate", str(path), env=COLOUR)
    for output in (data.err, check.out):
        assert "'verification' must be one of" in output
        assert not _live_sequences(output)


def test_arguments_that_are_not_utf8_do_not_crash_json() -> None:
    """A query typed in another encoding arrives as lone surrogates; output stays valid UTF-8 and valid JSON."""
    import subprocess
    import sys

    word = b"caf\xe9".decode("utf-8", "surrogateescape")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "FAQ_CLI_DATA": str(HOSTILE), "NO_COLOR": "1"}
    for command in ("ask", "profile", "incident"):
        for extra in (["--json"], []):
            proc = subprocess.run(
                [sys.executable, "-m", "faq_cli", command, word, *extra], capture_output=True, env=env, timeout=20
            )
            assert proc.returncode in (0, 1), proc.stderr
            assert proc.stderr == b""
            text = proc.stdout.decode("utf-8")  # strict: no raw surrogate bytes
            if extra:
                assert json.loads(text)["query"].startswith("caf")


# ---- the unsafe set, exhaustively, and the renderers under Hypothesis ---------------------------------

ALWAYS_UNSAFE = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def test_unsafe_covers_every_control_and_format_character() -> None:
    missed = [
        f"U+{cp:04X}"
        for cp in range(0x110000)
        if unicodedata.category(chr(cp)) in ALWAYS_UNSAFE and chr(cp) not in "\t\n" and not UNSAFE.match(chr(cp))
    ]
    assert not missed


def test_unsafe_leaves_ordinary_text_alone() -> None:
    text = "Алексеев, Ōsaka, 東京, عربي, emoji 🙂, tab\tand newline\n"
    assert inert(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_inert_and_one_line_never_emit_an_unsafe_character(text: str) -> None:
    assert not UNSAFE.search(inert(text))
    flat = one_line(text)
    assert not UNSAFE.search(flat) and "\n" not in flat and "\t" not in flat


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_json_escape_keeps_the_value(text: str) -> None:
    from faq_cli.render.json import dumps

    document = dumps({"value": text})
    assert not UNSAFE.search(document)
    assert json.loads(document)["value"] == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_terminal_rendering_never_emits_a_live_sequence(text: str) -> None:
    import io

    from rich.console import Console, Group

    from faq_cli.render import terminal

    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=60, markup=False)
    console.print(Group(terminal.text(text, "bold"), terminal.markdown(text)))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert not _live_sequences(output)


# ---- arbitrary bytes as a catalogue file -------------------------------------------------------------

PIECES = [
    b"sources:", b"questions:", b"people:", b"incidents:", b"events:", b"catalogue:", b"synonyms:",
    b"\n", b"\r\n", b"\r", b"\xc2\x85", b"  ", b"- ", b"id: ", b"name: ", b"date: ", b"2025-02-30", b"2024",
    b"&a ", b"*a", b"!!python/name:os.system", b"!x ", b"[", b"]", b"{", b"}", b", ", b": ", b"? ", b"'", b'"',
    b"\t", b"\x00", b"\x1b", b"\xff", b"\xef\xbb\xbf", b"\xfe\xff", b"#", b"---\n", b"...\n", b"%YAML 1.1\n",
    b"<<: ", b"~", b"NO", b"on", b"1.10", b"\\e", b"|\n", b">-\n", b"\xd0\x90", b"9" * 40,
]  # fmt: skip
YAMLISH = st.lists(st.sampled_from(PIECES), max_size=60).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), YAMLISH))
def test_any_bytes_give_a_catalogue_or_located_problems(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "catalogue.yaml"
    path.write_bytes(raw)
    try:
        load_catalogue([str(path)])
    except CatalogueError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.path == str(path)
            assert problem.line >= 0 and problem.column >= 0
            assert problem.message and "\n" not in problem.message
            assert not UNSAFE.search(one_line(str(problem)))


def test_json_escape_handles_characters_beyond_the_bmp() -> None:
    assert json_escape("\U000e0041") == "\\udb40\\udc41"
    assert json.loads(f'"{json_escape(chr(0xE0041))}"') == chr(0xE0041)


# ---- arbitrary text as any query or filter --------------------------------------------------------------

ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)  # surrogates and controls included
QUERIES: list[Callable[[str], list[str]]] = [
    lambda t: ["ask", t],
    lambda t: ["ask", "--json", t],
    lambda t: ["ask", "--top", t, "who is alekseyev"],
    lambda t: ["questions", "--tag", t],
    lambda t: ["search", t],
    lambda t: ["search", "--json", t],
    lambda t: ["incidents", "--year", t],
    lambda t: ["incidents", "--since", t],
    lambda t: ["incidents", "--until", t, "--json"],
    lambda t: ["incidents", "--kind", t],
    lambda t: ["incidents", "--person", t],
    lambda t: ["incidents", "--place", t, "--json"],
    lambda t: ["incident", t],
    lambda t: ["incident", "--json", t],
    lambda t: ["timeline", "--year", t],
    lambda t: ["timeline", "--person", t, "--json"],
    lambda t: ["profile", t],
    lambda t: ["profile", "--json", t],
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(QUERIES))), ANY_TEXT)
def test_any_text_as_a_query_or_filter_never_crashes(tmp_path_factory: pytest.TempPathFactory, which: int, text: str) -> None:
    from typer.testing import CliRunner

    cache = tmp_path_factory.getbasetemp() / "query-cache"
    env = {"NO_COLOR": "1", "COLUMNS": "80", "FAQ_CLI_DATA": "", "FAQ_CLI_CACHE_DIR": str(cache), "PAGER": "cat"}
    result = CliRunner().invoke(app, QUERIES[which](text), env=env, catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), result.output
