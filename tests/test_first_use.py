"""The rough edges a first-time user hits: padded lines in a pipe, ids hidden on a normal terminal,
help cut short, and a README whose examples assume `faq` on PATH."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

LISTINGS = [
    ["incidents"],
    ["people"],
    ["sources"],
    ["timeline"],
    ["questions"],
    ["search", "car", "bomb"],
    ["ask", "who", "was", "kirillov"],
    ["profile", "alekseyev", "--full"],
    ["stats"],
    [],
]


@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a) or "overview")
def test_piped_output_has_no_trailing_spaces(args: list[str], faq_process) -> None:
    for env in ({"COLUMNS": "80"}, {"COLUMNS": "120", "FORCE_COLOR": "1", "NO_COLOR": "", "TERM": "xterm-256color"}):
        run = faq_process(*args, env=env)
        assert run.status == 0, run.err
        padded = [line for line in re.sub(r"\x1b\[[0-9;]*m", "", run.out).splitlines() if line.endswith(" ")]
        assert not padded, padded[:3]


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_incidents_and_people_show_the_id_the_next_command_takes(columns: str, faq) -> None:
    incidents = faq("incidents", env={"COLUMNS": columns}).out
    assert re.search(r"^\S.*\s{2}kirillov-scooter-bomb-2024\b|^\s+kirillov-scooter-bomb-2024\b", incidents, re.M)
    assert faq("incident", "kirillov-scooter-bomb-2024").status == 0
    people = faq("people", env={"COLUMNS": columns}).out
    assert re.search(r"^kirillov-assistant\b", people, re.M)
    assert faq("profile", "kirillov-assistant").status == 0


@pytest.mark.parametrize("columns", ["60", "80", "120"])
@pytest.mark.parametrize("args", [["--help"], ["incidents", "--help"], ["ask", "--help"]])
def test_help_is_never_cut_short(args: list[str], columns: str, faq) -> None:
    run = faq(*args, env={"COLUMNS": columns})
    assert run.status == 0
    listed = run.out.split("\nCommands:\n")[-1] if args == ["--help"] else run.out.split("\nOptions:\n")[-1]
    assert not re.search(r"\w(\.\.\.|…)$", listed, re.M), listed  # Click's "…" for a cut description
    if args == ["--help"]:
        flat = " ".join(run.out.split())
        assert "List every question, numbered (the number works with `faq ask`)." in flat
        assert "Print one person's profile: names, status, position; positions, honours, sanctions with --full." in flat
    assert "<str>" not in run.out  # every option's value is named


def test_readme_puts_faq_on_path_before_using_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = readme[: readme.index("## Using it")]
    assert "pipx install ." in install and ". .venv/bin/activate" in install
    assert "python3 -m venv .venv && .venv/bin/pip install ." in install  # the two set-up commands stay
    assert "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest" in install
