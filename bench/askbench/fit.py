"""Fitting the abstention model: logistic regression by Newton's method, catalogues weighted equally,
and the threshold that refuses enough off-topic queries; judged leave one catalogue out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    catalogue: str
    query: str
    on_topic: bool
    near_miss: bool
    right_top: bool  # the top entry is one the query expects
    shown: bool  # an expected entry is among the first three
    features: tuple[float, ...]
    forced: int = 0  # the engine's rules decide whatever the model says: +1 answer, -1 refuse, 0 the model

    @property
    def label(self) -> float:
        return 1.0 if self.on_topic and self.right_top else 0.0


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def fit(rows: Sequence[Row], signs: Sequence[int] | None = None, l2: float = 1.0, iterations: int = 30) -> list[float]:
    """Weights (intercept first) maximising the weighted log-likelihood, each catalogue weighing the same.
    Fitted on standardised features (so the penalty weighs every feature alike), returned on the raw scale.
    With `signs` (+1: evidence for answering, -1: against, 0: either), a weight that comes out with the wrong
    sign is held at zero and the rest refitted, until every weight agrees (active set): a model that reads
    as the features mean transfers better than one that leans on their correlations."""
    allowed = list(signs) if signs is not None else [0] * len(rows[0].features)
    kept = list(range(len(allowed)))
    while True:
        beta = _fit_subset(rows, kept, l2, iterations)
        wrong = [i for i, w in zip(kept, beta[1:], strict=True) if allowed[i] * w < 0]
        if not wrong:
            break
        kept = [i for i in kept if i not in wrong]
    full = [0.0] * len(allowed)
    for i, w in zip(kept, beta[1:], strict=True):
        full[i] = w
    return [beta[0], *full]


def _fit_subset(rows: Sequence[Row], kept: Sequence[int], l2: float, iterations: int) -> list[float]:
    rows = [
        Row(r.catalogue, r.query, r.on_topic, r.near_miss, r.right_top, r.shown, tuple(r.features[i] for i in kept))
        for r in rows
        if not r.forced  # the rules decide those: the model learns from the rest
    ]
    if not kept:
        return _fit(rows, l2, iterations)
    k_raw = len(rows[0].features)
    means = [sum(r.features[i] for r in rows) / len(rows) for i in range(k_raw)]
    sds = [max((sum((r.features[i] - means[i]) ** 2 for r in rows) / len(rows)) ** 0.5, 1e-9) for i in range(k_raw)]
    standard = [
        Row(
            r.catalogue,
            r.query,
            r.on_topic,
            r.near_miss,
            r.right_top,
            r.shown,
            tuple((x - m) / sd for x, m, sd in zip(r.features, means, sds, strict=True)),
        )
        for r in rows
    ]
    beta = _fit(standard, l2, iterations)
    raw = [b / sd for b, sd in zip(beta[1:], sds, strict=True)]
    return [beta[0] - sum(w * m for w, m in zip(raw, means, strict=True)), *raw]


def _fit(rows: Sequence[Row], l2: float, iterations: int) -> list[float]:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.catalogue] = counts.get(r.catalogue, 0) + 1
    mean_count = sum(counts.values()) / len(counts)
    xs = [(1.0, *r.features) for r in rows]
    ws = [mean_count / counts[r.catalogue] for r in rows]
    ys = [r.label for r in rows]
    k = len(xs[0])
    beta = [0.0] * k
    for _ in range(iterations):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for x, y, w in zip(xs, ys, ws, strict=True):
            z = sum(b * v for b, v in zip(beta, x, strict=True))
            p = 1 / (1 + math.exp(-max(min(z, 30), -30)))
            for i in range(k):
                grad[i] += w * (y - p) * x[i]
                for j in range(i, k):
                    hess[i][j] += w * p * (1 - p) * x[i] * x[j]
        for i in range(k):
            for j in range(i):
                hess[i][j] = hess[j][i]
            if i:
                grad[i] -= l2 * beta[i]
                hess[i][i] += l2
        step = _solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return beta


def logit(beta: Sequence[float], features: Sequence[float]) -> float:
    return beta[0] + sum(b * v for b, v in zip(beta[1:], features, strict=True))


def answers(row: Row, beta: Sequence[float], t: float) -> bool:
    """Whether the engine answers this query: as its rules force, else as the model says at threshold t."""
    return row.forced > 0 or (row.forced == 0 and logit(beta, row.features) >= t)


def threshold(rows: Sequence[Row], beta: Sequence[float], refuse: float, max_wrong: float) -> float:
    """The lowest threshold at which, on these rows (catalogues weighted equally), at least `refuse` of the
    off-topic queries and enough wrong answers are refused."""
    candidates = sorted({round(logit(beta, r.features), 4) for r in rows})
    for t in candidates:
        m = metrics(rows, beta, t)
        if m["refused"] >= refuse and m["wrong"] <= max_wrong:
            return t
    return candidates[-1] + 1e-3 if candidates else 0.0


def metrics(rows: Sequence[Row], beta: Sequence[float], t: float) -> dict[str, float]:
    """The issue's figures, averaged over catalogues: top-1, top-3, wrong, shown, refused, near-miss refused."""
    by: dict[str, list[Row]] = {}
    for r in rows:
        by.setdefault(r.catalogue, []).append(r)
    per = [one_catalogue(rs, beta, t) for rs in by.values()]
    return {k: sum(p[k] for p in per) / len(per) for k in per[0]} if per else {}


def one_catalogue(rows: Sequence[Row], beta: Sequence[float], t: float) -> dict[str, float]:
    on = [r for r in rows if r.on_topic]
    off = [r for r in rows if not r.on_topic]
    near = [r for r in off if r.near_miss]
    said = [answers(r, beta, t) for r in on]
    return {
        "top1": sum(a and r.right_top for a, r in zip(said, on, strict=True)) / max(len(on), 1),
        "top3": sum(r.shown for r in on) / max(len(on), 1),
        "wrong": sum(a and not r.right_top for a, r in zip(said, on, strict=True)) / max(len(on), 1),
        "shown": sum((a and r.right_top) or (not a and r.shown) for a, r in zip(said, on, strict=True)) / max(len(on), 1),
        "refused": sum(not answers(r, beta, t) for r in off) / max(len(off), 1),
        "near_refused": sum(not answers(r, beta, t) for r in near) / len(near) if near else float("nan"),
    }
