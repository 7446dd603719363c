"""Every command's terminal output at 60 and 100 columns, without colour and with it, against golden files.

Regenerate after an intended change with FAQ_UPDATE_GOLDEN=1 and read the diff:

    FAQ_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden_wide.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from faq_cli.app import app

GOLDEN = Path(__file__).resolve().parent / "golden_wide"
WIDTHS = (60, 100)
CASES = {
    "overview": [],
    "ask": ["ask", "Who is Vladimir Alekseyev?"],
    "ask-full": ["ask", "Who is Vladimir Alekseyev?", "--full"],
    "questions": ["questions"],
    "search": ["search", "car bomb"],
    "incidents": ["incidents"],
    "incident": ["incident", "kirillov-scooter-bomb-2024"],
    "event": ["event", "wagner-mutiny-2023"],
    "timeline": ["timeline"],
    "profile": ["profile", "alekseyev"],
    "profile-full": ["profile", "alekseyev", "--full"],
    "people": ["people"],
    "sources": ["sources"],
    "validate": ["validate"],
    "stats": ["stats"],
    "init": ["init", "starter"],
}
# Commands whose output is not for the terminal (JSON) have no golden file; nor has the interactive one
# (browse draws a full screen: tests/test_browse.py reads it through a terminal emulator), nor those that
# open an editor (`new`, `edit`: tests/test_editing.py), or whose output names this machine's paths
# (`catalogue list`: tests/test_catalogues.py checks it at 60 and 120 columns).
NOT_TERMINAL = {"schema", "browse", "new", "edit", "catalogue"}
# Rich gives each OSC 8 hyperlink a random id; the id is not part of what is shown.
LINK_ID = re.compile(r"\x1b\]8;id=[^;]*;")


def render(args: list[str], width: int, colour: bool, cwd: Path) -> tuple[int, str]:
    env: dict[str, str | None] = {
        "COLUMNS": str(width),
        "LINES": "1000",
        "FAQ_CLI_DATA": None,
        "FAQ_CLI_CACHE_DIR": str(cwd / "cache"),
        "COLORTERM": None,
        "FAQ_CLI_PAGER": None,
        "PAGER": None,
        "FAQ_CLI_STALE_DAYS": "0",  # the "as of" note depends on today's date
    }
    env |= {"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color"} if colour else {"NO_COLOR": "1", "TERM": "dumb"}
    result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)  # type: ignore[arg-type]
    return result.exit_code, LINK_ID.sub("\x1b]8;id=0;", result.stdout)


def test_every_terminal_command_has_a_golden_case() -> None:
    commands = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert commands - NOT_TERMINAL <= {args[0] for args in CASES.values() if args}


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(CASES))
def test_output_matches_golden_file(name: str, width: int, colour: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # `init starter` writes here, and prints paths relative to it
    status, out = render(CASES[name], width, colour, tmp_path)
    assert status == 0
    if not colour:
        assert "\x1b" not in out
        assert all(len(line) <= width for line in out.splitlines() if name != "init"), "a line is wider than the terminal"
    else:
        assert "\x1b[" in out
    path = GOLDEN / f"{name}-{width}-{'colour' if colour else 'plain'}.txt"
    if os.environ.get("FAQ_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}; run with FAQ_UPDATE_GOLDEN=1"
    assert out == path.read_text(encoding="utf-8")
