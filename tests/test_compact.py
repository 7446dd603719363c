"""Compact by default: `ask`, `profile`, `incident` and `event` answer in a screenful; `--full` shows the rest."""

from __future__ import annotations

import json
import re
import statistics

import pytest

from conftest import Run

SCREEN = 24  # lines of a classic terminal, at 80 columns (conftest's default width)


def _lines(run: Run) -> list[str]:
    return run.out.rstrip("\n").splitlines()


def _rows(run: Run, heading: str) -> list[str]:
    """The footer rows of a compact card under `heading` ('Sources', 'See also', 'More'), continuation lines included."""
    lines = [line.strip("│").rstrip() for line in _lines(run)]
    start = next(n for n, line in enumerate(lines) if line.startswith(f" {heading} "))
    rows = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith(" " * 10) or not line.strip():
            break
        rows.append(line)
    return rows


def test_a_typical_answer_fits_a_screen_with_one_line_of_sources_and_three_pointers(faq) -> None:
    run = faq("ask", "who was kirillov")
    assert run.status == 0
    assert len(_lines(run)) <= SCREEN, run.out
    assert "hidden in an electric scooter" in " ".join(run.out.replace("│", " ").split())  # the answer, whole
    assert len(_rows(run, "Sources")) == 1
    assert 1 <= len(_rows(run, "See also")) <= 3
    assert _rows(run, "More")[-1].rstrip().endswith("faq ask who-was-kirillov --full")


def test_most_answers_fit_a_screen(faq) -> None:
    count = len(json.loads(faq("questions", "--json").out))
    heights = [len(_lines(faq("ask", str(n)))) for n in range(1, count + 1)]
    assert statistics.median(heights) <= SCREEN, sorted(heights)


def test_full_shows_disputes_every_source_and_every_related_entry(faq) -> None:
    compact = faq("ask", "who might be behind the attack")
    full = faq("ask", "who might be behind the attack", "--full")
    assert compact.status == full.status == 0
    assert "Sources disagree" not in compact.out and "Sources disagree about" in full.out
    assert "1 dispute" in compact.out  # a disagreement is announced, never hidden silently
    assert "https://tass.com/emergencies/2062893" in full.out and "https://" not in compact.out
    related = json.loads(faq("ask", "who might be behind the attack", "--json").out)["match"]["related"]
    assert len(related) > 3
    assert all(f" {r['id']}" in full.out for r in related)
    assert sum(f" {r['id']}" in compact.out for r in related) == 3
    assert len(_lines(full)) > len(_lines(compact))


def test_the_more_line_is_a_command_that_runs(faq) -> None:
    more = " ".join(" ".join(_rows(faq("incident", "kirillov"), "More")).split())
    command = re.search(r"faq (incident \S+ --full)$", more)
    assert command, more
    run = faq(*command.group(1).split())
    assert run.status == 0 and "Sources disagree about attribution" in run.out


def test_profile_first_screen_has_the_main_position_and_the_rest_on_request(faq) -> None:
    compact = faq("profile", "alekseyev")
    full = faq("profile", "alekseyev", "--full")
    assert re.search(r"Position\s+First Deputy Head, Main Intelligence Directorate", compact.out)
    assert "Honours" not in compact.out and "Sanctions" not in compact.out
    assert "Honours" in full.out and "Sanctions" in full.out and "Questions" in full.out
    assert re.search(r"2 disputes.*faq profile alekseyev --full", " ".join(compact.out.split()))
    assert len(_lines(compact)) < len(_lines(full)) / 2


def test_incident_and_event_cards_are_compact_too(faq) -> None:
    for args in (("incident", "kirillov"), ("event", "wagner-mutiny-2023")):
        compact, full = faq(*args), faq(*args, "--full")
        assert compact.status == full.status == 0
        assert "What happened" not in compact.out and "What happened" in full.out
        assert len(_rows(compact, "Sources")) == 1
        assert len(_lines(compact)) < len(_lines(full))


def test_a_stated_fact_comes_with_a_short_card(faq) -> None:
    run = faq("ask", "how old is alekseyev")
    assert run.status == 0
    assert "born in 1961" in run.out
    assert "the whole entry: faq profile alekseyev" in run.out
    assert "Lieutenant general and, since 2011" not in run.out  # the summary waits for the profile
    assert len(_lines(run)) <= SCREEN
    full = faq("ask", "how old is alekseyev", "--full")
    assert "Lieutenant general and, since 2011" in full.out and "Honours" in full.out


@pytest.mark.parametrize(
    "args",
    [
        ("ask", "who might be behind the attack"),
        ("ask", "how old is alekseyev"),
        ("profile", "alekseyev"),
        ("incident", "kirillov"),
    ],
)
def test_json_and_markdown_are_the_same_with_or_without_full(faq, args: tuple[str, ...]) -> None:
    for extra in (("--json",), ("--format", "markdown")):
        assert faq(*args, *extra).out == faq(*args, *extra, "--full").out


def test_full_is_taken_by_the_fast_path_as_by_the_app(faq_process) -> None:
    fast = faq_process("ask", "who was kirillov", "--full")
    assert fast.status == 0 and "Sources" in fast.out and "https://" in fast.out
