"""Whether to answer: a logistic model of "the top entry is the right answer", over features that mean the
same on every catalogue (rank.ABSTAIN_FEATURES: how much of the query the catalogue's words cover, how
strongly and how clearly the top entry matches, what of the query it leaves unexplained).

The weights and the threshold are fitted across many catalogues by bench/ask_bench.py --fit and written
to `fitted.py`; nothing here knows any catalogue.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from faq_cli.search import fitted


def logit(values: Sequence[float]) -> float:
    """Log-odds that the top entry is right, less the fitted threshold: answer when it is >= 0."""
    weights = fitted.ABSTAIN_WEIGHTS
    return weights[0] + math.fsum(w * x for w, x in zip(weights[1:], values, strict=True)) - fitted.THRESHOLD


def probability(values: Sequence[float]) -> float:
    """The model's probability that the top entry is right."""
    z = logit(values) + fitted.THRESHOLD
    return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))
