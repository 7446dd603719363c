"""Layers: your catalogue on top of the bundled one, read in order, a later entry replacing an earlier one.

Each test writes a small catalogue of its own and runs `faq` on it together with the bundled
catalogue (`--data bundled --data mine`), as a user keeping their own entries would.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, Run

MINE = """\
catalogue:
  name: My notes
  as_of: 2026-01-15
sources:
  - id: my-notebook
    title: My own notebook
    publisher: Me
    date: 2026-01
incidents:
  - id: my-incident
    date: 2026-01-10
    title: A meeting I attended about Alekseyev
    kind: meeting
    place: Moscow
    sources: [my-notebook]
    people:
      - person: alekseyev
        role: speaker
        outcome: unharmed
questions:
  - id: who-is-alekseyev
    question: Who is Vladimir Alekseyev?
    answer: My own answer about him.
    related: [alekseyev, my-incident]
    sources: [my-notebook]
"""


def _json(run: Run) -> Any:
    assert run.status == 0, run.out + run.err
    return json.loads(run.out)


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.yaml").write_text(MINE, encoding="utf-8")
    return folder


def test_your_entries_sit_on_top_of_the_bundled_catalogue(faq: Callable[..., Run], mine: Path) -> None:
    """Your incident names the bundled person: references resolve across layers."""
    incidents = _json(faq("--data", "bundled", "--data", str(mine), "incidents", "--json", "--person", "alekseyev"))
    assert "my-incident" in [i["id"] for i in incidents]
    mine_entry = next(i for i in incidents if i["id"] == "my-incident")
    assert mine_entry["catalogue"] == str(mine)
    assert mine_entry["people"][0]["name"] == "Vladimir Alekseyev"
    assert {i["catalogue"] for i in incidents if i["id"] != "my-incident"} == {"bundled"}


def test_a_later_layer_replaces_an_entry_in_its_place(faq: Callable[..., Run], mine: Path) -> None:
    bundled = _json(faq("questions", "--json"))
    layered = _json(faq("--data", "bundled", "--data", str(mine), "questions", "--json"))
    assert [q["id"] for q in layered] == [q["id"] for q in bundled]  # same questions, same numbers
    replaced = next(q for q in layered if q["id"] == "who-is-alekseyev")
    assert (replaced["answer"], replaced["catalogue"]) == ("My own answer about him.", str(mine))
    number = next(q["number"] for q in layered if q["id"] == "who-is-alekseyev")
    answer = _json(faq("--data", "bundled", "--data", str(mine), "ask", "--json", str(number)))
    assert answer["match"]["answer"] == "My own answer about him."


def test_replacing_works_the_same_through_the_index_and_without_it(
    faq: Callable[..., Run], mine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from faq_cli.catalogue import merge as catalogue_module

    args = ("--data", "bundled", "--data", str(mine))
    commands = [("questions", "--json"), ("incidents", "--json"), ("profile", "--json", "alekseyev"), ("sources", "--json")]
    indexed = [faq(*args, *c).out for c in commands]
    monkeypatch.setattr(
        "faq_cli.store.load", lambda paths, progress=None, derivers=None, notice=None: catalogue_module.load_catalogue(paths)
    )
    assert [faq(*args, *c).out for c in commands] == indexed


def test_every_entry_in_any_json_output_names_its_catalogue(faq: Callable[..., Run], mine: Path) -> None:
    args = ("--data", "bundled", "--data", str(mine))
    for command in (("people",), ("sources",), ("questions",), ("incidents",), ("timeline",)):
        entries = _json(faq(*args, *command, "--json"))
        assert entries and all(e.get("catalogue") in ("bundled", str(mine)) for e in entries if e.get("type") != "position"), (
            command
        )
    profile = _json(faq(*args, "profile", "--json", "alekseyev"))
    assert profile["catalogue"] == "bundled"
    answer = _json(faq(*args, "ask", "--json", "--top", "3", "who-is-alekseyev"))
    assert answer["match"]["catalogue"] == str(mine)
    assert all(r["catalogue"] for r in answer["match"]["related"])
    assert all(a["catalogue"] in ("bundled", str(mine)) for a in answer["alternatives"])
    hits = _json(faq(*args, "search", "--json", "meeting alekseyev"))
    assert hits[0]["catalogue"] in ("bundled", str(mine))
    assert all("catalogue" in h for h in hits)
    cited = _json(faq(*args, "sources", "--json"))
    assert all(c["catalogue"] for s in cited for c in s["cited_by"])


def test_the_reserved_name_bundled_and_a_folder_of_that_name(
    faq: Callable[..., Run], tmp_path: Path, mine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bundled").mkdir()
    (tmp_path / "bundled" / "x.yaml").write_text(
        MINE.replace("related: [alekseyev, my-incident]", "related: [my-incident]")
        .replace("      - person: alekseyev\n        role: speaker\n        outcome: unharmed\n", "")
        .replace("    people:\n", ""),
        encoding="utf-8",
    )
    shipped = _json(faq("--data", "bundled", "people", "--json"))
    assert len(shipped) > 10 and {p["catalogue"] for p in shipped} == {"bundled"}
    folder = _json(faq("--data", "./bundled", "questions", "--json"))
    assert [(q["id"], q["catalogue"]) for q in folder] == [("who-is-alekseyev", "./bundled")]


def test_faq_cli_data_is_a_path_list(faq: Callable[..., Run], mine: Path) -> None:
    env = {"FAQ_CLI_DATA": os.pathsep.join(["bundled", str(mine)])}
    questions = _json(faq("questions", "--json", env=env))
    assert next(q for q in questions if q["id"] == "who-is-alekseyev")["catalogue"] == str(mine)


def test_each_layer_has_its_own_catalogue_header(faq: Callable[..., Run], mine: Path) -> None:
    """A copy of the bundled catalogue beside your own files is one layer: two headers there are an error;
    as two layers, each has its own and yours is the one the overview names."""
    assert faq("--data", "bundled", "--data", str(mine), "validate").status == 0
    overview = faq("--data", "bundled", "--data", str(mine))
    assert overview.status == 0
    assert overview.out.startswith("My notes")
    assert "Layers  bundled +" in overview.out
    (mine / "second.yaml").write_text("catalogue:\n  name: Another name\n", encoding="utf-8")
    run = faq("validate", str(mine))
    assert run.status == 1
    assert f"{mine / 'second.yaml'}:2:3: catalogue name is given twice (first at {mine / 'notes.yaml'}:2)" in run.out


def test_an_id_repeated_within_a_layer_is_still_an_error(faq: Callable[..., Run], mine: Path) -> None:
    (mine / "z-again.yaml").write_text(
        "sources:\n  - id: my-notebook\n    title: T\n    publisher: P\n    date: 2026\n", encoding="utf-8"
    )
    run = faq("--data", "bundled", "--data", str(mine), "validate")
    assert run.status == 1
    assert f"{mine / 'z-again.yaml'}:2:9: duplicate source id 'my-notebook' (first at {mine / 'notes.yaml'}:5)" in run.out


def test_validate_checks_each_layer_and_the_merge_naming_the_file(faq: Callable[..., Run], mine: Path) -> None:
    (mine / "notes.yaml").write_text(
        MINE.replace("sources: [my-notebook]\n    people", "sources: [my-notebok]\n    people"), encoding="utf-8"
    )
    alone = faq("validate", str(mine))  # the bundled person is unknown to this layer alone
    assert "unknown person 'alekseyev'" in alone.out
    layered = faq("--data", "bundled", "--data", str(mine), "validate")
    assert layered.status == 1
    assert "unknown person" not in layered.out
    assert f"{mine / 'notes.yaml'}:15:15: unknown source 'my-notebok' (did you mean 'my-notebook'?)" in layered.out
    data = faq("--data", "bundled", "--data", str(mine), "people")
    assert data.status == 2
    assert data.err.startswith(f"faq: {mine / 'notes.yaml'}:15:15: unknown source")


def test_suggested_commands_carry_the_data_options(
    faq: Callable[..., Run], mine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    prefix = "faq --data bundled --data mine"
    card = faq("--data", "bundled", "--data", "mine", "ask", "who-is-alekseyev", env={"COLUMNS": "160"})
    assert f"{prefix} incident my-incident" in card.out
    profile = faq("--data", "bundled", "--data", "mine", "profile", "alekseyev", "--full", env={"COLUMNS": "160"})
    assert f"{prefix} timeline --person alekseyev" in profile.out
    assert f"{prefix} incident my-incident" in profile.out
    compact = faq("--data", "bundled", "--data", "mine", "profile", "alekseyev", env={"COLUMNS": "160"})
    assert f"{prefix} profile alekseyev --full" in compact.out  # the compact card's "More" command too
    overview = faq("--data", "bundled", "--data", "mine", env={"COLUMNS": "160"})
    assert f"{prefix} incidents --year" in overview.out
    missing = faq("--data", "bundled", "--data", "mine", "profile", "vladimir", env={"COLUMNS": "160"})
    assert f"{prefix} profile alekseyev" in missing.out
    markdown = faq("--data", "bundled", "--data", "mine", "profile", "alekseyev", "--format", "markdown")
    assert f"`{prefix} incident my-incident`" in markdown.out
    # and each suggestion runs as printed
    assert faq("--data", "bundled", "--data", "mine", "incident", "my-incident").status == 0
    spaced = tmp_path / "my notes"
    mine.rename(spaced)
    quoted = faq("--data", "bundled", "--data", "my notes", "profile", "alekseyev", "--full", env={"COLUMNS": "160"})
    assert "faq --data bundled --data 'my notes' timeline --person alekseyev" in quoted.out


def test_without_data_the_env_list_prints_plain_commands(faq: Callable[..., Run], mine: Path) -> None:
    run = faq("profile", "alekseyev", "--full", env={"FAQ_CLI_DATA": os.pathsep.join(["bundled", str(mine)]), "COLUMNS": "160"})
    assert "faq timeline --person alekseyev" in run.out and "--data" not in run.out


# ---- files that are not catalogue files ---------------------------------------------------------------


def test_a_yaml_file_with_no_catalogue_section_is_skipped_with_a_note(faq: Callable[..., Run], tmp_path: Path) -> None:
    assert faq("init", str(tmp_path / "project")).status == 0
    (tmp_path / "project" / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n", encoding="utf-8")
    run = faq("validate", str(tmp_path / "project"))
    assert run.status == 0, run.out
    assert "catalogue is valid (1 file; 1 skipped)" in run.out
    assert "docker-compose.yml: skipped: not a catalogue file" in run.err
    assert faq("--data", str(tmp_path / "project"), "ask", "what happened at the depot").status == 0


def test_a_misspelt_section_is_never_skipped(faq: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("incidnets:\n  - id: x\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("questions: []\nsevrices: {}\n", encoding="utf-8")
    run = faq("validate", str(tmp_path))
    assert run.status == 1
    assert f"{tmp_path / 'a.yaml'}:1:1: unknown section 'incidnets' (did you mean 'incidents'?)" in run.out
    assert f"{tmp_path / 'b.yaml'}:2:1: unknown section 'sevrices'" in run.out


def test_a_folder_of_no_catalogue_files_is_an_error(faq: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services: {}\n", encoding="utf-8")
    run = faq("--data", str(tmp_path), "people")
    assert run.status == 2
    assert run.err == f"faq: {tmp_path}: no catalogue files: no YAML file here holds a catalogue section\n"


# ---- the "as of" note ---------------------------------------------------------------------------------


def test_an_answer_from_an_old_layer_says_as_of_when(faq: Callable[..., Run], mine: Path) -> None:
    args = ("--data", "bundled", "--data", str(mine), "ask", "who-is-alekseyev")
    old = faq(*args, env={"FAQ_CLI_STALE_DAYS": "30", "COLUMNS": "200"})
    assert old.out.rstrip().endswith(f"as of 15 Jan 2026 (catalogue '{mine}', older than 30 days)")
    assert "as of" not in faq(*args, env={"FAQ_CLI_STALE_DAYS": "0"}).out
    assert "as of" not in faq(*args, env={"FAQ_CLI_STALE_DAYS": "99999"}).out
    default = faq(*args, env={"FAQ_CLI_STALE_DAYS": ""})  # the default: 180 days
    assert ("as of 15 Jan 2026" in default.out) == ((dt.date.today() - dt.date(2026, 1, 15)).days > 180)
    answer = json.loads(faq(*args, "--json", env={"FAQ_CLI_STALE_DAYS": "30"}).out)
    assert "as of" not in json.dumps(answer)
    incident = faq("--data", "bundled", "--data", str(mine), "incident", "my-incident", env={"FAQ_CLI_STALE_DAYS": "30"})
    assert "as of 15 Jan 2026" in incident.out
    profile = faq("--data", "bundled", "--data", str(mine), "profile", "alekseyev", env={"FAQ_CLI_STALE_DAYS": "30"})
    assert "as of 9 Feb 2026 (catalogue 'bundled'" in profile.out


def test_a_fresh_layer_carries_no_note(faq: Callable[..., Run], mine: Path) -> None:
    text = (mine / "notes.yaml").read_text(encoding="utf-8").replace("2026-01-15", dt.date.today().isoformat())
    (mine / "notes.yaml").write_text(text, encoding="utf-8")
    run = faq("--data", "bundled", "--data", str(mine), "ask", "who-is-alekseyev", env={"FAQ_CLI_STALE_DAYS": "180"})
    assert "as of" not in run.out


def test_a_bad_threshold_is_one_line(faq: Callable[..., Run]) -> None:
    run = faq("ask", "who is alekseyev", env={"FAQ_CLI_STALE_DAYS": "soon"})
    assert run.status == 2
    assert run.err == "faq: FAQ_CLI_STALE_DAYS must be a whole number of days (0 turns the 'as of' note off), not 'soon'\n"


def test_the_bundled_catalogue_is_found_from_the_data_folder() -> None:
    from faq_cli.catalogue.layers import bundled_path

    assert bundled_path() == DATA


def test_a_long_data_prefix_wraps_a_suggested_command_but_never_cuts_it(
    faq: Callable[..., Run], mine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    mine.rename(tmp_path / "the-notes-of-our-team")
    run = faq("--data", "bundled", "--data", "the-notes-of-our-team", "incident", "my-incident", env={"COLUMNS": "60"})
    assert run.status == 0, run.err
    words = " ".join(line.strip("│ ").removeprefix("More").removeprefix("See also").strip() for line in run.out.splitlines())
    assert "faq --data bundled --data the-notes-of-our-team profile alekseyev" in words
    assert "faq --data bundled --data the-notes-of-our-team incident my-incident --full" in words
    assert not any("…" in line for line in run.out.splitlines() if "faq --data" in line)


def test_a_layer_whose_name_is_not_utf8_is_shown_escaped(faq_process: Callable[..., Run], tmp_path: Path) -> None:
    """Issue 20's file names meet issue 17's layers: the layer's name is stored, shown and suggested escaped."""
    folder = os.fsdecode(os.fsencode(str(tmp_path)) + b"/lay\xfe")
    os.mkdir(folder)
    Path(folder, "notes.yaml").write_text(MINE, encoding="utf-8")
    found = faq_process("--data", "bundled", "--data", folder, "incident", "--json", "my-incident")
    assert found.status == 0, found.err
    assert json.loads(found.out)["catalogue"] == f"{tmp_path}/lay\\xfe"
    # by its name in the working directory, so that the suggested command fits on one line
    card = faq_process("--data", "bundled", "--data", os.fsdecode(b"lay\xfe"), "incident", "my-incident")
    assert card.status == 0, card.err
    assert "faq --data bundled --data $'lay\\xfe' profile alekseyev" in card.out
    Path(folder, "more.yaml").write_text("people:\n  - id: someone\n", encoding="utf-8")
    checked = faq_process("--data", "bundled", "--data", folder, "validate")
    assert checked.status == 1 and f"{tmp_path}/lay\\xfe/more.yaml:2:5: " in checked.out
