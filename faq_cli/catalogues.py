"""The catalogues a user adds on top of the bundled one: `faq catalogue add`, `update`, `remove`, `list`.

A catalogue is added from a git repository (cloned under the user data
directory, and kept by `faq catalogue update`) or as a local folder (read
where it is). Git runs as a subprocess, never prompting; every failure is a
`CataloguesError` with one line to show. A new or updated catalogue is
validated on top of the catalogues under it before it is switched in, so a
broken push upstream never replaces a working copy.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from faq_cli.errors import CatalogueError, FaqError, Problem
from faq_cli.layers import (
    BUNDLED,
    Layer,
    Registered,
    bundled_layer,
    clones_dir,
    read_registry,
    write_registry,
)

NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_NAME = 64
# user@host:path, as git and ssh write a remote without a scheme
_SCP_LIKE = re.compile(r"[\w.-]+@[\w.-]+:")


class CataloguesError(FaqError):
    """A catalogue cannot be added, updated or removed; the message says why, in one line."""


class NotACatalogue(CataloguesError):
    """What was to be added or updated does not validate; `problems` says where."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Updated:
    """What `faq catalogue update` did to one catalogue."""

    name: str
    status: str  # updated | current | kept (the new version does not validate) | failed | local
    message: str
    old: str | None = None  # short commits
    new: str | None = None
    commits: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LayerRow:
    """One layer as `faq catalogue list` shows it."""

    name: str
    kind: str
    path: str
    source: str | None
    updated: str | None
    entries: dict[str, int]
    title: str | None  # the name its `catalogue:` header gives
    as_of: str | None
    age_days: int | None
    problems: int


# ---- git ---------------------------------------------------------------------------------------------


def _git_env() -> dict[str, str]:
    """The environment git runs in: it must never stop to ask for a password or a host key."""
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    return env


def _git(args: Sequence[str], cwd: Path | None = None) -> str:
    """Run git; its output, or CataloguesError with what git said."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, errors="replace", env=_git_env(), stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise CataloguesError("git is not installed; it is needed to add and update catalogues from git") from None
    except OSError as exc:
        raise CataloguesError(f"cannot run git: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        raise CataloguesError(_git_said(proc.stderr) or f"git {args[0]} failed (status {proc.returncode})")
    return proc.stdout.strip()


def _git_said(stderr: str) -> str:
    """The line of git's complaint that says what went wrong (its `fatal:` line, else the last one)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal or lines or [""])[-1]


def is_url(source: str) -> bool:
    """Whether `source` names a git remote (https://, ssh://, file://, git@host:path) rather than a local path."""
    return "://" in source or bool(_SCP_LIKE.match(source))


def _is_bare_repository(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


# ---- checking a catalogue before it is switched in -----------------------------------------------------


def _problems(stack: Sequence[Layer]) -> list[Problem]:
    from faq_cli.catalogue import load_catalogue

    try:
        load_catalogue(stack)
    except CatalogueError as exc:
        return exc.problems
    return []


def _introduced(before: Sequence[Layer], after: Sequence[Layer], layer: Layer) -> list[Problem]:
    """The problems of the stack `after` that come with `layer`: every one inside it, and those of the other
    layers that the stack `before` did not have (a reference made ambiguous, an entry taken away)."""
    old = set(_problems(before))
    return [p for p in _problems(after) if inside(p.path, layer.path) or p not in old]


def inside(path: str, root: str) -> bool:
    """Whether `path` is `root` or lies under it."""
    full, top = os.path.abspath(path), os.path.abspath(root)
    return full == top or full.startswith(top.rstrip(os.sep) + os.sep)


def _relocated(problems: Sequence[Problem], root: str, shown: str) -> list[Problem]:
    """Problems of a staged copy, placed as `name@commit:path/in/the/repository`."""
    out = []
    for p in problems:
        if not inside(p.path, root):
            out.append(p)
            continue
        relative = os.path.relpath(os.path.abspath(p.path), os.path.abspath(root))
        out.append(Problem(shown if relative == "." else f"{shown}:{relative}", p.line, p.column, p.message))
    return out


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# ---- add ----------------------------------------------------------------------------------------------


def check_name(name: str, registry: Sequence[Registered]) -> None:
    if name == BUNDLED:
        raise CataloguesError("'bundled' is the name of the shipped catalogue; choose another name")
    if not NAME.fullmatch(name) or len(name) > MAX_NAME:
        raise CataloguesError(
            f"'{name[:MAX_NAME]}' is not a catalogue name: use lower-case letters, digits and hyphens (team-notes)"
        )
    if any(r.name == name for r in registry):
        raise CataloguesError(f"there is already a catalogue called '{name}' (faq catalogue list shows them)")


def add(name: str, source: str, environ: Mapping[str, str] | None = None) -> Registered:
    """Clone a git repository, or register a local folder, as catalogue `name` on top of those there already."""
    registry = read_registry(environ)
    check_name(name, registry)
    under = [bundled_layer(), *(r.layer() for r in registry)]
    local = Path(source).expanduser()
    if not is_url(source) and not _is_bare_repository(local):
        if not local.exists():
            raise CataloguesError(
                f"{source}: no such file or directory (a git URL begins https://, ssh://, file:// or user@host:)"
            )
        entry = Registered(name, "local", str(local.resolve()), None, _now(), None)
        problems = _introduced(under, [*under, entry.layer()], entry.layer())
        if problems:
            raise NotACatalogue(f"not added: {source} is not a valid catalogue ({_count(problems)})", problems)
        write_registry([*registry, entry], environ)
        return entry
    if not is_url(source):
        source = str(local.resolve())
    return _clone(name, source, registry, under, environ)


def _clone(
    name: str, source: str, registry: list[Registered], under: list[Layer], environ: Mapping[str, str] | None
) -> Registered:
    home = clones_dir(environ)
    final = home / name
    if os.path.lexists(final):
        raise CataloguesError(f"{final} already exists; remove it, or add the catalogue under another name")
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CataloguesError(f"cannot create {home}: {exc.strerror or exc}") from None
    staging = home / f".{name}.adding-{os.getpid()}"
    _remove_tree(staging)
    try:
        try:
            _git(["clone", "--quiet", "--", source, str(staging)])
        except CataloguesError as exc:
            raise CataloguesError(f"cannot clone {source}: {exc}") from None
        commit = _git(["rev-parse", "--short", "HEAD"], staging) if (staging / ".git").exists() else "?"
        layer = Layer(name, str(staging), "git", source)
        problems = _introduced(under, [*under, layer], layer)
        if problems:
            shown = _relocated(problems, str(staging), f"{name}@{commit}")
            raise NotACatalogue(f"not added: {source} is not a valid catalogue ({_count(problems)})", shown)
        os.replace(staging, final)
    finally:
        _remove_tree(staging)
    entry = Registered(name, "git", str(final), source, _now(), _now())
    write_registry([*registry, entry], environ)
    return entry


def _count(problems: Sequence[Problem]) -> str:
    return f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"


def _remove_tree(path: Path) -> None:
    if os.path.lexists(path):
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)


# ---- update -------------------------------------------------------------------------------------------


def update(name: str | None = None, environ: Mapping[str, str] | None = None) -> list[Updated]:
    """Fetch and fast-forward each git catalogue (or the one named), switching only to a version that validates."""
    registry = read_registry(environ)
    if name is not None:
        chosen = [r for r in registry if r.name == name]
        if not chosen:
            known = ", ".join(r.name for r in registry) or "none yet"
            raise CataloguesError(f"no catalogue called '{name}' was added (added: {known})")
    else:
        chosen = [r for r in registry if r.kind == "git"]
    results = []
    for entry in chosen:
        if entry.kind != "git":
            results.append(Updated(entry.name, "local", f"{entry.name} is a local folder, read where it is: nothing to fetch"))
            continue
        under = [bundled_layer(), *(r.layer() for r in registry[: registry.index(entry)])]
        above = [r.layer() for r in registry[registry.index(entry) + 1 :]]
        try:
            result = _update_one(entry, under, above)
        except CataloguesError as exc:
            result = Updated(entry.name, "failed", f"{entry.name}: not updated: {exc}")
        results.append(result)
        if result.status in ("updated", "current"):
            registry = [_replace_updated(r) if r.name == entry.name else r for r in registry]
            write_registry(registry, environ)
    return results


def _replace_updated(entry: Registered) -> Registered:
    return Registered(entry.name, entry.kind, entry.path, entry.source, entry.added, _now())


def _update_one(entry: Registered, under: list[Layer], above: list[Layer]) -> Updated:
    clone = Path(entry.path)
    if not (clone / ".git").exists():
        raise CataloguesError(f"{clone} is not a git clone any more (faq catalogue remove {entry.name}, then add it again)")
    if _git(["status", "--porcelain"], clone):
        raise CataloguesError(f"{clone} has local changes, which an update would overwrite; commit or discard them")
    old = _git(["rev-parse", "HEAD"], clone)
    try:
        _git(["fetch", "--quiet", "origin"], clone)
    except CataloguesError as exc:
        raise CataloguesError(f"cannot fetch from {entry.source}: {exc}") from None
    new = _git(["rev-parse", "@{upstream}"], clone)
    short_old, short_new = old[:7], new[:7]
    if new == old:
        return Updated(entry.name, "current", f"{entry.name}: already up to date ({short_old})", short_old, short_new)
    try:
        _git(["merge-base", "--is-ancestor", "HEAD", "@{upstream}"], clone)
    except CataloguesError:
        raise CataloguesError(
            f"the history at {entry.source} was rewritten, so {short_old} cannot be fast-forwarded to {short_new}"
            f" (faq catalogue remove {entry.name}, then add it again)"
        ) from None
    staging = clone.parent / f".{entry.name}.update-{os.getpid()}"
    _remove_tree(staging)
    try:
        _export(clone, new, staging)
        layer = Layer(entry.name, str(staging), "git", entry.source)
        problems = _introduced([*under, entry.layer(), *above], [*under, layer, *above], layer)
    finally:
        _remove_tree(staging)
    if problems:
        shown = _relocated(problems, str(staging), f"{entry.name}@{short_new}")
        message = f"{entry.name}: kept {short_old}; the new version {short_new} is not a valid catalogue ({_count(problems)})"
        return Updated(entry.name, "kept", message, short_old, short_new, 0, shown)
    count = int(_git(["rev-list", "--count", f"{old}..{new}"], clone) or 0)
    _git(["merge", "--ff-only", "--quiet", new], clone)
    noun = "commit" if count == 1 else "commits"
    return Updated(
        entry.name, "updated", f"{entry.name}: updated {short_old} → {short_new} ({count} {noun})", short_old, short_new, count
    )


def _export(clone: Path, commit: str, into: Path) -> None:
    """The files of `commit` in a fresh folder, to validate before the clone moves to it."""
    import io
    import tarfile

    try:
        proc = subprocess.run(
            ["git", "archive", "--format=tar", commit], cwd=clone, capture_output=True, env=_git_env(), stdin=subprocess.DEVNULL
        )
    except OSError as exc:
        raise CataloguesError(f"cannot run git: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        raise CataloguesError(_git_said(proc.stderr.decode("utf-8", "replace")) or "git archive failed")
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as archive:
        archive.extractall(into, filter="data")


# ---- remove and list ----------------------------------------------------------------------------------


def remove(name: str, environ: Mapping[str, str] | None = None) -> Registered:
    """Forget catalogue `name`; a clone is deleted with it, a local folder is left where it is."""
    registry = read_registry(environ)
    found = next((r for r in registry if r.name == name), None)
    if found is None:
        known = ", ".join(r.name for r in registry) or "none yet"
        raise CataloguesError(f"no catalogue called '{name}' was added (added: {known})")
    write_registry([r for r in registry if r.name != name], environ)
    if found.kind == "git":
        clone = Path(found.path)
        home = clones_dir(environ).resolve()
        # Only ever a folder this tool made: a clone directly under the clones directory.
        if not clone.is_symlink() and clone.resolve().parent == home:
            shutil.rmtree(clone, ignore_errors=True)
    return found


def listing(
    layers: Sequence[Layer],
    layer_info: Sequence[object],
    counts: Sequence[dict[str, int]],
    problems: Sequence[Problem],
    registry: Sequence[Registered],
    today: dt.date,
) -> list[LayerRow]:
    """Each active layer with its path, what it holds, its `as_of` date and age, and how many problems it has."""
    rows = []
    updated = {r.name: r.updated for r in registry}
    for n, layer in enumerate(layers):
        info = getattr(layer_info[n], "info", None) if n < len(layer_info) else None
        as_of = getattr(info, "as_of", None)
        age = (today - dt.date(as_of.end().year, as_of.end().month, as_of.end().day)).days if as_of is not None else None
        mine = sum(1 for p in problems if inside(p.path, layer.path))
        header = getattr(layer_info[n], "header", False) if n < len(layer_info) else False
        rows.append(
            LayerRow(
                layer.name,
                layer.kind,
                layer.path,
                layer.source,
                updated.get(layer.name) if layer.kind == "git" else None,
                counts[n] if n < len(counts) else {},
                getattr(info, "name", None) if header else None,
                as_of.iso() if as_of is not None else None,
                max(age, 0) if age is not None else None,
                mine,
            )
        )
    return rows
