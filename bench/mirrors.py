"""What each hand-written mirror of another library saves on a warm lookup, measured against the plain library.

    .venv/bin/python bench/mirrors.py              # 15 runs a figure, about a minute
    .venv/bin/python bench/mirrors.py --runs 31    # steadier medians on a busy machine

Four modules copy another library's internals to spare a warm lookup its import:
`argv.py` (Typer's parsing), `record.py` (dataclasses), `render/parsed_markdown.py`
(rich.markdown) and `ascii_table.py` (anyascii's tables). Two measurements of each, every
figure the median of `--runs` fresh processes on the bundled catalogue with a warm index:

1. The lookup itself, end to end, with one mirror replaced by the plain library (the runner
   below swaps it before `faq` starts; the output is checked to be byte for byte the same),
   taken in rounds with the untouched lookup and bench/minimal_app.py (bench/run.py's
   yardstick), one run of each per round, so a slow spell of a shared machine falls on all.
2. The plain library's path and the mirror's, timed inside a fresh process after importing every
   library module the warm lookups import anyway (perf_counter around the part that differs):
   the import that only the plain path needs, and the use.

Prints Markdown: the lookups' wall times, then one row per mirror with its saving and whether
the warm lookups would stay within 1.3× the minimal app without it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BUNDLED, HERE, OUT, PYTHON, ROOT, TYPER_APP, environment, run_once

TARGET = 1.3  # × the minimal Typer+Rich app (the speed target of the issues)
# A saving is material when it moves a warm lookup's ratio to the minimal app by at least this much
# (a sixth of the 0.3 the target allows) and by more than twice the noise floor measured alongside.
MATERIAL = 0.05

MIRRORS = ("argv", "record", "parsed_markdown", "ascii_table")
MODULES = {
    "argv": "faq_cli/argv.py",
    "record": "faq_cli/record.py",
    "parsed_markdown": "faq_cli/render/parsed_markdown.py",
    "ascii_table": "faq_cli/ascii_table.py",
}
MODULE_NAMES = {mirror: path.removesuffix(".py").replace("/", ".") for mirror, path in MODULES.items()}
PLAIN = {
    "argv": "the Typer app",
    "record": "@dataclass(slots=True)",
    "parsed_markdown": "rich.markdown.Markdown",
    "ascii_table": "anyascii",
}

# Warm lookups: the two of the speed targets, and a name typed in Cyrillic (the only one of the
# three that transliterates, so the only one ascii_table can matter to).
LOOKUPS = {
    "faq ask": ["ask", "who is alekseyev"],
    "faq profile": ["profile", "Vladimir Alekseyev"],
    "faq profile Алексеев": ["profile", "Алексеев"],
}

# Each mirror's plain replacement, installed before anything imports the mirror.
SHIMS = {
    # Every command line to the Typer app, as for help and usage errors.
    "argv": "from faq_cli import argv\nargv.parse = lambda args, environ: None",
    # The model's classes as @dataclass(slots=True, frozen=...) makes them.
    "record": """import dataclasses, sys, types
shim = types.ModuleType("faq_cli.record")
shim.MISSING = dataclasses.MISSING
shim.field = dataclasses.field
shim.record = lambda *, frozen=False: dataclasses.dataclass(slots=True, frozen=frozen)
shim.is_record = dataclasses.is_dataclass
shim.fields = lambda value: {f.name: f.default for f in dataclasses.fields(value)}
shim.replace = dataclasses.replace
shim.FrozenRecordError = dataclasses.FrozenInstanceError
sys.modules["faq_cli.record"] = shim""",
    # Every Markdown field parsed and rendered by rich.markdown (what terminal.markdown does without tokens).
    "parsed_markdown": """import sys, types
shim = types.ModuleType("faq_cli.render.parsed_markdown")
shim.from_tokens = lambda stream: None
sys.modules["faq_cli.render.parsed_markdown"] = shim""",
    # Every non-ASCII text through anyascii (what names.to_ascii does for a script outside the table).
    "ascii_table": """import re, sys, types
shim = types.ModuleType("faq_cli.ascii_table")
shim.OTHER, shim.TABLE = re.compile("[^\\x00-\\x7f]"), {}
sys.modules["faq_cli.ascii_table"] = shim""",
}


def runner(drop: tuple[str, ...]) -> str:
    """`faq` with the mirrors in `drop` replaced by the plain library."""
    return "\n".join([*(SHIMS[m] for m in drop if m in SHIMS), "from faq_cli.cli import main", "main()"])


# The untouched lookup measured twice in every round: the gap between its two medians is the noise floor.
AGAIN = ("again",)
VARIANTS: list[tuple[str, ...]] = [(), AGAIN, *((m,) for m in MIRRORS), MIRRORS]


# The part each mirror replaces, timed inside one fresh process after what a warm lookup imports
# anyway (CONTEXT); the snippet prints its milliseconds. `SAMPLE` is a JSON file written below.
CONTEXT = {
    # The command functions are imported by both paths; their bodies are left out (stubbed).
    "argv": "import faq_cli.cli, faq_cli.commands as commands\n"
    "for name in ('ask', 'profile'): setattr(commands, name, lambda *a, **k: None)\n"
    "ARGS = ['ask', 'who is alekseyev']",
    # faq_cli.errors (imported by every lookup) brings dataclasses itself: its import is paid either way.
    "record": "import datetime, re, typing, collections.abc, faq_cli.errors",
    # A text lookup has the terminal renderer and Rich's console loaded; the answer of `faq ask 'who is alekseyev'`.
    "parsed_markdown": "import io, json, sys\nfrom rich.console import Console\nfrom faq_cli.render import terminal\n"
    "BODY, TOKENS = json.load(open(SAMPLE))['markdown']\n"
    "console = Console(file=io.StringIO(), width=100, theme=terminal.THEME, no_color=True, highlight=False,"
    " emoji=False, markup=False)",
    # faq_cli.names is imported by every lookup; the name as typed, and the catalogue's spellings of it.
    "ascii_table": "import json, faq_cli.names\nTEXTS = json.load(open(SAMPLE))['names']",
}
PLAIN_PATH = {
    "argv": "import typer.main\nfrom faq_cli.app import app\n"
    "typer.main.get_command(app).main(ARGS, prog_name='faq', standalone_mode=False)",
    "record": SHIMS["record"] + "\nimport faq_cli.model",
    "parsed_markdown": "from rich.markdown import Markdown\nconsole.print(Markdown(BODY, hyperlinks=False))",
    "ascii_table": "from anyascii import anyascii\nfor text in TEXTS: anyascii(text)",
}
MIRROR_PATH = {
    "argv": "from faq_cli import argv\nlookup = argv.parse(ARGS, {})\ngetattr(commands, lookup.command)(**lookup.values)",
    "record": "import faq_cli.model",
    "parsed_markdown": "from faq_cli.render.parsed_markdown import from_tokens\nconsole.print(from_tokens(TOKENS))",
    "ascii_table": "from faq_cli.names import to_ascii\nfor text in TEXTS: to_ascii(text)",
}


# Every library module the warm lookups import (listed in SAMPLE), so each path below pays only for what it adds.
LOADED_ANYWAY = """import importlib, json
for _name in json.load(open(SAMPLE))["modules"]:
    try:
        importlib.import_module(_name)
    except Exception:
        pass"""


def timed_snippet(mirror: str, path: str, sample: Path) -> str:
    """A program that loads what a warm lookup has loaded anyway, then prints the milliseconds `path` takes."""
    return (
        f"SAMPLE = {str(sample)!r}\n{LOADED_ANYWAY}\n{CONTEXT[mirror]}\n"
        f"from time import perf_counter as _clock\n_start = _clock()\n{path}\nprint((_clock() - _start) * 1000)\n"
    )


def imported(env: dict[str, str]) -> dict[str, set[str]]:
    """The modules each warm lookup imports with every mirror in place."""
    found: dict[str, set[str]] = {}
    for label, args in LOOKUPS.items():
        argv = lookup_argv((), args)
        proc = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], capture_output=True, env=env, cwd=ROOT, check=True)
        lines = [line for line in proc.stderr.decode().splitlines() if line.startswith("import time:") and "|" in line]
        found[label] = {line.rsplit("|", 1)[1].strip() for line in lines} - {"module", ""}
    return found


@dataclass
class Row:
    mirror: str
    plain_ms: float
    mirror_ms: float
    saved: dict[str, float | None]  # lookup → ms saved end to end (median without the mirror − with it); None: unused
    replaced_ratio: dict[str, float]  # lookup → × minimal app with the mirror replaced


def lookup_argv(drop: tuple[str, ...], args: list[str]) -> list[str]:
    return [PYTHON, "-c", runner(drop), "--data", str(BUNDLED), *args]


def end_to_end(runs: int, env: dict[str, str]) -> dict[tuple[str, tuple[str, ...]], float]:
    """Median wall seconds of each lookup with each mirror (and all of them) replaced, beside the minimal app."""
    commands = [(TYPER_APP, (), [PYTHON, str(HERE / "minimal_app.py")])]
    commands += [(label, drop, lookup_argv(drop, args)) for label, args in LOOKUPS.items() for drop in VARIANTS]
    for label, drop, argv in commands[1:]:  # the index is warm, and each replacement prints what the mirror prints
        expected = run_once(lookup_argv((), LOOKUPS[label]), env)[3]
        got = run_once(argv, env)
        if got[2] != 0 or got[3] != expected:
            raise SystemExit(f"{label} without {','.join(drop)}: not the same output (exit status {got[2]})")
    times: dict[tuple[str, tuple[str, ...]], list[float]] = {(label, drop): [] for label, drop, _ in commands}
    for _ in range(runs):
        for label, drop, argv in commands:
            times[label, drop].append(run_once(argv, env)[0])
    return {key: statistics.median(values) for key, values in times.items()}


def in_process(runs: int, env: dict[str, str], sample: Path) -> dict[tuple[str, str], float]:
    """Median milliseconds of the plain library's path and the mirror's, each in a fresh process, in rounds."""
    snippets = {
        (m, kind): timed_snippet(m, (PLAIN_PATH if kind == "plain" else MIRROR_PATH)[m], sample)
        for m in MIRRORS
        for kind in ("plain", "mirror")
    }
    times: dict[tuple[str, str], list[float]] = {key: [] for key in snippets}
    for _ in range(runs):
        for key, code in snippets.items():
            proc = subprocess.run([PYTHON, "-c", code], capture_output=True, env=env, cwd=ROOT, check=False)
            if proc.returncode != 0:
                raise SystemExit(f"{key}: {proc.stderr.decode()[-2000:]}")
            times[key].append(float(proc.stdout.split()[-1]))
    return {key: statistics.median(values) for key, values in times.items()}


def write_sample(path: Path, env: dict[str, str], modules: dict[str, set[str]]) -> None:
    """What the in-process figures work on: the answer of `faq ask 'who is alekseyev'` with its stored tokens, a
    name typed in Cyrillic with the catalogue's Cyrillic spellings of it, and the modules loaded anyway."""
    from faq_cli.index import markdown_tokens

    answer = json.loads(run_once([PYTHON, "-m", "faq_cli", "--data", str(BUNDLED), "ask", "--json", "who is alekseyev"], env)[3])
    body = answer["match"]["answer"]
    person = json.loads(run_once([PYTHON, "-m", "faq_cli", "--data", str(BUNDLED), "profile", "--json", "Алексеев"], env)[3])
    names = ["Алексеев", person["native_name"], *(a for a in person["aliases"] if not a.isascii())]
    libraries = sorted(name for name in set().union(*modules.values()) if not name.startswith(("faq_cli", "__main__")))
    sample = {"markdown": [body, markdown_tokens(body)], "names": names, "modules": libraries}
    path.write_text(json.dumps(sample), encoding="utf-8")


def rows(
    walls: dict[tuple[str, tuple[str, ...]], float], micro: dict[tuple[str, str], float], uses: dict[str, set[str]]
) -> list[Row]:
    """One row a mirror, and one for all four; a saving only on the lookups that import the mirror (None elsewhere)."""
    app = walls[TYPER_APP, ()]
    found = []
    for mirror in (*MIRRORS, "all four"):
        drop = MIRRORS if mirror == "all four" else (mirror,)
        used = set(LOOKUPS) if mirror == "all four" else uses[mirror]
        saved = {label: (walls[label, drop] - walls[label, ()]) * 1000 if label in used else None for label in LOOKUPS}
        ratio = {label: walls[label, drop] / app for label in LOOKUPS}
        plain = sum(micro[m, "plain"] for m in drop)
        own = sum(micro[m, "mirror"] for m in drop)
        found.append(Row(mirror, plain, own, saved, ratio))
    return found


def report(
    walls: dict[tuple[str, tuple[str, ...]], float],
    micro: dict[tuple[str, str], float],
    uses: dict[str, set[str]],
    runs: int,
) -> str:
    app = walls[TYPER_APP, ()]
    out = [
        "### Warm lookups, each mirror replaced by the plain library",
        "",
        "| lookup | " + " | ".join(["all mirrors", "again", *(f"without {m}" for m in MIRRORS), "without all four"]) + " |",
        "|---|" + "---:|" * len(VARIANTS),
        f"| {TYPER_APP} | {app * 1000:.0f} ms |" + " |" * (len(VARIANTS) - 1),
    ]
    for label in LOOKUPS:
        cells = [f"{walls[label, d] * 1000:.0f} ms ({walls[label, d] / app:.2f}×)" for d in VARIANTS]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    ask, profile, _ = LOOKUPS
    out += [
        "",
        "### What each mirror saves",
        "",
        "| mirror | plain library path | mirror | saved in-process | saved on warm ask / profile / profile Алексеев "
        "| share of warm ask / profile | × minimal app if replaced: ask / profile / Алексеев "
        "| within 1.3× if replaced | verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    noise = max(abs(walls[k, AGAIN] - walls[k, ()]) for k in LOOKUPS) * 1000
    floor = max(MATERIAL * app * 1000, 2 * noise)
    for row in rows(walls, micro, uses):
        name = row.mirror if row.mirror == "all four" else f"`{MODULES[row.mirror]}` ({PLAIN[row.mirror]})"
        used = [k for k in LOOKUPS if row.saved[k] is not None]
        saved = " / ".join("unused" if row.saved[k] is None else f"{row.saved[k]:+.1f}" for k in LOOKUPS) + " ms"
        share = " / ".join("0%" if (v := row.saved[k]) is None else f"{v / (walls[k, ()] * 1000):.0%}" for k in (ask, profile))
        ratio = {k: row.replaced_ratio[k] if k in used else walls[k, ()] / app for k in LOOKUPS}
        ratios = " / ".join(f"{ratio[k]:.2f}" for k in LOOKUPS)
        within = " / ".join("yes" if ratio[k] <= TARGET else "no" for k in LOOKUPS)
        best = max((row.saved[k] or 0.0) for k in LOOKUPS)
        verdict = "material" if best >= floor else "not material"
        out.append(
            f"| {name} | {row.plain_ms:.1f} ms | {row.mirror_ms:.1f} ms | {row.plain_ms - row.mirror_ms:.1f} ms | {saved} "
            f"| {share} | {ratios} | {within} | {verdict} |"
        )
    now = " / ".join(f"{walls[k, ()] / app:.2f}" for k in LOOKUPS)
    now_within = " / ".join("yes" if walls[k, ()] / app <= TARGET else "no" for k in LOOKUPS)
    out += [
        "",
        f"Medians of {runs} fresh processes each. With every mirror in place the three lookups take {now}× the minimal app"
        f" (within {TARGET}×: {now_within}). The untouched lookup measured twice in the same rounds differs by up to"
        f" {noise:.1f} ms (the noise floor). A saving is material when, on some lookup, it is at least {MATERIAL} of the"
        f" minimal app ({MATERIAL * app * 1000:.1f} ms, a sixth of the {TARGET - 1:.1f} the target allows) and twice the"
        f" noise floor: here {floor:.1f} ms. A mirror a lookup never imports saves it nothing (unused; its ratio is"
        " then the lookup's own).",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="fresh processes a figure (median)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    env = environment(OUT / "cache-mirrors")
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "faq_cli"), str(HERE)], check=True, env=env)
    load = os.getloadavg()[0]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load:.1f}, {time.strftime('%Y-%m-%d %H:%M')}\n")
    with tempfile.TemporaryDirectory() as scratch:
        sample = Path(scratch) / "sample.json"
        run_once(lookup_argv((), LOOKUPS["faq ask"]), env)  # build the index
        modules = imported(env)
        write_sample(sample, env, modules)
        walls = end_to_end(args.runs, env)
        micro = in_process(args.runs, env, sample)
    uses = {mirror: {label for label, names in modules.items() if MODULE_NAMES[mirror] in names} for mirror in MIRRORS}
    print(report(walls, micro, uses, args.runs))


if __name__ == "__main__":
    main()
