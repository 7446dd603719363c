"""Regenerate the README's images: SVGs of the real output of faq's commands.

Each command runs in-process exactly as a user would type it, with colour forced
on a 100-column terminal; its ANSI output is redrawn by Rich's recording console
and saved as SVG in docs/. Run it after changing a renderer or the bundled
catalogue, and commit the images:

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import io
import shlex
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
WIDTH = 100
SHOTS = {
    "ask": 'faq ask "Who is Vladimir Alekseyev?"',
    "incidents": "faq incidents --year 2025",
    "timeline": "faq timeline",
    "profile": "faq profile alekseyev",
    "overview": "faq",
    "stats": "faq stats",
}


def render(command: str, cache: str) -> str:
    """The ANSI output of `command` (a `faq …` line) run in-process on a colour terminal WIDTH wide."""
    from faq_cli.app import app

    env = {
        "FORCE_COLOR": "1",
        "NO_COLOR": None,
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "COLUMNS": str(WIDTH),
        "LINES": "10000",
        "FAQ_CLI_DATA": None,
        "FAQ_CLI_CACHE_DIR": cache,
    }
    result = CliRunner().invoke(app, shlex.split(command)[1:], env=env, catch_exceptions=False)  # type: ignore[arg-type]
    if result.exit_code != 0:
        raise SystemExit(f"{command!r} exited {result.exit_code}: {result.stderr}")
    return result.stdout


def save(name: str, command: str, ansi: str) -> Path:
    console = Console(record=True, width=WIDTH, force_terminal=True, color_system="truecolor", file=io.StringIO())
    console.print(Text.assemble(("$ ", "bold green"), (command, "bold")))
    console.print(Text.from_ansi(ansi.rstrip("\n")), soft_wrap=True)
    path = DOCS / f"{name}.svg"
    console.save_svg(str(path), title=command)
    return path


def main(names: list[str]) -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as cache:
        for name in names or list(SHOTS):
            path = save(name, SHOTS[name], render(SHOTS[name], cache))
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
