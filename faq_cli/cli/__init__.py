"""The `faq` entry point: run a command line, and turn faults into one line and an exit status.

A well-formed lookup (`faq ask …`, `faq incidents --year 2025`…) is parsed by
`argv.py` and run straight from `commands.py`, without importing Typer (about
30 ms of a 70 ms lookup); anything else, help and every usage error included,
goes to the Typer app in `app.py`, which defines the command line. Both run the
same command functions. This module imports nothing heavy: it is the start of
every call.
"""

from __future__ import annotations

import io
import os
import signal
import sys
from typing import NoReturn

from faq_cli.errors import ExitStatus


def run(args: list[str]) -> int | str | None:
    """Run one command line; its exit status (Typer's, through SystemExit, for what the fast path does not own)."""
    from faq_cli.mirrors import argv

    lookup = argv.parse(args, os.environ)
    if lookup is None:
        from faq_cli.cli.app import app

        try:
            app(args=args, prog_name="faq")
        except SystemExit as done:
            return done.code
        return ExitStatus.OK
    from faq_cli.cli import commands

    try:
        getattr(commands, lookup.command)(commands.Env(lookup.data, lookup.pager), **lookup.values)
    except commands.Exit as done:
        return done.status
    return ExitStatus.OK


def main() -> NoReturn:
    """Run the app; turn a closed pipe, a full disk, Ctrl-C or an internal bug into one line and an exit status."""
    _usable_streams()
    # Typer turns KeyboardInterrupt into a silent exit 130; a signal handler of our own keeps the message.
    signal.signal(signal.SIGINT, _interrupt)
    status: int | str | None = ExitStatus.OK
    try:
        status = run(sys.argv[1:])
        sys.stdout.flush()  # what is still buffered must be written before the exit status claims success
    except BrokenPipeError:  # the reader went away (`faq timeline | head -1`): that is not an error
        _silence_stdout()
        sys.exit(ExitStatus.OK)
    except (_Interrupted, KeyboardInterrupt):
        _silence_stdout()
        sys.stderr.write("faq: interrupted\n")
        sys.exit(ExitStatus.INTERRUPTED)
    except OSError as exc:  # the system refused to take the output: a full disk, a vanished terminal…
        if os.environ.get("FAQ_CLI_DEBUG"):
            raise
        _silence_stdout()
        sys.stderr.write(f"faq: cannot write the output: {exc.strerror or exc}\n")
        sys.exit(ExitStatus.IO)
    except Exception as exc:  # an internal bug: one line, the traceback on request
        if os.environ.get("FAQ_CLI_DEBUG"):
            raise
        from faq_cli.text.inert import one_line

        what = one_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:300]
        sys.stderr.write(f"faq: internal error: {what} (run with FAQ_CLI_DEBUG=1 for the traceback)\n")
        sys.exit(ExitStatus.INTERNAL)
    sys.exit(status)


class _Interrupted(BaseException):
    """Ctrl-C, raised by our SIGINT handler: not a KeyboardInterrupt, so Typer cannot swallow it."""


def _interrupt(signum: int, frame: object) -> None:
    raise _Interrupted


def _usable_streams() -> None:
    """Streams that cannot fail on what we write: closed ones go to /dev/null, odd text is escaped."""
    if sys.stdout is None:  # started with stdout closed (`faq people >&-`)
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        # A name typed in a non-UTF-8 locale arrives as lone surrogates; print them escaped, never crash on them.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; point it at /dev/null so that flush cannot fail.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no file descriptor behind stdout: nothing to flush into
        pass
