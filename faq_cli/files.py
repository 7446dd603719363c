"""Find a catalogue's files: the active paths and the YAML files under them.

Kept apart from `catalogue.py` so that a lookup served from the index can list
and stat the files without importing the YAML parser.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from faq_cli.errors import Problem

YAML_SUFFIXES = (".yaml", ".yml")
ENV_DATA = "FAQ_CLI_DATA"


def bundled_path() -> Path:
    """The bundled catalogue: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "data"
    return installed if installed.is_dir() else here.parent / "data"


def active_paths(data: Sequence[str] | None, environ: dict[str, str] | None = None) -> list[str]:
    """`--data` paths, else `FAQ_CLI_DATA`, else the bundled catalogue."""
    if data:
        return list(data)
    env = (environ if environ is not None else os.environ).get(ENV_DATA, "")
    parts = [p for p in env.split(os.pathsep) if p.strip()]
    return parts or [str(bundled_path())]


def catalogue_files(paths: Iterable[str]) -> tuple[list[Path], list[Problem]]:
    """Expand directories into their YAML files, in a stable order; report paths that are unusable."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(_walk_yaml(path))
            if not found:
                problems.append(Problem(raw, 0, 0, "no *.yaml or *.yml files in this directory"))
            files.extend(found)
        else:
            files.append(path)  # parse_file says what is wrong with a missing path, FIFO, loop…
    return files, problems


def _walk_yaml(root: Path) -> Iterator[Path]:
    # os.walk does not follow directory links, so a link loop cannot trap it.
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                yield Path(folder, name)
