"""The layers hold: each part of faq_cli imports only the parts below it (docs/design.md draws them).

Data flows one way: files → catalogue → text → store → search/query → render → cli. Every import counts,
the ones inside functions too (the code defers heavy imports), so a shortcut taken to save start-up
time cannot hide a dependency that runs the other way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "faq_cli"

# Each part and the parts it may import (besides itself). `errors` (exceptions and exit statuses) and
# `mirrors` (the measured copies of other libraries' internals) sit under everything.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "mirrors": {"errors"},
    "catalogue": {"errors", "mirrors"},
    "text": {"errors", "mirrors", "catalogue"},
    "store": {"errors", "mirrors", "catalogue", "text"},
    "search": {"errors", "mirrors", "text", "catalogue", "store"},
    "query": {"errors", "mirrors", "text", "catalogue", "store", "search"},
    "render": {"errors", "mirrors", "text", "catalogue", "query"},
    "cli": {"errors", "mirrors", "text", "catalogue", "store", "search", "query", "render"},
}
TOP = {"__init__", "__main__"}  # the package itself: its version, and `python -m faq_cli`
# Modules at the top of the package, and the part each belongs to.
MODULES = {"query": "query", "stats": "query", "_lazy": "query"}


def _part(module: str) -> str:
    """faq_cli.store.cache → store; faq_cli.stats → query; faq_cli → '' (the package's own __init__)."""
    parts = module.split(".")
    if len(parts) == 1:
        return ""
    if not (PACKAGE / parts[1]).is_dir() and not (PACKAGE / f"{parts[1]}.py").exists():
        return ""  # a name the package itself defines (`from faq_cli import __version__`)
    return MODULES.get(parts[1], parts[1])


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts)
        found.append((name.removesuffix(".__init__"), path))
    return found


def _imports(module: str, path: Path) -> set[str]:
    """Every faq_cli module this file imports, at any depth of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("faq_cli")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("faq_cli"):
                found |= {f"{base}.{a.name}" if base == "faq_cli" else base for a in node.names}
    return found


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_each_module_imports_only_the_layers_below_it(module: str, path: Path) -> None:
    own = _part(module)
    if own in TOP or own == "":
        return
    assert own in ALLOWED, f"{module}: faq_cli/{own} is not a known layer; add it to ALLOWED and docs/design.md"
    wrong = sorted(m for m in _imports(module, path) if _part(m) not in ALLOWED[own] | {own, "__init__", ""})
    assert not wrong, f"{module} imports {wrong}, which {own} may not (it may import {sorted(ALLOWED[own])})"


def test_the_layer_table_names_every_part_of_the_package() -> None:
    parts = {p.name.removesuffix(".py") for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert {MODULES.get(p, p) for p in parts - TOP} <= set(ALLOWED), sorted(parts - TOP - set(ALLOWED) - set(MODULES))
