"""`faq init DIR`: write a small, valid starter catalogue and its JSON Schema for editors.

Files are created exclusively (O_EXCL), so nothing that already exists is
overwritten, not even through a symbolic link planted at a target name.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from faq_cli.errors import FaqError

CATALOGUE_FILE = "catalogue.yaml"
SCHEMA_FILE = "catalogue.schema.json"
_STARTER = Path(__file__).resolve().parent / "starter" / CATALOGUE_FILE


class InitError(FaqError):
    """The starter cannot be written; the message says why."""


def starter_files(today: dt.date | None = None) -> dict[str, str]:
    """The files `faq init` writes, by name."""
    from faq_cli.catalogue.schema import catalogue_schema

    day = (today or dt.date.today()).isoformat()
    catalogue = _STARTER.read_text(encoding="utf-8").replace("__TODAY__", day)
    return {CATALOGUE_FILE: catalogue, SCHEMA_FILE: json.dumps(catalogue_schema(), indent=2) + "\n"}


def init(directory: Path, today: dt.date | None = None) -> list[Path]:
    """Write the starter into `directory` (created if missing); raise InitError rather than overwrite anything."""
    try:
        if directory.exists() and not directory.is_dir():
            raise InitError(f"{directory} exists and is not a directory")
    except OSError as exc:  # a name too long, a loop of links…
        raise InitError(f"cannot create {directory}: {exc.strerror or exc}") from None
    files = starter_files(today)
    taken = [name for name in files if os.path.lexists(directory / name)]
    if taken:
        them = "it" if len(taken) == 1 else "them"
        raise InitError(f"{directory} already has {' and '.join(taken)}; not overwriting {them} (choose another directory)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InitError(f"cannot create {directory}: {exc.strerror or exc}") from None
    written: list[Path] = []
    for name, content in files.items():
        path = directory / name
        try:
            with path.open("x", encoding="utf-8", newline="\n") as f:
                f.write(content)
        except FileExistsError:
            raise InitError(f"{path} already exists; not overwriting") from None
        except OSError as exc:
            raise InitError(f"cannot write {path}: {exc.strerror or exc}") from None
        written.append(path)
    return written
