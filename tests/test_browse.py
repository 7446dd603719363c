"""`faq browse` in a real pseudo-terminal: what is on the screen (through the pyte terminal emulator) while
a user types, moves, resizes the window, opens an entry in the pager and leaves with Esc or Ctrl-C."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

KEYS_LINE = "Esc or Ctrl-C leave"
DOWN, ESC, CTRL_C, ENTER = "\x1b[B", "\x1b", "\x03", "\r"


class Terminal:
    """`faq browse` (or a shell line) in a pty of a given size, with an emulated screen to read."""

    def __init__(self, argv: list[str], tmp_path: Path, columns: int, rows: int, env: dict[str, str] | None = None) -> None:
        unset = ("FAQ_CLI", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")
        base = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
        base |= {"TERM": "xterm-256color", "FAQ_CLI_CACHE_DIR": str(tmp_path / "cache")} | (env or {})
        self.child = pexpect.spawn(argv[0], argv[1:], env=base, cwd=str(tmp_path), dimensions=(rows, columns), encoding="utf-8")
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.raw = ""

    def read(self) -> None:
        try:
            while True:
                chunk = self.child.read_nonblocking(100_000, timeout=0.1)
                self.raw += chunk
                self.stream.feed(chunk)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass

    def shows(self, text: str, timeout: float = 20) -> str:
        """Wait until `text` is on the screen; the screen's text."""
        deadline = time.monotonic() + timeout
        while True:
            self.read()
            shown = "\n".join(line.rstrip() for line in self.screen.display)
            if text in shown:
                return shown
            assert time.monotonic() < deadline, f"{text!r} never appeared; the screen:\n{shown}"

    def printed(self, text: str, timeout: float = 20) -> None:
        """Wait until `text` has been written to the terminal (it may be drawn over since)."""
        deadline = time.monotonic() + timeout
        while text not in self.raw:
            self.read()
            assert time.monotonic() < deadline, f"{text!r} was never written"

    def type(self, keys: str) -> None:
        self.child.send(keys)

    def resize(self, columns: int, rows: int) -> None:
        self.screen.resize(rows, columns)
        self.screen.reset()  # the program redraws everything after a resize
        self.child.setwinsize(rows, columns)

    def ended(self) -> int:
        self.child.expect(pexpect.EOF, timeout=20)
        self.raw += self.child.before or ""
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)


def _preview(screen: str) -> str:
    """The right-hand pane of a wide screen, joined into one text."""
    return " ".join(" ".join(line.split("│", 1)[1:]) for line in screen.splitlines()[2:-1])


@pytest.fixture
def browse(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal([sys.executable, "-m", "faq_cli", "browse"], tmp_path, 120, 30, {"FAQ_CLI_PAGER": "sed s/^/PAGED:/"})
    yield term
    if term.child.isalive():
        term.child.terminate(force=True)


def test_every_entry_is_listed_with_a_preview_and_the_keys(browse: Terminal) -> None:
    screen = browse.shows(KEYS_LINE)
    assert "type to filter" in screen and "Enter read in the pager" in screen
    shown, total = screen.splitlines()[0].split()[-3::2]
    assert shown == total and int(total) > 90  # every question, person, incident and event
    first = screen.splitlines()[2]
    assert first.startswith(" question ") and "│╭─ " in first  # the list, and the first entry's card beside it


def test_typing_filters_with_the_search_matching_and_the_preview_follows(browse: Terminal) -> None:
    browse.shows(KEYS_LINE)
    browse.type("sarvarov car bomb")
    screen = browse.shows(" incident Lt Gen Fanil Sarvarov killed")
    total = int(screen.splitlines()[0].split(" of ")[1].split()[0])
    shown = int(screen.splitlines()[0].split(" of ")[0].split()[-1])
    assert 0 < shown < total
    second = screen.splitlines()[3].split("│")[0].split(maxsplit=1)[1].strip()
    assert second[:20] not in _preview(screen)
    browse.type(DOWN)
    deadline = time.monotonic() + 20
    while second[:20] not in _preview(browse.shows(KEYS_LINE)):  # the preview follows the selection
        assert time.monotonic() < deadline, browse.shows(KEYS_LINE)
    browse.type("\x15zzqqxx")  # Ctrl-U clears the filter line
    browse.shows("nothing matches")
    browse.type(ESC)
    assert browse.ended() == 0


def test_enter_opens_the_whole_entry_in_the_pager_and_comes_back(browse: Terminal) -> None:
    browse.shows(KEYS_LINE)
    browse.type("who was kirillov")
    assert "https://" not in _preview(browse.shows("Who was Igor Kirillov?"))
    browse.type(ENTER)
    browse.printed("PAGED:")
    paged = re.findall(r"PAGED:[^\r\n]*", browse.raw)
    assert any("https://" in line for line in paged)  # the whole card, its sources' links with it
    browse.shows(KEYS_LINE)  # back in the list
    browse.type(ESC)
    assert browse.ended() == 0


def test_a_resize_redraws_the_layout_for_the_new_width(browse: Terminal) -> None:
    wide = browse.shows(KEYS_LINE)
    assert "│╭─" in wide  # the preview beside the list
    browse.resize(70, 30)
    narrow = browse.shows("Esc leave")
    lines = narrow.splitlines()
    assert all(len(line) <= 70 for line in lines)
    rules = [n for n, line in enumerate(lines) if line == "─" * 70]
    assert len(rules) == 2 and lines[rules[1] + 1].startswith("╭─")  # the preview under the list
    browse.type(ESC)
    assert browse.ended() == 0


def test_ctrl_c_leaves_with_130_and_the_terminal_restored(tmp_path: Path) -> None:
    shell = Terminal(["sh", "-c", f'"{sys.executable}" -m faq_cli browse; echo "status $?"; stty -a'], tmp_path, 100, 24)
    shell.shows(KEYS_LINE)
    shell.type(CTRL_C)
    screen = shell.shows("status 130")
    assert KEYS_LINE not in screen  # the alternate screen is gone
    shell.ended()
    assert "\x1b[?1049l" in shell.raw  # left the alternate screen
    settings = shell.raw.split("status 130")[1]
    assert " icanon" in settings and " echo" in settings and "-icanon" not in settings  # cooked mode again


def test_without_a_terminal_it_says_so_and_exits_2(faq_process) -> None:
    run = faq_process("browse")
    assert (run.status, run.out) == (2, "")
    assert run.err.startswith("faq: faq browse needs a terminal") and run.err.count("\n") == 1


def test_no_color_draws_without_colour(tmp_path: Path) -> None:
    term = Terminal([sys.executable, "-m", "faq_cli", "browse"], tmp_path, 100, 24, {"NO_COLOR": "1"})
    term.shows(KEYS_LINE)
    assert "\x1b[38;" not in term.raw and "\x1b[1;36m" not in term.raw
    term.type(ESC)
    assert term.ended() == 0


@pytest.mark.parametrize("args", [["--help"], ["ask", "who is alekseyev"], ["profile", "alekseyev", "--full"]])
def test_no_other_command_loads_prompt_toolkit(args: list[str], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQ_CLI")} | {"FAQ_CLI_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "faq_cli", *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 0, run.stderr[-300:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "faq_cli.commands" in imported or "faq_cli.app" in imported
    assert not {m for m in imported if m.startswith("prompt_toolkit")}


def test_catalogue_text_is_shown_inert(tmp_path: Path) -> None:
    """Escape sequences and bidi controls in a catalogue are drawn as visible marks, never sent to the terminal."""
    hostile = Path(__file__).parent / "fixtures" / "good" / "hostile"
    term = Terminal([sys.executable, "-m", "faq_cli", "--data", str(hostile), "browse"], tmp_path, 120, 30)
    term.shows(KEYS_LINE)
    term.type("mallory")
    screen = term.shows("Mallory")
    assert "␛[31m" in screen  # the catalogue's escape, shown as a mark to read
    assert "\x1b[31mRed" not in term.raw and "\x1b[31mnot red" not in term.raw and "\x1b]0;" not in term.raw
    assert "\u202e" not in term.raw
    term.type(ESC)
    assert term.ended() == 0
