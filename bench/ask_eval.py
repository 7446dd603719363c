"""How well `faq ask` answers: top-1 / top-3 accuracy, abstention on off-topic queries.

    python bench/ask_eval.py                              # the labelled set, in-process
    python bench/ask_eval.py --set bench/ask_heldout.yaml # the held-out set
    python bench/ask_eval.py --cli                        # through the installed `faq` (one process per query)
    python bench/ask_eval.py -v                           # also list every miss
    python bench/ask_eval.py --scores                     # score and margin of every query, for recalibrating

A query set is YAML: `on_topic: [{query, expect}]` (expect = the right
question id) and `off_topic: [query]` (the tool must abstain). Top-1 counts
only confident answers; top-3 counts the expected id among the first three
candidates shown (the answer and its runners-up, or the closest candidates
when the tool abstains).

`--scores` prints, for every query, the top candidate's score and its margin
over the runner-up, grouped as right-top (the expected question ranks first),
wrong-top and off-topic, then the lowest and highest of each group. The
abstention rule itself (search.confident_question) is fitted by
`bench/calibrate.py`, which also prints its leave-one-set-out figures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Outcome:
    query: str
    expect: str | None
    match: str | None
    ranked: tuple[str, ...]
    scores: tuple[float, ...]  # of `ranked`, best first

    @property
    def score(self) -> float:
        return self.scores[0] if self.scores else 0.0

    @property
    def margin(self) -> float:
        return self.scores[0] - self.scores[1] if len(self.scores) > 1 else self.score


Result = tuple[str | None, tuple[str, ...], tuple[float, ...]]


def ask_in_process(queries: list[str], data: list[str] | None) -> list[Result]:
    from faq_cli import query
    from faq_cli.catalogue import active_paths, load_catalogue

    catalogue = load_catalogue(active_paths(data, environ={}))
    out = []
    for text in queries:
        answer = query.ask(catalogue, text, top=3)
        match = answer.question.id if answer.question else None
        ranked = ((match,) if match else ()) + tuple(c.id for c in answer.alternatives)
        scores = ((answer.score,) if match else ()) + tuple(c.score for c in answer.alternatives)
        out.append((match, ranked, scores))
    return out


def ask_cli(queries: list[str], data: list[str] | None) -> list[Result]:
    exe = shutil.which("faq") or str(Path(sys.executable).parent / "faq")
    extra = [a for d in data or [] for a in ("--data", d)]
    out = []
    for text in queries:
        argv = [exe, *extra, "ask", "--json", "--top", "3", "--", text]
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"faq ask {text!r} exited {proc.returncode}: {proc.stderr.strip()}")
        doc = json.loads(proc.stdout)
        match = doc["match"]["id"] if doc["match"] else None
        ranked = ((match,) if match else ()) + tuple(a["id"] for a in doc["alternatives"])
        scores = ((doc["match"]["score"],) if match else ()) + tuple(a["score"] for a in doc["alternatives"])
        out.append((match, ranked, tuple(float(s) for s in scores)))
    return out


def load_set(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    on_topic = [(str(item["query"]), str(item["expect"])) for item in doc.get("on_topic") or []]
    off_topic = [str(q) for q in doc.get("off_topic") or []]
    return on_topic, off_topic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=HERE / "ask_eval.yaml", help="query set (YAML)")
    parser.add_argument("--data", action="append", help="catalogue path (default: the bundled one)")
    parser.add_argument("--cli", action="store_true", help="run the installed `faq` command instead of calling query.ask")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--scores", action="store_true", help="print every query's score and margin, by group")
    args = parser.parse_args()

    on_topic, off_topic = load_set(args.set)
    queries = [q for q, _ in on_topic] + off_topic
    expects: list[str | None] = [e for _, e in on_topic] + [None] * len(off_topic)
    started = time.perf_counter()
    results = (ask_cli if args.cli else ask_in_process)(queries, args.data)
    elapsed = time.perf_counter() - started
    outcomes = [Outcome(q, e, m, r, s) for q, e, (m, r, s) in zip(queries, expects, results, strict=True)]

    on = [o for o in outcomes if o.expect is not None]
    off = [o for o in outcomes if o.expect is None]
    top1 = sum(o.match == o.expect for o in on)
    top3 = sum(o.expect in o.ranked[:3] for o in on)
    wrong = sum(o.match is not None and o.match != o.expect for o in on)
    false_abstain = sum(o.match is None for o in on)
    abstained = sum(o.match is None for o in off)

    def pct(n: int, d: int) -> str:
        return f"{100 * n / d:5.1f}% ({n}/{d})" if d else "  n/a"

    print(f"query set            {args.set.relative_to(ROOT) if args.set.is_relative_to(ROOT) else args.set}")
    print(f"mode                 {'installed faq (subprocess)' if args.cli else 'in-process query.ask'}")
    print(f"top-1 accuracy       {pct(top1, len(on))}")
    print(f"top-3 accuracy       {pct(top3, len(on))}")
    print(f"wrong answers        {pct(wrong, len(on))}")
    print(f"false abstention     {pct(false_abstain, len(on))}")
    print(f"abstention off-topic {pct(abstained, len(off))}")
    print(f"time                 {elapsed * 1000 / max(len(outcomes), 1):.1f} ms per query")
    if args.verbose:
        for o in outcomes:
            if o.match != o.expect:
                got = o.match or f"(abstained; closest {', '.join(o.ranked[:3])})"
                print(f"  MISS {o.query!r}: expected {o.expect or 'abstention'}, got {got} [{o.score:.1f}]")
    if args.scores:
        print_scores(outcomes)


def print_scores(outcomes: list[Outcome]) -> None:
    """Score and margin of the top candidate, by whether it is right, wrong or should not exist."""
    groups: dict[str, list[Outcome]] = {"right-top": [], "wrong-top": [], "off-topic": []}
    for o in outcomes:
        if o.expect is None:
            groups["off-topic"].append(o)
        else:
            groups["right-top" if o.ranked[:1] == (o.expect,) else "wrong-top"].append(o)
    for name, members in groups.items():
        print(f"{name} ({len(members)})")
        for o in sorted(members, key=lambda o: (o.score, o.margin)):
            verdict = "answered" if o.match else "abstained"
            print(f"  {o.score:5.1f} {o.margin:5.1f}  {verdict:9s}  {o.query!r}")
        if members:
            low, high = min(members, key=lambda o: o.score), max(members, key=lambda o: o.score)
            print(
                f"  score {low.score:.1f}..{high.score:.1f}, margin {min(o.margin for o in members):.1f}.."
                f"{max(o.margin for o in members):.1f}"
            )


if __name__ == "__main__":
    main()
