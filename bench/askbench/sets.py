"""The benchmark's catalogues and query sets, as the folder layout gives them.

    bench/catalogues/<role>/<name>/queries.yaml      the queries (on_topic, off_topic)
    bench/catalogues/<role>/<name>/catalogue/        the catalogue's YAML files
                                                      (or `data: PATH` in queries.yaml, from the repository root)

`role` is `calibration` (read, used to fit and tune) or `held-out` (run once at the end, unread).
An on-topic query's `expect` is an id or a list of ids, each `ID` (a question) or `KIND:ID`; an
off-topic query is refused to be right, `near_miss: true` when it is about the catalogue's subject.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "bench" / "catalogues"


@dataclass(frozen=True)
class Query:
    text: str
    expect: tuple[str, ...]  # "kind:id" each; () for off-topic
    near_miss: bool = False

    @property
    def on_topic(self) -> bool:
        return bool(self.expect)


@dataclass(frozen=True)
class QuerySet:
    name: str
    role: str
    data: Path
    queries: tuple[Query, ...]
    digest: str  # sha256 of queries.yaml, to show the queries were not changed after freezing


def _expect(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(str(x) if ":" in str(x) else f"question:{x}" for x in items)


def load(folder: Path, role: str | None = None) -> QuerySet:
    raw = (folder / "queries.yaml").read_bytes()
    doc = yaml.safe_load(raw)
    data = ROOT / doc["data"] if "data" in doc else folder / "catalogue"
    queries = [Query(str(x["query"]), _expect(x["expect"])) for x in doc.get("on_topic") or []]
    for x in doc.get("off_topic") or []:
        if isinstance(x, str):
            queries.append(Query(x, ()))
        else:
            queries.append(Query(str(x["query"]), (), bool(x.get("near_miss"))))
    return QuerySet(folder.name, role or folder.parent.name, data, tuple(queries), hashlib.sha256(raw).hexdigest())


def discover(role: str) -> list[QuerySet]:
    base = CATALOGUES / role
    return [load(f, role) for f in sorted(base.iterdir()) if (f / "queries.yaml").is_file()] if base.is_dir() else []
