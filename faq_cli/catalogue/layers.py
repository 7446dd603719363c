"""The layers of the active catalogue, and the list of catalogues added with `faq catalogue add`.

A catalogue is read as layers, in order: the bundled catalogue and those added
with `faq catalogue add` by default, or the `--data` paths (`FAQ_CLI_DATA`)
when given, where the reserved name `bundled` stands for the shipped
catalogue. Read on every call, so it imports no YAML and no platformdirs on
Linux: the registry is one small JSON file in the user data directory.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from faq_cli.errors import FaqError
from faq_cli.mirrors.record import record

BUNDLED = "bundled"
ENV_DATA = "FAQ_CLI_DATA"
ENV_HOME = "FAQ_CLI_DATA_HOME"
APP_NAME = "faq-cli"
REGISTRY_FILE = "catalogues.json"
CLONES_DIR = "catalogues"
DRAFTS_DIR = "drafts"
REGISTRY_VERSION = 1


class LayerError(FaqError):
    """The list of added catalogues cannot be read or written; the message says why."""


@record(frozen=True)
class Layer:
    """One catalogue of the stack: what entries from it are called, where it is, and who keeps it.

    `kind` is `bundled` (shipped with the tool), `git` (a clone that `faq catalogue update` keeps),
    `local` (a folder added with `faq catalogue add`) or `path` (given with `--data`).
    """

    name: str
    path: str
    kind: str
    source: str | None = None

    @property
    def writable(self) -> bool:
        """Whether `faq new` and `faq edit` may write here: never the bundled catalogue or a managed clone."""
        return self.kind in ("local", "path")


@record(frozen=True)
class Registered:
    """A catalogue added with `faq catalogue add`: a git clone under the data directory, or a local folder."""

    name: str
    kind: str  # git | local
    path: str
    source: str | None = None  # the URL or path it was cloned from
    added: str | None = None  # ISO timestamps
    updated: str | None = None

    def layer(self) -> Layer:
        return Layer(self.name, self.path, self.kind, self.source)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "path": self.path,
            "source": self.source,
            "added": self.added,
            "updated": self.updated,
        }


def bundled_path() -> Path:
    """The bundled catalogue: inside the installed package, or beside it in a checkout."""
    package = Path(__file__).resolve().parent.parent  # faq_cli/
    installed = package / "data"
    return installed if installed.is_dir() else package.parent / "data"


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """Where added catalogues and drafts live: `FAQ_CLI_DATA_HOME`, else the user data directory."""
    env = environ if environ is not None else os.environ
    override = env.get(ENV_HOME, "").strip()
    if override:
        return Path(override)
    if sys.platform.startswith("linux"):  # as platformdirs computes it, without importing it on every call
        xdg = env.get("XDG_DATA_HOME", "").strip()
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share"
        return base / APP_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def registry_path(environ: Mapping[str, str] | None = None) -> Path:
    return data_home(environ) / REGISTRY_FILE


def clones_dir(environ: Mapping[str, str] | None = None) -> Path:
    return data_home(environ) / CLONES_DIR


def drafts_dir(environ: Mapping[str, str] | None = None) -> Path:
    return data_home(environ) / DRAFTS_DIR


def read_registry(environ: Mapping[str, str] | None = None) -> list[Registered]:
    """The catalogues added with `faq catalogue add`, in the order they were added (none: an empty list)."""
    path = registry_path(environ)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise LayerError(f"{path}: cannot read the list of added catalogues: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
        items = data["catalogues"]
        found = [
            Registered(
                str(item["name"]),
                str(item["kind"]),
                str(item["path"]),
                _optional(item.get("source")),
                _optional(item.get("added")),
                _optional(item.get("updated")),
            )
            for item in items
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise LayerError(
            f"{path}: the list of added catalogues is damaged ({type(exc).__name__}); fix or delete the file"
        ) from None
    if any(r.kind not in ("git", "local") for r in found):
        raise LayerError(f"{path}: the list of added catalogues is damaged (an unknown kind); fix or delete the file")
    return found


def _optional(value: object) -> str | None:
    return None if value is None else str(value)


def write_registry(items: Sequence[Registered], environ: Mapping[str, str] | None = None) -> None:
    """Replace the list of added catalogues, atomically (a reader sees the old list or the new one)."""
    path = registry_path(environ)
    text = json.dumps({"version": REGISTRY_VERSION, "catalogues": [r.to_json() for r in items]}, indent=2) + "\n"
    try:
        replace_file(path, text.encode("utf-8"))
    except OSError as exc:
        raise LayerError(f"{path}: cannot write the list of added catalogues: {exc.strerror or exc}") from None


def replace_file(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` in place of `path` atomically (a reader sees the old bytes or the new), through a temporary
    file beside it that is never left behind; `mode` for the new file (else the temporary file's, 0600)."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def data_paths(data: Sequence[str] | None, environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The `--data` paths, else those of `FAQ_CLI_DATA`; None when neither names one."""
    if data:
        return list(data)
    env = (environ if environ is not None else os.environ).get(ENV_DATA, "")
    parts = [p for p in env.split(os.pathsep) if p.strip()]
    return parts or None


def active_layers(data: Sequence[str] | None, environ: Mapping[str, str] | None = None) -> list[Layer]:
    """The layers a command reads: `--data` paths, else `FAQ_CLI_DATA`, else the bundled catalogue and those added."""
    given = data_paths(data, environ)
    if given is None:
        stack = [bundled_layer(), *(r.layer() for r in read_registry(environ))]
    else:
        managed = {os.path.abspath(r.path): r for r in _registry_quietly(environ) if r.kind == "git"}
        stack = [given_layer(raw, managed) for raw in given]
    return _once(stack)


def _registry_quietly(environ: Mapping[str, str] | None) -> list[Registered]:
    """The registry when it can be read: with `--data` given, only needed to know which paths are managed clones."""
    try:
        return read_registry(environ)
    except LayerError:
        return []


def bundled_layer() -> Layer:
    return Layer(BUNDLED, str(bundled_path()), "bundled")


def given_layer(raw: str, managed: Mapping[str, Registered] | None = None) -> Layer:
    """A `--data` value as a layer: `bundled` is the shipped catalogue, anything else a path, named as given."""
    if raw == BUNDLED:
        return bundled_layer()
    absolute = os.path.abspath(raw)
    name = layer_name(raw)
    if absolute == os.path.abspath(bundled_path()):
        return Layer(name, raw, "bundled")
    clone = (managed or {}).get(absolute)
    if clone is not None:
        return Layer(name, raw, "git", clone.source)
    return Layer(name, raw, "path")


def layer_name(raw: str) -> str:
    """A path as the name of its layer: as given, with `\\xNN` escapes for the stray bytes of a name that is not
    valid UTF-8 (the name is shown, stored in the index and written as JSON; the path itself is kept as it is)."""
    return os.fsencode(raw).decode("utf-8", "backslashreplace")


def as_layers(paths: Sequence[str | Layer]) -> list[Layer]:
    """Layers from plain paths (each its own layer, named by its path) or layers as they are."""
    return [p if isinstance(p, Layer) else Layer(layer_name(p), p, "path") for p in paths]


def _once(stack: list[Layer]) -> list[Layer]:
    """Each catalogue once, where it first appears (`--data x --data x` reads x once)."""
    seen: set[str] = set()
    kept = []
    for layer in stack:
        key = os.path.abspath(layer.path)
        if key not in seen:
            seen.add(key)
            kept.append(layer)
    return kept


def invocation(data: Sequence[str] | None) -> str:
    """`faq` with the `--data` options of this call, so a suggested command runs as printed."""
    if not data:
        return "faq"
    return " ".join(["faq", *(f"--data {shell_word(p)}" for p in data)])


def shell_word(raw: str) -> str:
    """A path quoted for a POSIX shell; one whose name is not valid UTF-8 in the `$'…'` form of bash and zsh, with
    `\\xNN` for its stray bytes, so that the command still runs as printed."""
    import shlex

    text = os.fsencode(raw).decode("utf-8", "surrogateescape")
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return shlex.quote(raw)
    escaped = "".join(
        f"\\x{ord(ch) - 0xDC00:02x}" if "\udc80" <= ch <= "\udcff" else "\\" + ch if ch in "\\'" else ch for ch in text
    )
    return f"$'{escaped}'"
