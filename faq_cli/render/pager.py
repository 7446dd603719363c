"""Long output through a pager on a terminal, as git does it.

The pager is `FAQ_CLI_PAGER`, else `PAGER`, else `less -FRX`; an empty value or
`cat` means no pager. Output that fits the screen is printed directly, so a
short lookup never pays for starting another process, whatever pager is set.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Mapping

ENV_PAGER = "FAQ_CLI_PAGER"
DEFAULT_PAGER = "less -FRX"
# git's rule: a command with any of these needs a shell; anything else runs directly.
_SHELL_CHARS = set("|&;<>()$`\\\"'*?[#~=%")


def pager_command(environ: Mapping[str, str] | None = None) -> str | None:
    """The pager to use, or None when the user turned paging off."""
    env = os.environ if environ is None else environ
    for name in (ENV_PAGER, "PAGER"):
        if name in env:
            command = env[name].strip()
            return None if command in ("", "cat") else command
    return DEFAULT_PAGER


def wants_pager(lines: int, height: int, environ: Mapping[str, str] | None = None) -> bool:
    """Page only on a real terminal that is not dumb, and only output taller than the screen."""
    env = os.environ if environ is None else environ
    if env.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    try:
        interactive = sys.stdout.isatty() and sys.stdin.isatty()
    except (ValueError, AttributeError):
        return False
    return interactive and lines >= height


def page(text: str, command: str, *, to_read: bool = False) -> bool:
    """Show `text` through `command`; False when the pager cannot be started (the caller prints instead).

    `to_read`: the user asked to read this text (`faq browse`), so less stays open even when the text fits
    the screen, and gives the screen back as it was when it quits."""
    import shlex
    import subprocess  # only when a pager is started: about 2 ms of every lookup in a pipe otherwise

    env = dict(os.environ)
    if to_read and command == DEFAULT_PAGER:
        command = "less -R"
    # As git: quit if one screen, keep colours, leave the text on screen.
    env.setdefault("LESS", "R" if to_read else "FRX")
    env.setdefault("LV", "-c")
    try:
        argv = shlex.split(command)
    except ValueError:
        argv = []
    shell = not argv or any(ch in _SHELL_CHARS for ch in command)
    try:
        sys.stdout.flush()
        proc = subprocess.Popen(
            command if shell else argv,
            shell=shell,
            stdin=subprocess.PIPE,
            env=env,
            encoding="utf-8",
            errors="replace",
        )
    except OSError:
        return False
    assert proc.stdin is not None
    # The pager owns the keyboard now: Ctrl-C is for it (less uses it to stop a search), not for us.
    previous = _ignore_interrupts()
    try:
        try:
            proc.stdin.write(text)
            proc.stdin.close()
        except (BrokenPipeError, OSError):  # the user quit before reading everything
            pass
        proc.wait()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return True


def _ignore_interrupts() -> signal.Handlers | int | None:
    try:
        return signal.signal(signal.SIGINT, signal.SIG_IGN)  # type: ignore[return-value]
    except ValueError:  # not the main thread: leave signals alone
        return None
