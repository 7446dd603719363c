"""Fitting the ranking weights: a linear model over each entry's features, trained listwise (softmax over
a query's entries, the expected ones the target), catalogues weighted equally, with numpy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class RankedQuery:
    catalogue: str
    features: np.ndarray  # entries × features
    positive: np.ndarray  # bool per entry


def loss_and_grad(w: np.ndarray, queries: Sequence[RankedQuery], weights: np.ndarray, l2: float) -> tuple[float, np.ndarray]:
    total = 0.0
    grad = np.zeros_like(w)
    for q, qw in zip(queries, weights, strict=True):
        s = q.features @ w
        s = s - s.max()
        e = np.exp(s)
        z = e.sum()
        p = e / z
        pos = e[q.positive].sum()
        total -= qw * (np.log(pos + 1e-300) - np.log(z))
        ppos = np.where(q.positive, e / max(pos, 1e-300), 0.0)
        grad -= qw * (q.features.T @ (ppos - p))
    total += 0.5 * l2 * float(w @ w)
    grad += l2 * w
    return total, grad


def fit(queries: Sequence[RankedQuery], l2: float = 0.1, steps: int = 400) -> np.ndarray:
    counts: dict[str, int] = {}
    for q in queries:
        counts[q.catalogue] = counts.get(q.catalogue, 0) + 1
    mean = sum(counts.values()) / len(counts)
    weights = np.array([mean / counts[q.catalogue] for q in queries]) / len(queries)
    k = queries[0].features.shape[1]
    w = np.zeros(k)
    w[0] = 1.0  # start from the lexical score alone
    # L-BFGS would do; plain Adam is enough for a dozen weights
    m = np.zeros(k)
    v = np.zeros(k)
    lr = 0.05
    for t in range(1, steps + 1):
        _, g = loss_and_grad(w, queries, weights, l2 / len(queries))
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def accuracy(w: np.ndarray, queries: Sequence[RankedQuery]) -> tuple[float, float]:
    at1 = at3 = 0
    for q in queries:
        order = np.argsort(-(q.features @ w), kind="stable")
        at1 += bool(q.positive[order[0]])
        at3 += bool(q.positive[order[:3]].any())
    return at1 / len(queries), at3 / len(queries)
