"""Calibrate `faq ask`'s abstention rule on the labelled query sets, with leave-one-set-out figures.

    python bench/calibrate.py            # LOSO table (current rule vs learned rule), then the final fit
    python bench/calibrate.py -v         # also every feature's coefficient in each fold
    python bench/calibrate.py --write    # and write the fitted constants into faq_cli/search.py

For every query of every set (bench/ask_*.yaml) the ranking is computed once,
unchanged, and described by a few cheap features (top score, margin over the
runner-up, names the catalogue does not know, the top question's coverage and phrase overlap, how many terms the
query comes to and how many of them the catalogue does not know). The label is
1 when the top question is the expected one, 0 when it is another question or
the query is off-topic. A logistic regression (L2, standardised features,
Newton's method, pure Python) turns the features into the probability that
answering is right; the threshold is the one that answers the most on-topic
queries rightly on the training sets while refusing at least MIN_OFF_TOPIC (96%) of
the off-topic queries and answering wrongly at most MAX_WRONG of the on-topic
ones (5%).

Leave-one-set-out: each set in turn is evaluated under a rule fitted on the
others, beside the hand-set rule; those are the figures to expect on a set
nobody has seen. The final rule is fitted on every set and printed as the
constants search.py uses.
"""

from __future__ import annotations

import argparse
import itertools
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from ask_eval import load_set  # noqa: E402

from faq_cli.search import refused  # noqa: E402

# bench/<name>.yaml: the first labelled set, then the held-out sets in the order they were written.
# Sets 10 and 45-52 are left out: their misses are unread, so they still say something about unseen questions.
SETS = ("ask_eval", "ask_heldout", *(f"ask_heldout{n}" for n in (2, 3, 4, 5, 6, 7, 8, 9, *range(11, 45))))
# Leave-one-set-out over twenty sets (before 21 and 22 joined) (top-1 / wrong / off-topic refused): 0.95 gives 96.1 / 2.3 /
# 94.5%, 0.96 gives 95.5 / 2.0 / 95.6%, 0.97 gives 93.3 / 1.8 / 97.0%. The issue asks for 95% top-1 and
# 90% refused; 0.96 meets both, and past it each point of refusal costs about one and a half of top-1.
MIN_OFF_TOPIC = 0.96
MAX_WRONG = 0.05
L2 = 0.05  # at 0.1 or more the strangers weight shrank too far to refuse "did Gerasimov help end the mutiny"


@dataclass(frozen=True)
class Row:
    set: str
    query: str
    expect: str | None  # None: off-topic
    top: str | None
    features: dict[str, float]
    direct: bool  # an id or a number: answered whatever the rule

    @property
    def label(self) -> int:
        return int(self.expect is not None and self.top == self.expect)


def collect(data: list[str] | None = None) -> list[Row]:
    from faq_cli import names, query, search
    from faq_cli.catalogue import active_paths, load_catalogue

    catalogue = load_catalogue(active_paths(data, environ={}))
    index = search.question_index(catalogue)
    rows = []
    for name in SETS:
        on_topic, off_topic = load_set(HERE / f"{name}.yaml")
        for text, expect in [*on_topic, *((q, None) for q in off_topic)]:
            text = names.printable(text)
            qterms = search.query_terms(text, index)
            ranked = search.rank_terms(qterms, index)
            features = derive(search.answer_features(ranked, qterms, index))
            top = index.documents[ranked[0].doc].id if ranked else None
            direct = query._question_by_id_or_number(catalogue, text) is not None
            rows.append(Row(name, text, expect, top, features, direct))
    return rows


def derive(f: dict[str, float]) -> dict[str, float]:
    """Features built from search.answer_features's: `long_top` is the one the rule uses; the others were
    tried (`--features`) and left out (see main's note)."""
    from faq_cli.search import ANSWER_TERMS_CAP

    terms = max(f["terms"], 1.0)
    return {
        **f,
        "long_top": f["top"] * min(terms, ANSWER_TERMS_CAP) / ANSWER_TERMS_CAP,
        "capped_terms": min(terms, ANSWER_TERMS_CAP),
        "log_terms": math.log(terms),
        "unknown_share": f["unknown"] / terms,
    }


# ---- the hand-set rule, as it was before calibration (for comparison) ----------------------------


def old_rule(f: dict[str, float]) -> bool:
    top, runner_up, terms = round(f["top"], 1), round(f["top"] - f["margin"], 1), f["terms"]
    margin = top - runner_up
    if top >= 50.0:
        return top >= 80.0 or margin >= 2.0
    extra = max(0.0, terms - 4)
    return bool(extra) and top >= max(36.0, 50.0 - 3.0 * extra) and margin >= 5.0


# ---- logistic regression, by hand -----------------------------------------------------------------


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a is small and positive definite here)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(c + 1, n):
            k = m[r][c] / m[c][c]
            for j in range(c, n + 1):
                m[r][j] -= k * m[c][j]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][j] * x[j] for j in range(r + 1, n))) / m[r][r]
    return x


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


@dataclass(frozen=True)
class Model:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]  # on standardised features
    bias: float
    threshold: float = 0.5  # on the logit

    def logit(self, f: dict[str, float]) -> float:
        return self.bias + sum(
            w * (f[n] - m) / s for n, m, s, w in zip(self.names, self.mean, self.scale, self.weights, strict=True)
        )

    def raw(self) -> tuple[float, dict[str, float]]:
        """Intercept (with the threshold folded in) and weights on unstandardised features."""
        coef = {n: w / s for n, s, w in zip(self.names, self.scale, self.weights, strict=True)}
        return self.bias - self.threshold - sum(coef[n] * m for n, m in zip(self.names, self.mean, strict=True)), coef


def fit(rows: Sequence[Row], names: Sequence[str], l2: float = L2) -> Model:
    xs = [[r.features[n] for n in names] for r in rows]
    ys = [r.label for r in rows]
    d = len(names)
    mean = [sum(x[j] for x in xs) / len(xs) for j in range(d)]
    scale = [math.sqrt(sum((x[j] - mean[j]) ** 2 for x in xs) / len(xs)) or 1.0 for j in range(d)]
    zs = [[1.0] + [(x[j] - mean[j]) / scale[j] for j in range(d)] for x in xs]
    beta = [0.0] * (d + 1)
    for _ in range(50):  # Newton's method on the penalised log-likelihood (intercept unpenalised)
        grad = [l2 * beta[j] if j else 0.0 for j in range(d + 1)]
        hess = [[(l2 if i == j and i else 0.0) for j in range(d + 1)] for i in range(d + 1)]
        for z, y in zip(zs, ys, strict=True):
            p = _sigmoid(sum(b * v for b, v in zip(beta, z, strict=True)))
            for i in range(d + 1):
                grad[i] += (p - y) * z[i]
                for j in range(i + 1):
                    hess[i][j] += p * (1 - p) * z[i] * z[j]
        for i in range(d + 1):
            for j in range(i):
                hess[j][i] = hess[i][j]
        step = _solve(hess, grad)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return Model(tuple(names), tuple(mean), tuple(scale), tuple(beta[1:]), beta[0])


# The direction each feature may push the odds: a rule against them would turn an answer into an
# abstention for a higher score or a wider margin.
SIGNS = {"top": 1, "margin": 1, "long_top": 1, "strangers": -1}


def fit_monotone(rows: Sequence[Row], names: Sequence[str], l2: float = L2) -> Model:
    """`fit`, with a feature whose weight comes out against its direction (SIGNS) held at 0 and the rest
    refitted, so the rule stays monotone: a higher score or a wider margin never turns an answer into an
    abstention. (With 12 sets the margin's weight came out at -0.0001: the phrase and frame evidence in
    the score already keeps close questions apart.)"""
    kept = list(names)
    while True:
        model = fit(rows, kept, l2)
        against = [n for n, w in zip(kept, model.weights, strict=True) if w * SIGNS.get(n, 0) < 0]
        if not against:
            break
        kept.remove(against[0])
    fitted = {n: (m, s, w) for n, m, s, w in zip(kept, model.mean, model.scale, model.weights, strict=True)}
    mean, scale, weights = zip(*(fitted.get(n, (0.0, 1.0, 0.0)) for n in names), strict=True)
    return Model(tuple(names), mean, scale, weights, model.bias)


# ---- evaluating a rule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    on: int
    off: int
    top1: int
    wrong: int
    abstain: int  # on-topic queries refused
    off_refused: int

    def row(self) -> str:
        def pct(n: int, d: int) -> str:
            return f"{100 * n / d:5.1f}%" if d else "  n/a "

        return (
            f"{pct(self.top1, self.on)} {pct(self.wrong, self.on)} {pct(self.abstain, self.on)} {pct(self.off_refused, self.off)}"
        )


def figures(rows: Sequence[Row], answers: Callable[[Row], bool]) -> Figures:
    on = [r for r in rows if r.expect is not None]
    off = [r for r in rows if r.expect is None]
    said = {id(r): r.direct or (not refused(r.features) and answers(r)) for r in rows}
    return Figures(
        len(on),
        len(off),
        sum(said[id(r)] and r.top == r.expect for r in on),
        sum(said[id(r)] and r.top != r.expect for r in on),
        sum(not said[id(r)] for r in on),
        sum(not said[id(r)] for r in off),
    )


def choose_threshold(model: Model, rows: Sequence[Row], min_off_topic: float = MIN_OFF_TOPIC) -> Model:
    """The logit threshold answering the most on-topic queries rightly within the constraints (the
    lowest such threshold). One sweep over the rows sorted by logit, so a fold takes a moment, not the
    minutes that re-scoring every row at every candidate threshold took."""
    logit = {id(r): model.logit(r.features) for r in rows}
    logits = sorted(set(logit.values()))
    cuts = [logits[0] - 1] + [(a + b) / 2 for a, b in itertools.pairwise(logits)] + [logits[-1] + 1]
    on = sum(r.expect is not None for r in rows)
    off = len(rows) - on
    # Rows a threshold decides, lowest logit first; the others are answered (by id or number) or refused
    # whatever it is. At the lowest cut every decided row is answered.
    decided = sorted((r for r in rows if not r.direct and not refused(r.features)), key=lambda r: logit[id(r)])
    answered = [r for r in rows if r.direct] + decided
    right = sum(r.expect is not None and r.top == r.expect for r in answered)
    wrong = sum(r.expect is not None and r.top != r.expect for r in answered)
    off_answered = sum(r.expect is None for r in answered)
    best: tuple[int, float] | None = None
    i = 0
    for cut in cuts:
        while i < len(decided) and logit[id(decided[i])] < cut:  # this row is no longer answered
            r = decided[i]
            right -= r.expect is not None and r.top == r.expect
            wrong -= r.expect is not None and r.top != r.expect
            off_answered -= r.expect is None
            i += 1
        allowed = off - off_answered >= min_off_topic * off and wrong <= MAX_WRONG * on
        if allowed and (best is None or right > best[0]):
            best = (right, cut)
    cut = best[1] if best else cuts[-1]
    return Model(model.names, model.mean, model.scale, model.weights, model.bias, cut)


# A score bar that falls as the query grows longer, and a margin over the runner-up: the shape of the
# hand-set rule, with the numbers fitted. Adding the number of terms as a feature of its own, or the top
# question's phrase overlap, raised leave-one-set-out top-1 by about 2 points but answered long off-topic
# queries whose best match scored under 10 (their length alone nearly cleared the bar) and raised wrong
# answers on the newest set to 6%; a rule that is monotone in the score at every length was preferred.
# `strangers` (words written as names the catalogue does not know) lowers the odds of a query about
# someone else; it leaves the LOSO figures as they are.
FEATURES = ("top", "margin", "long_top", "strangers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="print each fold's coefficients")
    parser.add_argument("--features", default=",".join(FEATURES), help="comma-separated feature names")
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--min-off-topic", type=float, default=MIN_OFF_TOPIC, help="share of off-topic queries to refuse")
    parser.add_argument("--write", action="store_true", help="write the fitted constants into faq_cli/search.py")
    args = parser.parse_args()
    names = tuple(args.features.split(","))
    rows = collect()

    print(f"features: {', '.join(names)}; L2 {args.l2}; off-topic refused >= {args.min_off_topic:.0%}, wrong <= {MAX_WRONG:.0%}")
    print(f"{'held-out set':14s} {'n':>7s} | {'current rule':^27s} | {'learned rule (LOSO)':^27s}")
    print(f"{'':14s} {'on/off':>7s} | top-1  wrong  abst.  off-ref | top-1  wrong  abst.  off-ref")
    decided: dict[int, bool] = {}
    for name in SETS:
        train = [r for r in rows if r.set != name]
        test = [r for r in rows if r.set == name]
        model = choose_threshold(fit_monotone(train, names, args.l2), train, args.min_off_topic)
        for r in test:
            decided[id(r)] = model.logit(r.features) >= model.threshold
        old = figures(test, lambda r: old_rule(r.features))
        new = figures(test, lambda r: decided[id(r)])
        print(f"{name:14s} {old.on:3d}/{old.off:<3d} | {old.row()} | {new.row()}")
        if args.verbose:
            intercept, coef = model.raw()
            print("    " + ", ".join(f"{n} {c:+.4f}" for n, c in coef.items()) + f"; intercept {intercept:+.3f}")
    old = figures(rows, lambda r: old_rule(r.features))
    new = figures(rows, lambda r: decided[id(r)])
    print(f"{'all (pooled)':14s} {old.on:3d}/{old.off:<3d} | {old.row()} | {new.row()}")

    model = choose_threshold(fit_monotone(rows, names, args.l2), rows, args.min_off_topic)
    intercept, coef = model.raw()
    fitted = figures(rows, lambda r: model.logit(r.features) >= model.threshold)
    print(f"\nfitted on all {len(rows)} queries (in-sample: {fitted.row()})")
    print("answer when  INTERCEPT + sum(weight * feature) >= 0:")
    print(f"  intercept {intercept:+.5f}")
    for n, c in coef.items():
        print(f"  {n:10s} {c:+.5f}")
    if names == FEATURES:
        constants = {
            "ANSWER_INTERCEPT": intercept,
            "ANSWER_TOP": coef["top"],
            "ANSWER_LONG_TOP": coef["long_top"],
            "ANSWER_MARGIN": coef["margin"],
            "ANSWER_STRANGER": coef["strangers"],
        }
        print("as faq_cli/search.py's constants:")
        for name, value in constants.items():
            print(f"{name} = {value:.5f}")
        if args.write:
            write_constants(constants)
            print("written to faq_cli/search.py (update the comment above them: the bars it quotes)")
        else:
            check(rows)
    elif args.write:
        parser.error("--write needs the default --features")


def write_constants(constants: dict[str, float]) -> None:
    """Replace the ANSWER_* lines of faq_cli/search.py with the fitted values."""
    path = ROOT / "faq_cli" / "search.py"
    text = path.read_text(encoding="utf-8")
    for name, value in constants.items():
        text, count = re.subn(rf"^{name} = .*$", f"{name} = {value:.5f}", text, count=1, flags=re.MULTILINE)
        if count != 1:
            raise SystemExit(f"{path}: no line '{name} = …' to replace")
    path.write_text(text, encoding="utf-8")


def check(rows: Sequence[Row]) -> None:
    """The rule search.py applies now (query.ask end to end), on every set: in-sample once refitted."""
    from faq_cli import query
    from faq_cli.catalogue import active_paths, load_catalogue

    catalogue = load_catalogue(active_paths(None, environ={}))
    answered = {id(r): query.ask(catalogue, r.query).question is not None for r in rows}
    print(f"search.py's rule now, all sets: {figures(rows, lambda r: answered[id(r)]).row()}")


if __name__ == "__main__":
    main()
