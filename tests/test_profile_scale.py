"""Profiles at scale: a person's own incidents in full, mentions elsewhere bounded, an exact name always found."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from faq_cli.query import MENTIONS_SHOWN

from conftest import Run

PEOPLE = 500  # more than names.RANK_WHOLE: the shortlist path, as in a large catalogue
MENTIONS = 40


def _catalogue(folder: Path) -> Path:
    """People named PersonN SurnameN, so that Person17 Surname17 has close neighbours (Person170 Surname170…);
    person-1 has three incidents of their own and is mentioned by MENTIONS questions."""
    lines = ["sources:", "  - {id: src, title: T, publisher: P, date: 2024}", "people:"]
    lines += [f"  - {{id: person-{n}, name: Person{n} Surname{n}}}" for n in range(1, PEOPLE + 1)]
    lines.append("incidents:")
    for n in range(1, 4):
        lines += [
            f"  - id: incident-{n}",
            f"    date: 2024-0{n}-01",
            f"    title: Incident {n}",
            "    kind: shooting",
            "    place: Moscow",
            "    sources: [src]",
            "    people: [{person: person-1, role: target, outcome: unharmed}]",
        ]
    lines.append("questions:")
    for n in range(1, MENTIONS + 1):
        related = "person-1" if n % 2 else f"incident-{n % 3 + 1}"
        lines.append(f"  - {{id: question-{n}, question: Question number {n}?, answer: An answer., related: [{related}]}}")
    folder.mkdir()
    (folder / "catalogue.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def crowded(tmp_path: Path) -> str:
    return str(_catalogue(tmp_path / "crowded"))


@pytest.mark.parametrize("name", ["Person17 Surname17", "person17 surname17", "Surname17 Person17", "person-17"])
def test_an_exact_full_name_wins_outright(faq: Callable[..., Run], crowded: str, name: str) -> None:
    run = faq("--data", crowded, "profile", "--json", name)
    assert run.status == 0, run.out
    assert json.loads(run.out)["id"] == "person-17"
    run = faq("--data", crowded, "incidents", "--json", "--person", name)
    assert run.status == 0, run.out


def test_a_near_name_is_still_not_a_guess(faq: Callable[..., Run], crowded: str) -> None:
    run = faq("--data", crowded, "profile", "--json", "Person17 Surname1")
    assert run.status == 1 and json.loads(run.out)["match"] is None


def test_mentions_are_bounded_with_a_count_and_the_command_for_all(faq_process: Callable[..., Run], crowded: str) -> None:
    run = faq_process("--data", crowded, "profile", "person-1", "--full", env={"COLUMNS": "100"})
    assert run.status == 0, run.err
    shown = [n for n in range(1, MENTIONS + 1) if f"Question number {n}?" in run.out]
    assert shown == list(range(MENTIONS - MENTIONS_SHOWN + 1, MENTIONS + 1))  # the most recent
    # the command carries the call's --data, so it runs as printed (it may wrap at a space: compare without them)
    assert f"… and {MENTIONS - MENTIONS_SHOWN} earlier" in run.out
    assert f"faq--data{crowded}profileperson-1--all" in "".join(run.out.replace("│", "").split())
    assert all(f"Incident {n}" in run.out for n in range(1, 4))  # their own incidents in full
    every = faq_process("--data", crowded, "profile", "person-1", "--all", env={"COLUMNS": "100"})
    assert all(f"Question number {n}?" in every.out for n in range(1, MENTIONS + 1))
    assert "earlier" not in every.out
    # the catalogue by its short name in the working directory: the command carries the call's --data, and a long
    # temporary path would leave the count no room beside it
    compact = faq_process("--data", Path(crowded).name, "profile", "person-1", env={"COLUMNS": "100"})
    # three incidents and every mention counted, of which the compact card points to three
    assert f"{3 + MENTIONS - 3} more related" in compact.out
    assert f"faq --data {Path(crowded).name} profile person-1 --full" in compact.out


def test_json_lists_every_mention_and_markdown_says_how_many_more(faq: Callable[..., Run], crowded: str) -> None:
    run = faq("--data", crowded, "profile", "--json", "person-1")
    assert json.loads(run.out)["questions"] == [f"question-{n}" for n in range(1, MENTIONS + 1)]
    markdown = faq("--data", crowded, "profile", "--format", "markdown", "person-1").out
    assert markdown.count("- Question number") == MENTIONS_SHOWN
    assert f"- … and {MENTIONS - MENTIONS_SHOWN} earlier — `faq --data {crowded} profile person-1 --all`" in markdown


def test_mentions_from_the_index_are_those_of_the_yaml(crowded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from faq_cli import query
    from faq_cli import store as index
    from faq_cli.catalogue.merge import load_catalogue

    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    plain = load_catalogue([crowded])
    indexed = index.load([crowded])
    for every in (False, True):
        assert query.profile(indexed, indexed.people["person-1"], every)._replace(parsed={}) == query.profile(
            plain, plain.people["person-1"], every
        )
