"""Find a catalogue's files: the active paths and the YAML files under them.

Kept apart from `catalogue.py` so that a lookup served from the index can list
and stat the files without importing the YAML parser.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from faq_cli.catalogue.layers import ENV_DATA as ENV_DATA  # re-exported: older callers import these from here
from faq_cli.catalogue.layers import Layer, active_layers
from faq_cli.catalogue.layers import bundled_path as bundled_path
from faq_cli.errors import Problem

YAML_SUFFIXES = (".yaml", ".yml")


def active_paths(data: Sequence[str] | None, environ: Mapping[str, str] | None = None) -> list[str]:
    """The paths of the active layers (see `layers.active_layers`)."""
    return [layer.path for layer in active_layers(data, environ)]


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


def _walk_yaml(root: Path) -> Iterator[Path]:
    # os.walk does not follow directory links, so a link loop cannot trap it.
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                yield Path(folder, name)
