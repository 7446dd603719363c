"""What the listing and detail commands print: golden files at 80 columns, layouts at 60 and 120.

The golden files in tests/golden/ are exactly what a user sees (trailing spaces aside) for the
bundled catalogue, so a change to data/*.yaml or to the renderer shows up here. To accept a
change, regenerate them and read the diff:

    FAQ_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_views.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import FIXTURES, Run

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("FAQ_UPDATE_GOLDEN") == "1"
VIEWS = str(FIXTURES / "views")

# name of the golden file → (arguments, expected exit status)
GOLDEN_CASES: dict[str, tuple[tuple[str, ...], int]] = {
    "incidents": (("incidents",), 0),
    "incidents-2025": (("incidents", "--year", "2025"), 0),
    "incidents-empty": (("incidents", "--year", "2023"), 0),
    "incident-kirillov": (("incident", "kirillov-scooter-bomb-2024"), 0),
    "incident-yeletskaya": (("incident", "yeletskaya"), 0),
    "incident-no-match": (("incident", "zeppelin raid"), 1),
    "timeline": (("timeline",), 0),
    "timeline-alekseyev": (("timeline", "--person", "alexeyev"), 0),
    "profile-alekseyev": (("profile", "alexeyev"), 0),
    "profile-kirillov": (("profile", "kirilov"), 0),
    "profile-ambiguous": (("profile", "vladimir"), 1),
    "profile-no-match": (("profile", "zzyzx"), 1),
    "people": (("people",), 0),
    "sources": (("sources",), 0),
    "ask-who-is-alekseyev": (("ask", "who is alekseyev"), 0),
    "ask-who-is-behind": (("ask", "who might be behind the attack"), 0),
    "ask-who-is-behind-full": (("ask", "who might be behind the attack", "--full"), 0),
    "ask-how-old-is-alekseyev": (("ask", "how old is alekseyev"), 0),
    "incident-kirillov-full": (("incident", "kirillov-scooter-bomb-2024", "--full"), 0),
    "profile-alekseyev-full": (("profile", "alexeyev", "--full"), 0),
    # Run from tests/fixtures with a relative path: the commands the output suggests carry `--data views`.
    "views-fixture-incident": (("--data", "views", "incident", "depot"), 0),
    "views-fixture-timeline-person": (("--data", "views", "timeline", "--person", "ivanova"), 0),
}


def _tidy(output: str) -> str:
    """Rich pads table cells to the width; the golden files keep the text, not the padding."""
    return "".join(line.rstrip() + "\n" for line in output.splitlines())


@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_output_matches_golden_file(faq, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    args, status = GOLDEN_CASES[name]
    run: Run = faq(*args)
    assert run.status == status, run.out + run.err
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(_tidy(run.out), encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}; run with FAQ_UPDATE_GOLDEN=1 to create it"
    assert _tidy(run.out) == path.read_text(encoding="utf-8"), (
        f"`faq {' '.join(args)}` differs from {path.name}; if the change is intended, "
        "regenerate with FAQ_UPDATE_GOLDEN=1 and read the diff"
    )


LAYOUT_COMMANDS = [
    ("incidents",),
    ("incident", "alekseyev-shooting-2026"),
    ("timeline",),
    ("timeline", "--person", "alekseyev"),
    ("profile", "alekseyev"),
    ("people",),
    ("sources",),
    ("ask", "who is alekseyev"),
    ("ask", "who is alekseyev", "--full"),
    ("ask", "how does this incident fit into the broader pattern of targeted killings"),
    ("ask", "how old is alekseyev"),
    ("profile", "alekseyev", "--full"),
    ("incident", "kirillov", "--full"),
    ("event", "wagner-mutiny-2023"),
    ("--data", VIEWS, "incidents"),
    ("--data", VIEWS, "sources"),
]


@pytest.mark.parametrize("width", [60, 80, 120, 160])
@pytest.mark.parametrize("args", LAYOUT_COMMANDS, ids=" ".join)
def test_no_line_is_wider_than_the_terminal(faq, args: tuple[str, ...], width: int) -> None:
    run = faq(*args, env={"COLUMNS": str(width)})
    assert run.status == 0, run.out + run.err
    too_wide = [line for line in run.out.splitlines() if cell_len(line) > width]
    assert not too_wide, "\n".join(too_wide)


def _section(output: str, heading: str) -> list[str]:
    """The lines of a card section, from its heading to the next blank line or the bottom border."""
    lines = output.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip("│ ").startswith(heading))
    body = []
    for line in lines[start + 1 :]:
        if not line.strip("│ ") or line.startswith("╰"):
            break
        body.append(line)
    return body


@pytest.mark.parametrize("width", [60, 80])
def test_answer_card_list_lines_keep_their_indent_when_they_wrap(faq, width: int) -> None:
    run = faq("ask", "who might be behind the attack", "--full", env={"COLUMNS": str(width)})
    for heading in ("Sources", "See also"):
        body = _section(run.out, heading)
        assert body, heading
        # every line of the list, first or continued, starts inside the bullet's indent
        assert all(line.startswith("│   ") for line in body), "\n".join(body)


def test_answer_card_points_to_an_event_by_the_command_that_opens_it(faq) -> None:
    run = faq("ask", "who is alekseyev", "--full", env={"COLUMNS": "120"})
    assert "faq event alekseyev-appointed-2011" in run.out
    assert "faq timeline --since" not in run.out
    assert "faq profile alekseyev" in run.out
    assert "faq incident alekseyev-shooting-2026" in run.out


def test_answer_card_marks_a_reported_answer_and_shows_both_versions_of_a_dispute(faq) -> None:
    run = faq("ask", "who might be behind the attack", "--full")
    assert "◐ reported" in run.out
    assert "Sources disagree" in run.out
    assert "preferred" in run.out and "other" in run.out
    assert "Reuters, 17 Dec 2024" in run.out  # the dispute's source by publisher and date, not by id


def test_a_long_title_opens_the_card_instead_of_being_cut(faq) -> None:
    run = faq("incident", "alekseyev-shooting-2026", env={"COLUMNS": "60"})
    assert "…" not in run.out
    assert "GRU general Vladimir Alekseyev shot in Moscow apartment" in run.out


def test_wide_tables_add_columns_and_narrow_ones_fold_them(faq) -> None:
    wide = faq("incidents", env={"COLUMNS": "160"}).out
    medium = faq("incidents", env={"COLUMNS": "80"}).out
    narrow = faq("incidents", env={"COLUMNS": "60"}).out
    assert re.search(r"Date\s+Incident\s+Kind\s+Place\s+People\s+Id", wide)
    assert "kirillov-scooter-bomb-2024" in wide
    assert re.search(r"Date\s+Incident\s+People", medium) and "Kind" not in medium
    assert "car-bomb · Balashikha" in medium
    assert re.search(r"Date\s+Incident\s*$", narrow.splitlines()[0])
    assert "Yaroslav Moskalik (killed)" in narrow


def test_dates_print_at_their_own_precision(faq) -> None:
    timeline = faq("timeline").out
    assert "Jun 2023" in timeline and "1 Jun 2023" not in timeline  # known only to the month
    assert "23–24 Jun 2023" in timeline  # a two-day event shows its span
    assert re.search(r"^  2011 ", timeline, re.M)  # known only to the year
    fixture = faq("--data", VIEWS, "timeline").out
    assert "30 Jan – 2 Feb 2026" in fixture
    assert "Feb 2026  " in faq("--data", VIEWS, "incidents").out


def test_unconfirmed_entries_carry_a_mark_and_a_legend(faq) -> None:
    out = faq("--data", VIEWS, "incidents").out
    assert "○ unverified" in out
    assert "○ unverified: rumour or speculation" in out
    confirmed = faq("incidents", "--year", "2025").out
    assert "◐" not in confirmed and "○" not in confirmed


def test_sources_show_their_link(faq) -> None:
    out = faq("--data", VIEWS, "sources").out
    assert "https://example.org/wire-1" in out
    assert re.search(r"Example Wire\s+31 Jan 2026\s+First wire report", out)
    assert re.search(r"^\s+people\s+ivanova$", out, re.M)  # what cites it, by kind and id


def test_colour_only_on_request_in_a_pipe(faq_process) -> None:
    plain = faq_process("incidents", env={"NO_COLOR": ""})
    assert plain.status == 0 and "\x1b[" not in plain.out and "Moskalik" in plain.out
    forced = faq_process("incidents", env={"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": ""})
    assert forced.status == 0 and "\x1b[" in forced.out
    assert "\x1b[1;31mkilled" in forced.out  # the outcome is styled apart from the name
