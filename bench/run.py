"""Wall time and peak memory of `faq` commands, beside the bare interpreter and a minimal Typer+Rich app.

    python bench/run.py                         # the bundled catalogue, 1k and 10k incidents
    python bench/run.py --sizes 100000 200000   # larger synthetic catalogues (generated once, under bench/out/)
    python bench/run.py --one-file 48000        # the same entries in one 31 MB file (the memory bound's case)
    python bench/run.py --runs 9 --build-runs 1

Every figure is one fresh process, as a user's shell runs it (output to a pipe,
so text output is plain but still laid out by Rich): the median wall
time of `--runs` runs, and the largest peak resident memory among them
(from `wait4`). For each size it measures the first call (the index build,
from an empty cache), warm `ask`, `incidents --year`, `profile`,
`timeline --year`, and `validate` after one file changed; the warm queries
on a synthetic catalogue are chosen to return as many entries as the same
command on the bundled one, so the comparison is of scale, not of output
size. Beside them: `python -c pass` and the minimal Typer app of
bench/minimal_app.py, measured in the same rounds as each catalogue's warm
lookups (one run of each per round, so a slow spell of a shared machine falls
on all alike; each table's ratios are to its own baselines), and PyYAML's
CSafeLoader parsing the same files (the yardstick for the build). Prints Markdown.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PYTHON = sys.executable
BUNDLED = ROOT / "data"

# The yardstick for the build: parse every file, keeping them all (what a loader without an index holds).
CSAFE = """
import sys, yaml
from pathlib import Path
documents = []
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    with open(path, encoding="utf-8") as handle:
        documents.append(yaml.load(handle, Loader=yaml.CSafeLoader))
"""


@dataclass
class Figure:
    label: str
    seconds: float
    peak_mb: float
    runs: int
    note: str = ""


def environment(cache: Path) -> dict[str, str]:
    """What a user's shell gives `faq`: bytecode caching on, no colour (output goes to a pipe), our cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FAQ_CLI_DATA", "FORCE_COLOR")}
    env.update({"NO_COLOR": "1", "FAQ_CLI_CACHE_DIR": str(cache), "COLUMNS": "100"})
    return env


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, bytes]:
    """Wall seconds, peak RSS in MB, exit status and stdout of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode, out


def measure(label: str, argv: list[str], env: dict[str, str], runs: int, before: object = None, note: str = "") -> Figure:
    times, peaks = [], []
    for _ in range(runs):
        if callable(before):
            before()
        seconds, peak, status, _ = run_once(argv, env)
        if status not in (0, 1):
            raise SystemExit(f"{label}: exit status {status} from {' '.join(argv)}")
        times.append(seconds)
        peaks.append(peak)
    return Figure(label, statistics.median(times), max(peaks), runs, note)


def measure_together(commands: list[tuple[str, list[str], str]], env: dict[str, str], runs: int) -> list[Figure]:
    """Warm figures taken in rounds, one run of each command per round, so that a shared machine's slow and
    fast spells fall on all of them alike and the ratios between them hold (each figure is still a median)."""
    times: dict[str, list[float]] = {label: [] for label, _, _ in commands}
    peaks: dict[str, list[float]] = {label: [] for label, _, _ in commands}
    for _ in range(runs):
        for label, argv, _ in commands:
            seconds, peak, status, _ = run_once(argv, env)
            if status not in (0, 1):
                raise SystemExit(f"{label}: exit status {status} from {' '.join(argv)}")
            times[label].append(seconds)
            peaks[label].append(peak)
    return [Figure(label, statistics.median(times[label]), max(peaks[label]), runs, note) for label, _, note in commands]


def faq(*args: str) -> list[str]:
    return [PYTHON, "-m", "faq_cli", *args]


# ---- choosing comparable queries --------------------------------------------------------------------


@dataclass
class Queries:
    """The arguments of each warm query for one catalogue, and how many entries each returns."""

    ask: str
    year: str
    year_count: int
    timeline_year: str
    timeline_count: int
    person: str
    person_count: int


BUNDLED_QUERIES = Queries("who is alekseyev", "2025", 0, "2025", 0, "Vladimir Alekseyev", 0)  # a name, as at every size


_SECTION = re.compile(r"^([a-z]+):[ \t]*$", re.MULTILINE)


def _counts(folder: Path, section: str, pattern: str) -> Counter[str]:
    """How often each match of `pattern` occurs in `section`, split across files or not."""
    found: Counter[str] = Counter()
    regex = re.compile(pattern, re.MULTILINE)
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        starts = [(m.start(), m.group(1)) for m in _SECTION.finditer(text)] + [(len(text), "")]
        for (start, name), (end, _) in itertools.pairwise(starts):
            if name == section:
                found.update(regex.findall(text, start, end))
    return found


def bundled_counts(env: dict[str, str]) -> Queries:
    """How many entries the bundled catalogue's queries return (the size to match)."""
    import json

    q = BUNDLED_QUERIES

    def count(*args: str) -> int:
        _, _, _, out = run_once(faq("--data", str(BUNDLED), *args, "--json"), env)
        return len(json.loads(out))

    profile = json.loads(run_once(faq("--data", str(BUNDLED), "profile", q.person, "--json"), env)[3])
    return Queries(
        q.ask,
        q.year,
        count("incidents", "--year", q.year),
        q.timeline_year,
        count("timeline", "--year", q.timeline_year),
        q.person,
        len(profile["incidents"]),
    )


def synthetic_queries(folder: Path, size: int, target: Queries) -> Queries:
    """A year and a person whose results are as close as possible in number to the bundled catalogue's."""
    sys.path.insert(0, str(HERE))
    import generate

    years = _counts(folder, "incidents", r"^    date: (\d{4})")
    event_years = _counts(folder, "events", r"^    date: (\d{4})")
    year = min(years, key=lambda y: (abs(years[y] - target.year_count), y))
    both = {y: years[y] + event_years[y] for y in set(years) | set(event_years)}
    timeline_year = min(both, key=lambda y: (abs(both[y] - target.timeline_count), y))
    involved = _counts(folder, "incidents", r"^      - person: person-(\d+)$")
    person = min(involved, key=lambda p: (abs(involved[p] - target.person_count), int(p)))
    latin, _, _ = generate.Catalogue(size).names[int(person) - 1]
    return Queries(f"who is {latin}", year, years[year], timeline_year, both[timeline_year], latin, involved[person])


# ---- one catalogue ------------------------------------------------------------------------------------


def bench_catalogue(name: str, folder: Path, queries: Queries, runs: int, build_runs: int) -> list[Figure]:
    cache = OUT / f"cache-{name}"
    env = environment(cache)
    data = ["--data", str(folder)]
    figures = []

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    figures.append(
        measure("first call (index build)", faq(*data, "incidents", "--json", "--year", queries.year), env, build_runs, cold)
    )
    warm = [
        *BASELINES,
        ("faq ask", faq(*data, "ask", queries.ask), "1 answer"),
        ("faq ask --json", faq(*data, "ask", "--json", queries.ask), "1 answer"),
        ("faq incidents --year", faq(*data, "incidents", "--year", queries.year), f"{queries.year_count} entries"),
        ("faq profile", faq(*data, "profile", queries.person), f"{queries.person_count} incidents"),
        ("faq timeline --year", faq(*data, "timeline", "--year", queries.timeline_year), f"{queries.timeline_count} entries"),
    ]
    run_once(warm[len(BASELINES)][1], env)  # the index exists and is fresh
    figures += measure_together(warm, env, runs)
    figures.append(measure("faq validate, one file changed", faq(*data, "validate"), env, max(build_runs, 3), _editor(folder)))
    figures.append(measure("CSafeLoader alone, same files", [PYTHON, "-c", CSAFE, str(folder)], env, build_runs))
    return figures


def _editor(folder: Path) -> object:
    """Each call changes one file's content (a comment line that flips), as an edit would."""
    target = sorted(folder.glob("*.yaml"))[-1]
    state = {"n": 0}

    def edit() -> None:
        state["n"] += 1
        text = target.read_text(encoding="utf-8").split("\n# bench edit ")[0]
        target.write_text(f"{text}\n# bench edit {state['n']}\n", encoding="utf-8")

    return edit


BARE, TYPER_APP = "python -c pass", "minimal Typer app + Rich panel"
# Measured in the same rounds as each catalogue's warm lookups, so each table's ratios compare like with like.
BASELINES = [(BARE, [PYTHON, "-c", "pass"], ""), (TYPER_APP, [PYTHON, str(HERE / "minimal_app.py")], "")]


def baselines(runs: int) -> list[Figure]:
    env = environment(OUT / "cache-baseline")
    return measure_together([*BASELINES, ("faq --version", faq("--version"), ""), ("faq --help", faq("--help"), "")], env, runs)


def table(title: str, figures: list[Figure]) -> str:
    """The figures beside the baselines measured with them (the table's own `python -c pass` and minimal app)."""
    bare = next(f for f in figures if f.label == BARE)
    typer_app = next(f for f in figures if f.label == TYPER_APP)
    lines = [
        f"### {title}",
        "",
        "| command | wall (median) | × minimal app | × python -c pass | peak memory | runs | returns |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for f in figures:
        ratios = f"{f.seconds / typer_app.seconds:.2f} | {f.seconds / bare.seconds:.1f}"
        lines.append(f"| {f.label} | {f.seconds * 1000:,.0f} ms | {ratios} | {f.peak_mb:,.0f} MB | {f.runs} | {f.note} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000], help="synthetic catalogue sizes (incidents)")
    parser.add_argument("--runs", type=int, default=7, help="runs per warm figure (median)")
    parser.add_argument("--build-runs", type=int, default=3, help="runs per build figure (large sizes: 1)")
    parser.add_argument("--one-file", type=int, nargs="*", default=[], help="sizes generated into one file (incidents)")
    parser.add_argument("--no-bundled", action="store_true", help="skip the bundled catalogue")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "faq_cli"), str(HERE)], check=True, env=environment(OUT))

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}\n")
    print(table("Baselines", baselines(args.runs)), "\n")
    target = bundled_counts(environment(OUT / "cache-bundled"))
    if not args.no_bundled:
        # A copy: the re-validation figure edits a file, and the repository's data must stay as committed.
        copy = OUT / "cat-bundled"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(BUNDLED, copy)
        figures = bench_catalogue("bundled", copy, target, args.runs, args.build_runs)
        print(table("Bundled catalogue", figures), "\n")
    cases = [(size, False) for size in args.sizes] + [(size, True) for size in args.one_file]
    for size, one_file in cases:
        name = f"one-file-{size}" if one_file else str(size)
        folder = OUT / (name if one_file else f"cat-{size}")
        if not folder.is_dir():
            generate = [PYTHON, str(HERE / "generate.py"), str(size), str(folder), *(["--one-file"] if one_file else [])]
            subprocess.run(generate, check=True)
        queries = synthetic_queries(folder, size, target)
        build_runs = args.build_runs if size <= 10_000 else 1
        figures = bench_catalogue(name, folder, queries, args.runs, build_runs)
        megabytes = sum(p.stat().st_size for p in folder.glob("*.yaml")) / 1e6
        layout = "in one file" if one_file else "of YAML"
        print(table(f"{size:,} incidents ({megabytes:,.0f} MB {layout})", figures), "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
