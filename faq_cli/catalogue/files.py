"""Find a catalogue's files: the active paths and the YAML files under them.

Kept apart from `catalogue.py` so that a lookup served from the index can list
and stat the files without importing the YAML parser.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from faq_cli.catalogue.layers import ENV_DATA as ENV_DATA  # re-exported: older callers import these from here
from faq_cli.catalogue.layers import Layer, active_layers
from faq_cli.catalogue.layers import bundled_path as bundled_path
from faq_cli.errors import Problem

YAML_SUFFIXES = (".yaml", ".yml")
MAX_DEPTH = 32  # directories below a catalogue path that are read; a deeper one is a problem, never a crash


def active_paths(data: Sequence[str] | None, environ: Mapping[str, str] | None = None) -> list[str]:
    """The paths of the active layers (see `layers.active_layers`)."""
    return [layer.path for layer in active_layers(data, environ)]


def shown(path: str | os.PathLike[str]) -> str:
    """A path as messages show it: a name that is not valid UTF-8 gets `\\xNN` escapes for its stray bytes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def catalogue_files(paths: Iterable[str]) -> tuple[list[Path], list[Problem]]:
    """Expand directories into their YAML files, in a stable order; report paths that are unusable."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        try:
            is_dir = stat.S_ISDIR(os.stat(path).st_mode)
        except (OSError, ValueError):  # missing, a name too long, a link loop…: parse_file says which
            is_dir = False
        if is_dir:
            found = sorted(_walk_yaml(path, problems))
            if not found:
                problems.append(Problem(shown(raw), 0, 0, "no *.yaml or *.yml files in this directory"))
            files.extend(found)
        else:
            files.append(path)  # parse_file says what is wrong with a missing path, FIFO, loop…
    return files, problems


def layer_files(layers: Sequence[Layer]) -> tuple[list[tuple[Path, int]], list[Problem]]:
    """Each layer's files with the layer's number, in order; a file already in an earlier layer is read there only."""
    found: list[tuple[Path, int]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for n, layer in enumerate(layers):
        files, missing = catalogue_files([layer.path])
        problems += missing
        for file in files:
            key = os.path.abspath(file)
            if key not in seen:
                seen.add(key)
                found.append((file, n))
    return found, problems


def _walk_yaml(root: Path, problems: list[Problem]) -> Iterator[Path]:
    """The YAML files under `root`. The walk keeps its own stack, so no depth can exhaust Python's (os.walk
    recursed), stops at MAX_DEPTH levels with a problem, and never follows a directory link, so a link loop
    cannot trap it; hidden files and directories are left out."""
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # unreadable, or vanished: as os.walk, passed over
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
                linked = entry.is_symlink()
            except OSError:
                is_dir, linked = False, False
            if not is_dir:
                if entry.name.endswith(YAML_SUFFIXES):  # a link to a file too; parse_file says what is wrong with it
                    yield Path(entry.path)
            elif linked:
                continue
            elif depth < MAX_DEPTH:
                stack.append((Path(entry.path), depth + 1))
            else:
                message = f"a directory nested more than {MAX_DEPTH} levels deep is not read; move its files up"
                problems.append(Problem(shown(entry.path), 0, 0, message))
