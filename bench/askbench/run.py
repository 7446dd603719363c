"""Running query sets: through the engine (features, for fitting), the library (`query.ask`, as the
product answers) or the installed `faq` (one process per query, as a user runs it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench.askbench import fit as F
from bench.askbench.sets import QuerySet


@dataclass(frozen=True)
class Outcome:
    """What the tool did with one query: the entry it answered with (or None) and the first three shown."""

    answered: str | None  # "kind:id"
    shown: tuple[str, ...]  # the answer and the runners-up, or the closest candidates of a refusal


@cache
def _catalogue(path: str) -> object:
    from faq_cli.catalogue.merge import load_catalogue

    return load_catalogue([path])


def engine_rows(qs: QuerySet) -> tuple[list[F.Row], list[tuple[list[tuple[float, ...]], list[bool]]]]:
    """Per query: the abstention features and outcome under the current ranking weights; and per on-topic
    query, every entry's ranking features with whether it is expected (for fitting the ranker)."""
    from faq_cli import search
    from faq_cli.search import rank

    index = search.index_of(_catalogue(str(qs.data)))  # type: ignore[arg-type]
    rows: list[F.Row] = []
    ranked_queries = []
    for q in qs.queries:
        r = rank.rank(index, q.text)
        keys = [f"{r.docs[s.doc].kind}:{r.docs[s.doc].id}" for s in r.ranked]
        right_top = bool(keys) and keys[0] in q.expect
        rows.append(
            F.Row(
                qs.name, q.text, q.on_topic, q.near_miss, right_top, any(k in q.expect for k in keys[:3]), tuple(rank.features(r))
            )
        )
        if q.on_topic:
            positive = [k in q.expect for k in keys]
            if any(positive):
                ranked_queries.append(([s.features for s in r.ranked], positive))
    return rows, ranked_queries


def library_outcomes(qs: QuerySet) -> list[Outcome]:
    from faq_cli import query

    catalogue = _catalogue(str(qs.data))
    out = []
    for q in qs.queries:
        a = query.ask(catalogue, q.text, top=3)  # type: ignore[arg-type]
        answered = f"{a.kind}:{(a.entry.id if a.entry else '')}" if a.kind else None
        shown = ((answered,) if answered else ()) + tuple(f"{c.kind}:{c.id}" for c in a.alternatives)
        out.append(Outcome(answered, shown[:3]))
    return out


def cli_outcomes(qs: QuerySet, cache_dir: str) -> list[Outcome]:
    exe = shutil.which("faq") or str(Path(sys.executable).parent / "faq")
    out = []
    for q in qs.queries:
        argv = [exe, "--data", str(qs.data), "ask", "--json", "--top", "3", "--", q.text]
        done = subprocess.run(argv, capture_output=True, text=True, env={"FAQ_CLI_CACHE_DIR": cache_dir, "PATH": "/usr/bin:/bin"})
        doc = json.loads(done.stdout)
        match = doc.get("match")
        answered = f"{match['kind']}:{match['id']}" if match else None
        shown = ((answered,) if answered else ()) + tuple(f"{a['kind']}:{a['id']}" for a in doc.get("alternatives", []))
        out.append(Outcome(answered, shown[:3]))
    return out


def figures(qs: QuerySet, outcomes: Sequence[Outcome]) -> dict[str, float]:
    """The issue's figures for one catalogue: top-1, top-3, wrong, shown, off-topic and near-miss refused."""
    on = [(q, o) for q, o in zip(qs.queries, outcomes, strict=True) if q.on_topic]
    off = [(q, o) for q, o in zip(qs.queries, outcomes, strict=True) if not q.on_topic]
    near = [(q, o) for q, o in off if q.near_miss]
    n = max(len(on), 1)
    return {
        "top1": sum(o.answered in q.expect for q, o in on) / n,
        "top3": sum(any(s in q.expect for s in o.shown) for q, o in on) / n,
        "wrong": sum(o.answered is not None and o.answered not in q.expect for q, o in on) / n,
        "shown": sum(o.answered in q.expect or (o.answered is None and any(s in q.expect for s in o.shown)) for q, o in on) / n,
        "refused": sum(o.answered is None for _, o in off) / max(len(off), 1),
        "near_refused": sum(o.answered is None for _, o in near) / len(near) if near else float("nan"),
    }
