"""A progress bar for a long index build: on stderr, only on a terminal, only after the first second.

Rich is imported only when the bar is actually shown, so a fast build (or a
fresh index) costs nothing here.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

DELAY_SECONDS = 1.0


def index_progress(delay: float = DELAY_SECONDS) -> Callable[[int, int], None] | None:
    """A `(done, total)` callback that shows a bar once a build has run longer than `delay`; None off a terminal."""
    try:
        if not sys.stderr.isatty():
            return None
    except (AttributeError, ValueError):  # stderr closed or replaced
        return None
    started = time.monotonic()
    shown: list[Any] = []  # [Progress, task id] once the bar is up

    def update(done: int, total: int) -> None:
        if not shown:
            if done >= total or time.monotonic() - started < delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            bar = Progress(
                TextColumn("indexing the catalogue"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            bar.start()
            shown.extend((bar, bar.add_task("index", total=total)))
        bar, task = shown
        bar.update(task, completed=done, total=total)
        if done >= total:
            bar.stop()

    return update
