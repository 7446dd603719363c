"""How well `faq ask` answers, over many catalogues (BEIR-style: one protocol, many corpora).

    python bench/ask_bench.py                     # calibration sets, as the library answers (fitted weights)
    python bench/ask_bench.py --role held-out     # the held-out sets (run them once, at the end)
    python bench/ask_bench.py --role held-out --cli   # … through the installed `faq`, one process per query
    python bench/ask_bench.py --loco              # leave one catalogue out: ranker and abstention fitted on
                                                  # the other calibration catalogues, judged on the one left out
    python bench/ask_bench.py --fit               # fit on every calibration catalogue; write faq_cli/search/fitted.py
    python bench/ask_bench.py --loco --write docs/ask-benchmark.md   # also write the table

The catalogues and queries live in bench/catalogues/<role>/<name>/ (see bench/askbench/sets.py).
Fitting needs numpy (`pip install numpy`); judging does not. Figures, per catalogue:

- top-1: on-topic queries answered with an expected entry;
- top-3: an expected entry among the first three the tool shows (the answer and its runners-up);
- wrong: on-topic queries answered with another entry;
- shown: answered right, or refused with an expected entry among the three closest offered;
- refused: off-topic queries refused; near-miss: the off-topic ones about the catalogue's own subject.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.askbench import fit as F  # noqa: E402
from bench.askbench import run as R  # noqa: E402
from bench.askbench import sets as S  # noqa: E402

COLUMNS = ("top1", "top3", "wrong", "shown", "refused", "near_refused")
HEAD = ("top-1", "top-3", "wrong", "shown", "off-topic refused", "near-miss refused")
REFUSE = 0.92  # the off-topic refusal the threshold is fitted for, on the training catalogues
MAX_WRONG = 0.05
FITTED = ROOT / "faq_cli" / "search" / "fitted.py"


def table(rows: dict[str, dict[str, float]], counts: dict[str, tuple[int, int]], title: str) -> str:
    def pct(x: float) -> str:
        return "–" if math.isnan(x) else f"{100 * x:.1f}%"

    lines = [f"| {title} | on / off | " + " | ".join(HEAD) + " |", "|---|---|" + "---:|" * len(HEAD)]
    for name, m in rows.items():
        on, off = counts[name]
        lines.append(f"| {name} | {on} / {off} | " + " | ".join(pct(m[c]) for c in COLUMNS) + " |")
    mean = {c: _mean([m[c] for m in rows.values()]) for c in COLUMNS}
    lines.append("| **mean** | | " + " | ".join(f"**{pct(mean[c])}**" for c in COLUMNS) + " |")
    return "\n".join(lines)


def _mean(values: list[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return sum(kept) / len(kept) if kept else float("nan")


def _counts(qs: S.QuerySet) -> tuple[int, int]:
    return sum(q.on_topic for q in qs.queries), sum(not q.on_topic for q in qs.queries)


def judge(role: str, cli: bool) -> tuple[dict[str, dict[str, float]], dict[str, tuple[int, int]]]:
    rows, counts = {}, {}
    with tempfile.TemporaryDirectory() as cache:
        for qs in S.discover(role):
            t = time.perf_counter()
            outcomes = R.cli_outcomes(qs, cache) if cli else R.library_outcomes(qs)
            rows[qs.name] = R.figures(qs, outcomes)
            counts[qs.name] = _counts(qs)
            print(f"  {qs.name}: {len(qs.queries)} queries in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return rows, counts


def _ranker_data(items: list[tuple[str, list[tuple[list[tuple[float, ...]], list[bool]]]]]) -> list[object]:
    import numpy as np

    from bench.askbench import rankfit

    return [rankfit.RankedQuery(name, np.array(f), np.array(p)) for name, queries in items for f, p in queries]


def _set_rank_weights(weights: tuple[float, ...]) -> None:
    from faq_cli.search import fitted

    fitted.RANK_WEIGHTS = weights


def loco(role: str = "calibration") -> tuple[dict[str, dict[str, float]], dict[str, tuple[int, int]]]:
    """Each calibration catalogue judged by models fitted on the others (the engine's own decisions)."""
    from bench.askbench import rankfit
    from faq_cli.search import rank

    sets = S.discover(role)
    ranked = [(qs.name, R.engine_rows(qs)[1]) for qs in sets]  # an entry's features do not depend on the weights
    data = _ranker_data(ranked)
    out, counts = {}, {}
    for qs in sets:
        weights = rankfit.fit([d for d in data if d.catalogue != qs.name])  # type: ignore[attr-defined]
        _set_rank_weights(tuple(float(x) for x in weights))
        rows = [r for other in sets for r in R.engine_rows(other)[0]]
        train = [r for r in rows if r.catalogue != qs.name]
        beta = F.fit(train, rank.ABSTAIN_SIGNS)
        t = F.threshold(train, beta, REFUSE, MAX_WRONG)
        out[qs.name] = F.one_catalogue([r for r in rows if r.catalogue == qs.name], beta, t)
        counts[qs.name] = _counts(qs)
        print(f"  {qs.name}: " + " ".join(f"{k}={v:.3f}" for k, v in out[qs.name].items()), file=sys.stderr)
    return out, counts


def _tuple(values: Iterable[float]) -> str:
    """A tuple of floats as Python source, one a line (as ruff would format it)."""
    return "(\n" + "".join(f"    {float(v)!r},\n" for v in values) + ")"


def fit_all(role: str = "calibration") -> None:
    """Fit the ranker and the abstention model on every catalogue of `role` and write them to fitted.py."""
    from bench.askbench import rankfit
    from faq_cli.search import rank

    sets = S.discover(role)
    data = _ranker_data([(qs.name, R.engine_rows(qs)[1]) for qs in sets])
    weights = tuple(round(float(x), 5) for x in rankfit.fit(data))  # type: ignore[arg-type]
    _set_rank_weights(weights)
    rows = [r for qs in sets for r in R.engine_rows(qs)[0]]
    beta = F.fit(rows, rank.ABSTAIN_SIGNS)
    t = F.threshold(rows, beta, REFUSE, MAX_WRONG)
    names = ", ".join(s.name for s in sets)
    text = f'''"""The ranking and abstention models' weights, as fitted by bench/ask_bench.py --fit (do not edit by hand).

Fitted on the {role} catalogues:
{textwrap.fill(names, 100)}.
RANK_WEIGHTS follow rank.RANK_FEATURES; ABSTAIN_WEIGHTS are the intercept, then rank.ABSTAIN_FEATURES.
"""

RANK_WEIGHTS = {_tuple(weights)}
ABSTAIN_WEIGHTS = {_tuple(round(b, 5) for b in beta)}
THRESHOLD = {round(t, 5)!r}
'''
    FITTED.write_text(text)
    assert len(weights) == len(rank.RANK_FEATURES) and len(beta) == len(rank.ABSTAIN_FEATURES) + 1
    print(
        f"wrote {FITTED.relative_to(ROOT)}: threshold {t:.3f}; in-sample "
        + str({k: round(v, 3) for k, v in F.metrics(rows, beta, t).items()})
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--role", default="calibration", choices=("calibration", "held-out"))
    parser.add_argument("--cli", action="store_true", help="through the installed faq, one process per query")
    parser.add_argument("--loco", action="store_true", help="leave one catalogue out (calibration sets)")
    parser.add_argument("--fit", action="store_true", help="fit on every calibration catalogue and write fitted.py")
    parser.add_argument("--write", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args()
    if args.fit:
        fit_all()
        return
    if args.loco:
        rows, counts = loco()
        title = "catalogue (left out)"
    else:
        rows, counts = judge(args.role, args.cli)
        title = f"{args.role} catalogue" + (" (installed faq)" if args.cli else "")
    text = table(rows, counts, title)
    print(text)
    if args.write:
        args.write.write_text(text + "\n")


if __name__ == "__main__":
    main()
