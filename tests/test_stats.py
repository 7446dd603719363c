"""`faq` alone prints an overview of the catalogue; `faq stats` draws bar charts of it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from rich.cells import cell_len


def test_faq_alone_prints_the_overview(faq) -> None:
    run = faq()
    assert run.status == 0
    lines = run.out.splitlines()
    assert lines[0] == "Attacks on Russian officers and pro-war figures, 2022–2026"
    assert lines[1].startswith("as of 9 Feb 2026")
    counts = {section: len(json.loads(faq(section, "--json").out)) for section in ("questions", "incidents", "people", "sources")}
    counts["events"] = sum(1 for item in json.loads(faq("timeline", "--json").out) if item["type"] == "event")
    for section, count in counts.items():
        assert any(line.split()[:2] == [str(count), section] for line in lines), section
    assert "faq incidents --year 2026" in run.out
    assert "Usage:" not in run.out


def test_overview_examples_work(faq) -> None:
    """Every example the overview offers runs and succeeds on the catalogue it describes."""
    import shlex

    examples = [line.split("  ")[1] for line in faq(env={"COLUMNS": "200"}).out.splitlines() if line.startswith("  faq ")]
    assert len(examples) >= 5
    for example in examples:
        args = shlex.split(example)[1:]
        assert faq(*args).status == 0, example


def test_overview_of_an_empty_catalogue(faq, tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("catalogue:\n  name: Nothing yet\n", encoding="utf-8")
    run = faq("--data", str(path))
    assert run.status == 0
    assert run.out.startswith("Nothing yet\n")
    assert "0 questions" in run.out and f"faq--data{path}stats" in "".join(run.out.split())
    assert "faq ask" not in run.out


def test_overview_with_a_broken_catalogue_is_one_error(faq, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("questions: [oops\n", encoding="utf-8")
    run = faq("--data", str(path))
    assert run.status == 2
    assert run.out == ""
    assert run.err.startswith("faq: ") and "bad.yaml" in run.err


def test_stats_json_counts_agree_with_the_listings(faq) -> None:
    run = faq("stats", "--json")
    assert run.status == 0
    doc = json.loads(run.out)
    incidents = json.loads(faq("incidents", "--json").out)
    years = sorted({int(i["date"][:4]) for i in incidents})
    per_year = {row["year"]: row["count"] for row in doc["incidents_per_year"]}
    assert list(per_year) == list(range(years[0], years[-1] + 1))  # gaps filled
    assert all(per_year[y] == sum(1 for i in incidents if int(i["date"][:4]) == y) for y in per_year)
    kinds = {row["kind"]: row["count"] for row in doc["incidents_per_kind"]}
    assert sum(kinds.values()) == len(incidents)
    assert [row["level"] for row in doc["verification"]] == ["confirmed", "reported", "unverified"]
    reported = next(row for row in doc["verification"] if row["level"] == "reported")
    assert reported["incidents"] == sum(1 for i in incidents if i["verification"] == "reported")
    assert sum(row["count"] for row in doc["verification"]) == sum(
        len(json.loads(faq(cmd, "--json").out)) for cmd in ("incidents", "questions", "people")
    ) + sum(1 for t in json.loads(faq("timeline", "--json").out) if t["type"] == "event")


def test_stats_draws_bars_proportional_to_counts(faq) -> None:
    run = faq("stats")
    assert run.status == 0
    doc = json.loads(faq("stats", "--json").out)
    bars = {}
    for line in run.out.splitlines():
        words = line.split()
        if len(words) == 3 and words[0].isdigit() and len(words[0]) == 4:
            bars[int(words[0])] = (words[1], int(words[2]))
    assert {y: n for y, (_, n) in bars.items()} == {r["year"]: r["count"] for r in doc["incidents_per_year"] if r["count"]}
    longest = max(bars.values(), key=lambda b: b[1])
    for bar, count in bars.values():
        assert abs(cell_len(bar) / cell_len(longest[0]) - count / longest[1]) < 0.1
    for heading in ("Incidents per year", "Incidents per kind", "Entries per verification level"):
        assert heading in run.out


def test_stats_fits_60_columns(faq) -> None:
    run = faq("stats", env={"COLUMNS": "60"})
    assert run.status == 0
    assert max(cell_len(line) for line in run.out.splitlines()) <= 60
    assert "█" in run.out


def test_stats_with_many_kinds_lists_the_rest_in_json(faq, tmp_path: Path) -> None:
    incidents = "\n".join(
        f"  - {{id: i{n}, date: 20{10 + n % 5}-01-01, title: T{n}, kind: kind-{n}, place: P, sources: [s]}}" for n in range(20)
    )
    path = tmp_path / "many.yaml"
    path.write_text(
        textwrap.dedent("""\
        sources:
          - {id: s, title: S, publisher: P, date: 2020}
        incidents:
        """)
        + incidents
        + "\n",
        encoding="utf-8",
    )
    run = faq("--data", str(path), "stats")
    assert run.status == 0, run.err
    assert "and 8 more kinds (8 incidents)" in run.out
    assert len(json.loads(faq("--data", str(path), "stats", "--json").out)["incidents_per_kind"]) == 20
