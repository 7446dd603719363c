"""Regenerate the README's images: SVGs of the real output of faq's commands.

Each command runs in-process exactly as a user would type it, with colour forced
on a 100-column terminal; its ANSI output is redrawn by Rich's recording console
and saved as SVG in docs/; `faq browse` runs in a pseudo-terminal and its
screen is read back through the pyte terminal emulator (both test dependencies).
Run it after changing a renderer or the bundled catalogue, and commit the images:

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import io
import re
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


BROWSE_KEYS = ["kirillov", "\x1b[B", "\x1b[B"]  # what the picture of `faq browse` types: a filter, two rows down
BROWSE_SIZE = (110, 30)


def browse_screen(cache: str) -> Text:
    """`faq browse` as a terminal shows it after BROWSE_KEYS: run in a pseudo-terminal (pexpect), its screen
    read back by a terminal emulator (pyte), cell by cell with colours and reverse video."""
    import contextlib
    import os
    import time

    import pexpect
    import pyte

    columns, rows = BROWSE_SIZE
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAQ_CLI", "NO_COLOR", "COLUMNS", "LINES"))}
    env |= {"TERM": "xterm-256color", "FAQ_CLI_CACHE_DIR": cache}
    child = pexpect.spawn(sys.executable, ["-m", "faq_cli", "browse"], env=env, dimensions=(rows, columns), encoding="utf-8")
    screen = pyte.Screen(columns, rows)
    stream = pyte.Stream(screen)

    def settle(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            with contextlib.suppress(pexpect.TIMEOUT):
                stream.feed(child.read_nonblocking(100_000, timeout=0.2))

    settle(3)
    for keys in BROWSE_KEYS:
        child.send(keys)
        settle(1)
    shown = Text()
    for y in range(rows):
        run, run_style = "", ""
        for x in range(columns):  # cells of one look are joined into one run, as a terminal would draw them
            cell = screen.buffer[y][x]
            style = _cell_style(cell)
            if style != run_style:
                shown.append(run, style=run_style)
                run, run_style = "", style
            run += cell.data
        shown.append(run, style=run_style)
        shown.append("\n")
    shown.rstrip()
    child.send("\x1b")  # leave only now: leaving clears the screen
    child.expect(pexpect.EOF)
    return shown


def _cell_style(cell: object) -> str:
    """A pyte cell's look as a Rich style."""
    parts = []
    for attribute in ("bold", "italics", "underscore", "reverse"):
        if getattr(cell, attribute):
            parts.append({"italics": "italic", "underscore": "underline"}.get(attribute, attribute))
    for layer, prefix in (("fg", ""), ("bg", "on ")):
        colour = getattr(cell, layer)
        if colour != "default":
            named = {"brown": "yellow", "brightblack": "bright_black"}.get(colour, colour)
            parts.append(prefix + (f"#{named}" if re.fullmatch(r"[0-9a-fA-F]{6}", named) else named))
    return " ".join(parts)


def save_browse(cache: str) -> Path:
    console = Console(record=True, width=BROWSE_SIZE[0], force_terminal=True, color_system="truecolor", file=io.StringIO())
    console.print(Text.assemble(("$ ", "bold green"), ("faq browse", "bold"), ("   # then: kirillov ↓ ↓", "dim")))
    console.print(browse_screen(cache), soft_wrap=True)
    path = DOCS / "browse.svg"
    console.save_svg(str(path), title="faq browse")
    return path


def main(names: list[str]) -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as cache:
        for name in names or [*SHOTS, "browse"]:
            path = save_browse(cache) if name == "browse" else save(name, SHOTS[name], render(SHOTS[name], cache))
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
