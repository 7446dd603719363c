"""The fast path: lookups parsed without Typer give exactly what the Typer app gives, and anything else goes to Typer."""

from __future__ import annotations

import enum
import inspect
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from test_index import _warm_imports
from typer.testing import CliRunner

from faq_cli import argv, cli, commands
from faq_cli.app import app

from conftest import DATA, FIXTURES, ROOT, Run

HOSTILE = FIXTURES / "good" / "hostile"
BAD = FIXTURES / "bad" / "missing-field.yaml"
PLAIN = {"NO_COLOR": "1", "TERM": "dumb", "FORCE_COLOR": None}
COLOUR = {"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
ROOT_COMMAND = typer.main.get_command(app)
CLICK_COMMANDS = ROOT_COMMAND.commands  # type: ignore[attr-defined]


# ---- the table is the app's -------------------------------------------------------------------------


def _described(param: object) -> tuple[object, ...]:
    """What a click parameter means to a parser: name, spellings, repeat, flag, value type, count."""
    kind = param.type  # type: ignore[attr-defined]
    if kind.name == "int range":
        assert not (kind.min_open or kind.max_open or kind.clamp)
        value: object = ("whole", kind.min, kind.max)
    elif kind.name == "choice":
        assert kind.case_sensitive
        value = ("one of", tuple(kind.choices))
    else:
        value = kind.name
    flag = getattr(param, "is_flag", False)
    return (
        param.name,  # type: ignore[attr-defined]
        tuple(param.opts),  # type: ignore[attr-defined]
        tuple(param.secondary_opts),  # type: ignore[attr-defined]
        param.multiple,  # type: ignore[attr-defined]
        flag,
        "boolean" if flag else value,
        param.nargs,  # type: ignore[attr-defined]
    )


def _tabled(option: argv.Option) -> tuple[object, ...]:
    value = option.value
    if isinstance(value, argv.Whole):
        kind: object = ("whole", value.low, value.high)
    elif isinstance(value, argv.OneOf):
        kind = ("one of", value.choices)
    else:
        kind = "str" if isinstance(value, argv.Text) else "boolean"
    return (option.name, option.flags, (), option.repeat, value is None, kind, 1)


@pytest.mark.parametrize("name", sorted(argv.LOOKUPS))
def test_each_lookup_in_the_table_has_exactly_the_apps_options_and_arguments(name: str) -> None:
    command = CLICK_COMMANDS[name]
    table = argv.LOOKUPS[name]
    options = [p for p in command.params if p.param_type_name == "option"]
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    assert [_described(p) for p in options] == [_tabled(o) for o in table.options]
    if table.words is None:
        assert arguments == []
    else:
        [words] = arguments
        assert (words.name, words.nargs, words.required, words.type.name) == (table.words, -1, table.words_required, "str")
    assert command.context_settings.get("ignore_unknown_options") is not True
    assert command.allow_interspersed_args


@pytest.mark.parametrize("name", sorted(argv.LOOKUPS))
def test_each_lookup_runs_the_command_function_of_the_same_name_with_the_apps_defaults(name: str) -> None:
    """An option left out must mean the same on both paths: the function's default is the app's."""
    signature = inspect.signature(getattr(commands, name))
    for param in CLICK_COMMANDS[name].params:
        default = param.default.value if isinstance(param.default, enum.Enum) else param.default
        if param.param_type_name == "argument":
            assert param.name in signature.parameters
        else:
            assert signature.parameters[param.name].default == default, (name, param.name)
    assert set(signature.parameters) == {p.name for p in CLICK_COMMANDS[name].params}


def test_the_global_options_in_the_table_are_the_apps_and_the_rest_are_left_to_typer() -> None:
    params = {p.name: p for p in ROOT_COMMAND.params}
    assert [_described(params[o.name]) for o in argv.GLOBAL] == [_tabled(o) for o in argv.GLOBAL]
    assert set(params) - {o.name for o in argv.GLOBAL} == {"version", "install_completion", "show_completion"}
    assert ROOT_COMMAND.context_settings["help_option_names"] == ["-h", "--help"]
    # Left to Typer alone: the commands that write files or open an editor, and browse, which takes the terminal
    # (the overview, no command, is a lookup).
    assert set(CLICK_COMMANDS) - set(argv.LOOKUPS) == {"init", "catalogue", "new", "edit", "browse"}


# ---- the same output either way ----------------------------------------------------------------------


def _run(args: list[str], env: dict[str, str | None], monkeypatch: pytest.MonkeyPatch, *, fast: bool) -> Run:
    """`faq ARGS` in-process through the entry point's `run`, on the fast path where it applies or always through Typer."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(argv, "parse", lambda args, environ: None)
        with CliRunner().isolation(env=env) as (out, err, _):
            status = cli.run(args)
            sys.stdout.flush()
            sys.stderr.flush()
            printed, errors = out.getvalue().decode(), err.getvalue().decode()
    return Run(0 if status is None else int(status), _unlinked(printed), errors)


def _unlinked(text: str) -> str:
    """Rich numbers each hyperlink at random; the number is not what a reader sees."""
    return re.sub(r"\x1b]8;id=\d+;", "\x1b]8;id=N;", text)


@pytest.fixture
def both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    base = {"FAQ_CLI_CACHE_DIR": str(tmp_path / "cache"), "FAQ_CLI_DATA": None, "COLUMNS": "80", "LINES": "50"}
    base |= {"PAGER": "cat", "FAQ_CLI_PAGER": None, "_FAQ_COMPLETE": None}
    monkeypatch.chdir(tmp_path)  # `init` writes where it is run

    def run(args: list[str], colour: bool) -> tuple[Run, Run]:
        env = {**base, **(COLOUR if colour else PLAIN)}
        return _run(args, env, monkeypatch, fast=False), _run(args, env, monkeypatch, fast=True)

    yield run
    commands.State.data, commands.State.pager = None, True


D, H, B = str(DATA), str(HOSTILE), str(BAD)

# Well-formed lookups: each must be parsed by the fast path.
FAST = [
    [],  # the overview
    ["--no-pager"],
    ["--data", D],
    ["-d", H, "--no-pager"],
    ["--data", B],
    ["--data", ""],  # as Typer reads it: the current directory
    ["ask", "who", "is", "alekseyev"],
    ["ask", "--json", "who is alekseyev"],
    ["ask", "who", "--json", "is", "alekseyev"],
    ["ask", "who shot the general", "--top", "3"],
    ["ask", "--top=5", "who shot the general in moscow"],
    ["ask", "-n", "0", "who is alekseyev"],
    ["ask", "-n", "050", "--json", "gru"],
    ["ask", "--format", "markdown", "who is alekseyev"],
    ["ask", "-f", "markdown", "--top", "2", "who is alekseyev"],
    ["ask", "--format=text", "--json", "who is alekseyev"],
    ["ask", "--", "--help"],
    ["ask", "who", "--", "-n", "3", "--json"],
    ["ask", "who is", "--", "alekseyev"],
    ["ask", "--json", "--", "who", "--is", "alekseyev"],
    ["ask", ""],
    ["ask", "", ""],
    ["ask", "-"],
    ["ask", "кто такой Алексеев"],
    ["ask", "how many people live in russia"],
    ["ask", "3"],
    ["ask", "zzqx", "--json"],
    ["ask", "[bold]who[/bold]", "\x1b[31mis", "alekseyev"],
    ["--no-pager", "ask", "who is alekseyev"],
    ["--data", D, "ask", "who is alekseyev"],
    ["-d", D, "--data", D, "--no-pager", "ask", "gru"],
    ["--data=" + D, "ask", "gru"],
    ["--data", "/nonexistent/catalogue", "ask", "gru"],
    ["--data", B, "people"],
    ["questions"],
    ["questions", "--tag", "gru"],
    ["questions", "-t", "gru", "--json"],
    ["questions", "--tag=nothing-has-this"],
    ["search", "car", "bomb"],
    ["search", "car", "bomb", "--kind", "incident"],
    ["search", "-k", "person", "alekseyev", "--json"],
    ["search", "--limit", "1", "moscow"],
    ["search", "-n", "200", "moscow", "--kind=event"],
    ["incidents"],
    ["incidents", "--year", "2025"],
    ["incidents", "-y", "2024", "-y", "2025", "--json"],
    ["incidents", "--year=2025", "--reverse"],
    ["incidents", "-r", "--format", "markdown"],
    ["incidents", "--since", "2025-04", "--until", "2025-12"],
    ["incidents", "--since", "2026", "--until", "2025"],
    ["incidents", "--year", "abc"],
    ["incidents", "--year", ""],
    ["incidents", "--since", "2025-13"],
    ["incidents", "--kind", "car-bomb"],
    ["incidents", "-k", "shooting", "-p", "alexeyev"],
    ["incidents", "--person", "nobody at all zzq"],
    ["incidents", "--person", "nobody at all zzq", "--json"],
    ["incidents", "--place", "moscow"],
    ["incident", "kirillov"],
    ["incident", "--json", "kirillov"],
    ["incident", "balashikha", "car", "bomb"],
    ["incident", "zzqx"],
    ["incident", "-f", "markdown", "zzqx"],
    ["--data", H, "incident", "evil"],
    ["timeline"],
    ["timeline", "--year", "2023"],
    ["timeline", "-y", "2023", "--json"],
    ["timeline", "--person", "alekseyev"],
    ["timeline", "-p", "alekseyev", "-f", "markdown"],
    ["timeline", "--until", "2020"],
    ["profile", "alekseyev"],
    ["profile", "Алексеев"],
    ["profile", "--json", "kirilov"],
    ["profile", "nobody", "zzq"],
    ["profile", "-f", "markdown", "alexeyev"],
    ["--data", H, "profile", "evil"],
    ["people"],
    ["people", "--json"],
    ["sources"],
    ["sources", "--json"],
    ["stats"],
    ["stats", "--json"],
    ["validate"],
    ["validate", "--json", D],
    ["validate", B],
    ["validate", "/nonexistent/catalogue"],
    ["schema"],
]

# Everything else: the fast path must decline, and Typer answers.
DECLINED = [
    ["--help"],
    ["-h"],
    ["--version"],
    ["ask", "--help"],
    ["ask", "who", "-h"],
    ["ask"],
    ["ask", "--"],
    ["ask", "--json"],
    ["--json", "ask", "gru"],
    ["ask", "--top", "51", "gru"],
    ["ask", "--top", "-1", "gru"],
    ["ask", "--top", "x", "gru"],
    ["ask", "--top", "", "gru"],
    ["ask", "--top=+5", "gru"],
    ["ask", "--top", " 5", "gru"],
    ["ask", "--top", "٣", "gru"],
    ["ask", "gru", "--top"],
    ["ask", "-n5", "gru"],
    ["ask", "--to", "3", "gru"],
    ["ask", "--top", "3", "--top", "4", "gru"],
    ["ask", "--json", "--json", "gru"],
    ["ask", "--json=yes", "gru"],
    ["ask", "--format", "html", "gru"],
    ["ask", "--format", "Markdown", "gru"],
    ["ask", "--json", "--format", "markdown", "gru"],
    ["ask", "-f", "markdown", "--json", "gru"],
    ["ask", "-x", "gru"],
    ["ask", "--data", D, "gru"],
    ["search"],
    ["search", "--kind", "Person", "alekseyev"],
    ["search", "--limit", "0", "moscow"],
    ["search", "--limit", "201", "moscow"],
    ["incidents", "extra"],
    ["incidents", "--reverse=yes"],
    ["incidents", "--year"],
    ["incidents", "--tag", "gru"],
    ["incidents", "-ry", "2025"],
    ["incidents", "--person", "--json"],
    ["questions", "--tag", "a", "--tag", "b"],
    ["profile"],
    ["people", "extra"],
    ["schema", "--json"],
    ["nosuchcommand"],
    [""],
    ["-"],
    ["--", "ask", "gru"],
    ["--data"],
    ["--data", "--no-pager", "people"],
    ["-d", D, "--version"],
    ["init"],
    ["init", "--help"],
    ["--install-completion"],
    ["--show-completion", "bash"],
]


@pytest.mark.parametrize("args", FAST, ids=lambda a: " ".join(a) or "(none)")
def test_the_fast_path_parses_a_well_formed_lookup(args: list[str]) -> None:
    assert argv.parse(args, {}) is not None


@pytest.mark.parametrize("args", DECLINED, ids=lambda a: " ".join(a) or "(none)")
def test_the_fast_path_leaves_anything_else_to_typer(args: list[str]) -> None:
    assert argv.parse(args, {}) is None


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize("args", FAST + DECLINED, ids=lambda a: " ".join(a) or "(none)")
def test_the_fast_path_and_typer_print_the_same(both: object, args: list[str], colour: bool) -> None:
    through_typer, fast = both(args, colour)  # type: ignore[operator]
    assert fast == through_typer


def _parsed(args: list[str]) -> tuple[object, ...] | None:
    lookup = argv.parse(args, {})
    return None if lookup is None else (lookup.command, lookup.data, lookup.pager, lookup.values)


def test_the_parsed_values_are_typers() -> None:
    args = ["-d", "a", "--data=b", "--no-pager", "incidents", "-y", "2024", "--year=2025", "-r", "--kind", "x"]
    assert _parsed(args) == ("incidents", ["a", "b"], False, {"year": ["2024", "2025"], "reverse": True, "kind": "x"})
    assert _parsed(["ask", "-n", "07", "a", "--", "-b"]) == ("ask", None, True, {"top": 7, "question": ["a", "-b"]})
    assert _parsed(["validate"]) == ("validate", None, True, {"paths": None})


def test_shell_completion_is_left_to_typer() -> None:
    assert argv.parse(["ask", "gru"], {argv.COMPLETE_VAR: "bash_complete"}) is None


# ---- as a real process ----------------------------------------------------------------------------------

# The entry point with the fast path turned off: what `faq` printed before it existed.
THROUGH_TYPER = "import sys; from faq_cli import argv; argv.parse = lambda *a: None; from faq_cli.cli import main; main()"


def _process(code: list[str], args: list[str], env: dict[str, str]) -> Run:
    proc = subprocess.run([sys.executable, *code, *args], capture_output=True, env=env, cwd=ROOT, timeout=60)
    out, err = (s.decode("utf-8", "backslashreplace") for s in (proc.stdout, proc.stderr))
    return Run(proc.returncode, _unlinked(out), err)


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize(
    "args",
    [
        ["ask", "who is alekseyev"],
        ["--no-pager", "incidents", "--year", "2025", "--json"],
        ["timeline", "--year", "nineteen"],
        ["profile", "nobody", "zzq"],
        ["ask", "who is \udcff"],
        ["ask", "--top", "99", "gru"],
    ],
    ids=" ".join,
)
def test_a_real_process_prints_the_same_either_way(tmp_path: Path, args: list[str], colour: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_CLI_DATA", "NO_COLOR", "FORCE_COLOR", "FAQ_CLI_PAGER")}
    env |= {"FAQ_CLI_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "80", "PAGER": "cat", "PYTHONPATH": str(ROOT)}
    env |= {k: v for k, v in (COLOUR if colour else PLAIN).items() if v is not None}
    through_typer = _process(["-c", THROUGH_TYPER], args, env)
    fast = _process(["-m", "faq_cli"], args, env)
    assert fast == through_typer
    assert "Traceback" not in fast.err


# ---- what a warm lookup imports -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["ask", "who is alekseyev"], ["ask", "--json", "who is alekseyev"], ["incidents", "--year", "2025"]], ids=" ".join
)
def test_a_warm_lookup_does_not_import_typer(tmp_path: Path, args: list[str]) -> None:
    imported = _warm_imports(tmp_path, *args)
    assert "faq_cli.commands" in imported
    assert not {"typer", "faq_cli.app"} & imported


def test_the_overview_does_not_import_typer(tmp_path: Path) -> None:
    imported = _warm_imports(tmp_path)
    assert "faq_cli.stats" in imported
    assert not {"typer", "faq_cli.app"} & imported


def test_help_still_comes_from_typer(tmp_path: Path) -> None:
    assert {"typer", "faq_cli.app"} <= _warm_imports(tmp_path, "--help")
