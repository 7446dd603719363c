"""The exit statuses, named once, and the few exception types the library raises; only the CLI layer maps
exceptions to exit statuses, but every layer may name one (the browser ends with INTERRUPTED on Ctrl-C)."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class ExitStatus(IntEnum):
    """What `faq` tells the shell (the README lists them)."""

    OK = 0
    NO_MATCH = 1  # nothing matched well enough, or `validate` found problems
    USAGE = 2  # bad usage, or a catalogue that cannot be read
    INTERNAL = 70  # a bug (EX_SOFTWARE)
    IO = 74  # the output could not be written (EX_IOERR)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


class Problem(NamedTuple):
    """One located problem in a catalogue file: `path:line:col: message`."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{self.path}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "column": self.column, "message": self.message}


class FaqError(Exception):
    """Base of the errors the CLI reports as one line."""


class CatalogueError(FaqError):
    """The catalogue cannot be read or is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(str(problems[0]) if problems else "invalid catalogue")
