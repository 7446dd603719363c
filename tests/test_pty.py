"""In a real pseudo-terminal: colour, width and the pager behave as on a user's screen."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def run_in_pty(
    args: list[str], tmp_path: Path, *, columns: int = 100, rows: int = 200, env: dict[str, str] | None = None, keys: str = ""
) -> tuple[int, str]:
    """Run `faq args` in a pty of the given size; send `keys` once output starts; return (status, raw output)."""
    # The size comes from the pty alone: COLUMNS/LINES from the test runner's environment would override it.
    unset = ("FAQ_CLI", "NO_COLOR", "FORCE_COLOR", "PAGER", "LESS", "COLUMNS", "LINES")
    base = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
    base |= {"TERM": "xterm-256color", "FAQ_CLI_CACHE_DIR": str(tmp_path / "cache")} | (env or {})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "faq_cli", *args],
        env=base,
        cwd=str(tmp_path),
        dimensions=(rows, columns),
        encoding="utf-8",
        timeout=30,
    )
    if keys:
        child.expect(r"\S")
        child.send(keys)
    output = child.read()
    child.close()
    return child.exitstatus, output


def plain_lines(raw: str) -> list[str]:
    return ANSI.sub("", raw).replace("\r\n", "\n").split("\n")


def test_colour_on_a_terminal(tmp_path: Path) -> None:
    status, raw = run_in_pty(["--no-pager", "ask", "Who is Vladimir Alekseyev?"], tmp_path)
    assert status == 0
    assert "\x1b[" in raw
    assert "Who is Vladimir Alekseyev?" in ANSI.sub("", raw)


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_escape_codes_with_no_color_or_a_dumb_terminal(env: dict[str, str], tmp_path: Path) -> None:
    status, raw = run_in_pty(["--no-pager", "ask", "Who is Vladimir Alekseyev?"], tmp_path, env=env)
    assert status == 0
    assert "\x1b" not in raw
    assert "Vladimir Alekseyev" in raw


@pytest.mark.parametrize("columns", [60, 120])
def test_output_fits_the_terminal_width(columns: int, tmp_path: Path) -> None:
    for args in (["incidents"], ["profile", "alekseyev"], ["stats"], []):
        status, raw = run_in_pty(["--no-pager", *args], tmp_path, columns=columns)
        assert status == 0, args
        widths = [len(line) for line in plain_lines(raw)]
        assert max(widths) <= columns, (args, max(widths))
    _, raw = run_in_pty(["--no-pager", "incidents"], tmp_path, columns=columns)
    assert max(len(line) for line in plain_lines(raw)) > 60 if columns == 120 else True  # wide terminals are used


def test_long_output_goes_through_the_pager(tmp_path: Path) -> None:
    pager = {"FAQ_CLI_PAGER": "sed s/^/PAGED:/"}
    status, raw = run_in_pty(["profile", "alekseyev"], tmp_path, rows=10, env=pager)
    assert status == 0
    lines = [line for line in plain_lines(raw) if line.strip()]
    assert len(lines) > 10
    assert all(line.startswith("PAGED:") for line in lines)
    assert "\x1b[" in raw  # colour kept for the pager (less -R shows it)


def test_short_output_is_not_paged(tmp_path: Path) -> None:
    status, raw = run_in_pty(["incidents", "--year", "2024"], tmp_path, rows=100, env={"FAQ_CLI_PAGER": "sed s/^/PAGED:/"})
    assert status == 0
    assert "PAGED:" not in raw and "Kirillov" in raw


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--no-pager", "profile", "alekseyev"], {"FAQ_CLI_PAGER": "sed s/^/PAGED:/"}),
        (["profile", "alekseyev", "--json"], {"FAQ_CLI_PAGER": "sed s/^/PAGED:/"}),
        (["profile", "alekseyev"], {"FAQ_CLI_PAGER": "", "PAGER": "sed s/^/PAGED:/"}),
        (["profile", "alekseyev"], {"FAQ_CLI_PAGER": "cat", "PAGER": "sed s/^/PAGED:/"}),
    ],
    ids=["no-pager", "json", "empty-FAQ_CLI_PAGER", "cat"],
)
def test_paging_turned_off(args: list[str], env: dict[str, str], tmp_path: Path) -> None:
    status, raw = run_in_pty(args, tmp_path, rows=10, env=env)
    assert status == 0
    assert "PAGED:" not in raw and "Alekseyev" in raw


def test_pager_falls_back_to_pager_env_then_less(tmp_path: Path) -> None:
    status, raw = run_in_pty(["profile", "alekseyev"], tmp_path, rows=10, env={"PAGER": "sed s/^/VIA-PAGER:/"})
    assert status == 0 and "VIA-PAGER:" in raw


@pytest.mark.skipif(not any(Path(p, "less").exists() for p in os.environ.get("PATH", "").split(os.pathsep)), reason="needs less")
def test_default_pager_is_less_and_q_quits(tmp_path: Path) -> None:
    status, raw = run_in_pty(["profile", "alekseyev"], tmp_path, rows=10, keys="q")
    assert status == 0
    assert "Alekseyev" in ANSI.sub("", raw)


def test_a_missing_pager_prints_directly(tmp_path: Path) -> None:
    status, raw = run_in_pty(["profile", "alekseyev"], tmp_path, rows=10, env={"FAQ_CLI_PAGER": "no-such-pager-here"})
    assert status == 0
    assert "Vladimir Alekseyev" in ANSI.sub("", raw)


def test_a_pipe_gets_plain_text_even_from_a_colour_terminal(tmp_path: Path) -> None:
    """`faq ask … | cat` from a colour terminal: no NO_COLOR, TERM says colour, but stdout is a pipe."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAQ_CLI", "NO_COLOR", "FORCE_COLOR", "TTY_"))}
    env |= {"TERM": "xterm-256color", "COLORTERM": "truecolor", "FAQ_CLI_CACHE_DIR": str(tmp_path / "cache")}
    for args in (["ask", "Who is Vladimir Alekseyev?"], ["stats"], []):
        proc = subprocess.run([sys.executable, "-m", "faq_cli", *args], capture_output=True, text=True, env=env, timeout=30)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout and "\x1b" not in proc.stdout, args


def test_never_paged_in_a_pipe(faq_process) -> None:
    run = faq_process("profile", "alekseyev", env={"FAQ_CLI_PAGER": "sed s/^/PAGED:/", "LINES": "5"})
    assert run.status == 0
    assert "PAGED:" not in run.out and "\x1b" not in run.out


def test_source_links_are_clickable_on_a_terminal_only(tmp_path: Path, faq_process) -> None:
    assert faq_process("init", str(tmp_path / "cat")).status == 0
    status, raw = run_in_pty(["--no-pager", "--data", str(tmp_path / "cat"), "sources"], tmp_path, columns=120)
    assert status == 0
    assert "\x1b]8;" in raw and "https://example.org/reports/depot-fire" in raw
    piped = faq_process("--data", str(tmp_path / "cat"), "sources", env={"COLUMNS": "200"})
    assert "https://example.org/reports/depot-fire" in piped.out and "\x1b" not in piped.out
