"""`faq new` and `faq edit`: entries written in the user's editor, checked on save, and nothing typed ever lost.

The editor is a real program: a script set as $EDITOR (see conftest's `editor`) that edits the file it
is given as its plan says, and logs each time it is opened with the arguments and the text it saw.
`faq` runs as a real process, as from a shell.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Editor, Run

FILLED = [["question:\n", "question: Who keeps these notes?\n"], ["answer:\n", "answer: The team does.\n"]]

EXISTING = """\
# yaml-language-server: $schema=./catalogue.schema.json
# my notes
catalogue:
  name: Mine

questions:
  - id: first
    question: First?
    answer: One.

  - id: second
    question: Second?
    answer: |
      Two lines
      of answer.
    # a comment of the second entry

# the sources
sources:
  - id: notebook
    title: Notebook
    publisher: Me
    date: 2026
"""


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "faq.yaml").write_text(EXISTING, encoding="utf-8")
    return folder


def test_new_writes_an_entry_from_the_template_into_a_new_folder(
    faq_process: Callable[..., Run], editor: Callable[[str], Editor], tmp_path: Path
) -> None:
    vi = editor("vi")
    vi.plan({"replace": FILLED})
    run = faq_process("new", "question", "--into", "notes", env=vi.env)
    assert run.status == 0, run.err
    assert run.out == "added question 'new-question' to notes/questions.yaml:2\n"
    assert "notes is not an active catalogue: read it with --data notes" in run.err
    assert (tmp_path / "notes" / "questions.yaml").read_text(encoding="utf-8") == (
        "questions:\n  - id: new-question\n    question: Who keeps these notes?\n    answer: The team does.\n"
    )
    (opened,) = vi.openings()
    template = str(opened["text"])
    assert template.startswith("# A new question, to be added to notes/questions.yaml.\n")
    assert "  - id: new-question\n" in template and "    # related: [an-id]\n" in template
    argv = list(opened["argv"])  # type: ignore[call-overload]
    assert argv[0] == f"+{template.splitlines().index('    question:') + 1}"  # the first field to fill in
    assert not list((Path(os.environ["FAQ_CLI_DATA_HOME"]) / "drafts").iterdir())  # the draft is gone once used
    answer = faq_process("--data", "bundled", "--data", "notes", "ask", "--json", "new-question")
    assert json.loads(answer.out)["match"]["catalogue"] == "notes"


def test_a_problem_reopens_the_editor_with_the_problems_as_comments(
    faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path
) -> None:
    vi = editor("vi")
    vi.plan(
        {"replace": [*FILLED, ["# sources: [a-source-id]", "sources: [notebok]"], ["new-question", "who-keeps-notes"]]},
        {"replace": [["sources: [notebok]", "sources: [notebook]"]]},
    )
    run = faq_process("--data", "bundled", "--data", "mine", "new", "question", env=vi.env)
    assert run.status == 0, run.err
    first, second = vi.openings()
    shown = str(second["text"]).splitlines()
    assert shown[0].startswith("# faq: not added yet: fix what is listed and save, or save without a change to give up")
    problem = shown[1]
    match = re.fullmatch(r"# faq: line (\d+): unknown source 'notebok' \(did you mean 'notebook'\?\)", problem)
    assert match, problem
    assert shown[int(match[1]) - 1] == "    sources: [notebok]"  # the line the comment names
    assert second["argv"] == [f"+{match[1]}", first["argv"][-1]]  # type: ignore[index]  # the draft, at the problem
    added = (mine / "faq.yaml").read_text(encoding="utf-8")
    assert "# faq:" not in added and "# The question, as a reader asks it:" not in added
    assert "  - id: who-keeps-notes\n    question: Who keeps these notes?\n" in added


def test_an_entry_is_added_at_the_end_of_its_section_and_every_other_byte_stays(
    faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path
) -> None:
    vi = editor("vi")
    vi.plan({"replace": [*FILLED, ["# Other ways to ask it, so that search finds it:\n", "# my own comment\n"]]})
    before = (mine / "faq.yaml").read_text(encoding="utf-8")
    assert faq_process("--data", "mine", "new", "question", env=vi.env).status == 0
    after = (mine / "faq.yaml").read_text(encoding="utf-8")
    cut = before.index("\n# the sources")
    assert after.startswith(before[:cut]) and after.endswith(before[cut:])
    inserted = after[cut : len(after) - len(before) + cut]
    assert (
        inserted
        == "\n  - id: new-question\n    question: Who keeps these notes?\n    answer: The team does.\n    # my own comment\n"
    )
    assert faq_process("validate", "mine").status == 0


def test_line_ends_of_the_file_are_kept(faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path) -> None:
    (mine / "faq.yaml").write_bytes(EXISTING.replace("\n", "\r\n").encode())
    vi = editor("vi")
    vi.plan({"replace": FILLED})
    assert faq_process("--data", "mine", "new", "question", env=vi.env).status == 0
    raw = (mine / "faq.yaml").read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"    answer: The team does.\r\n" in raw


def test_saving_the_template_unchanged_adds_nothing(
    faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path
) -> None:
    vi = editor("vi")
    before = (mine / "faq.yaml").read_bytes()
    run = faq_process("--data", "mine", "new", "person", env=vi.env)
    assert (run.status, run.out) == (0, "nothing added: the person was not changed\n")
    assert (mine / "faq.yaml").read_bytes() == before
    assert not list((Path(os.environ["FAQ_CLI_DATA_HOME"]) / "drafts").iterdir())


def test_giving_up_keeps_the_draft(faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path) -> None:
    vi = editor("vi")
    vi.plan({"replace": [["question:\n", "question: Half written\n"]]}, {})
    before = (mine / "faq.yaml").read_bytes()
    run = faq_process("--data", "mine", "new", "question", env=vi.env)
    assert run.status == 1
    match = re.fullmatch(r"faq: the question was not added; your draft is kept in (\S+)\n", run.err)
    assert match, run.err
    draft = Path(match[1]).read_text(encoding="utf-8")
    assert "question: Half written" in draft and "# faq: line " in draft and "'answer' has no value" in draft
    assert (mine / "faq.yaml").read_bytes() == before


def test_an_editor_that_fails_keeps_the_draft(
    faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path
) -> None:
    vi = editor("vi")
    vi.plan({"replace": [["question:\n", "question: Typed before the crash\n"]], "status": 3})
    run = faq_process("--data", "mine", "new", "question", env=vi.env)
    assert run.status == 1
    draft = Path(run.err.rsplit(" ", 1)[1].strip())
    assert "Typed before the crash" in draft.read_text(encoding="utf-8")


def test_new_never_writes_into_the_bundled_catalogue(faq_process: Callable[..., Run], editor: Callable[[str], Editor]) -> None:
    run = faq_process("new", "question", env=editor("vi").env)
    assert run.status == 2
    assert run.err == (
        "faq: cannot write a new entry there: the bundled catalogue is read-only;"
        " give --into DIR (a folder of your own; it is made if missing)\n"
    )


def test_without_an_editor_the_error_is_one_line(faq_process: Callable[..., Run], tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    run = faq_process("new", "question", "--into", "notes", env={"EDITOR": "", "VISUAL": "", "PATH": str(empty)})
    assert (run.status, run.err) == (2, "faq: no editor: set $VISUAL or $EDITOR (for example: export EDITOR=nano)\n")


def test_vs_code_is_opened_with_goto(faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path) -> None:
    code = editor("code")
    faq_process("--data", "mine", "edit", "second", env={**code.env, "EDITOR": f"{code.path} --wait"})
    (opened,) = code.openings()
    assert opened["argv"] == ["--wait", "-g", "mine/faq.yaml:11"]


# ---- faq edit -------------------------------------------------------------------------------------------


def test_edit_changes_an_entry_in_its_file(faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path) -> None:
    vi = editor("vi")
    vi.plan({"replace": [["answer: One.", "answer: One, edited."]]})
    run = faq_process("--data", "bundled", "--data", "mine", "edit", "first", env=vi.env)
    assert run.status == 0, run.err
    assert run.out == "saved mine/faq.yaml\n"
    (opened,) = vi.openings()
    assert opened["argv"] == ["+7", "mine/faq.yaml"]  # the line of its id
    assert (mine / "faq.yaml").read_text(encoding="utf-8") == EXISTING.replace("answer: One.", "answer: One, edited.")


def test_an_invalid_edit_that_is_abandoned_restores_the_file(
    faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path
) -> None:
    vi = editor("vi")
    vi.plan({"replace": [["answer: One.", "anwser: One."]]}, {})
    before = (mine / "faq.yaml").read_bytes()
    run = faq_process("--data", "mine", "edit", "first", env=vi.env)
    assert run.status == 1
    match = re.fullmatch(r"faq: mine/faq.yaml is as it was before; your edit is kept in (\S+)\n", run.err)
    assert match, run.err
    assert (mine / "faq.yaml").read_bytes() == before
    assert "anwser: One." in Path(match[1]).read_text(encoding="utf-8")
    _, second = vi.openings()
    shown = str(second["text"])
    assert "# faq: line 11: unknown field 'anwser' in question entry (did you mean 'answer'?)" in shown
    assert second["argv"] == ["+11", "mine/faq.yaml"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_faq_stopped_during_an_invalid_edit_restores_the_file_and_keeps_the_edit(
    editor: Callable[[str], Editor], mine: Path, tmp_path: Path, signum: int
) -> None:
    vi = editor("vi")
    vi.plan({"replace": [["answer: One.", "anwser: One."]]}, {"sleep": 60})  # reopened with the problem; then stopped
    before = (mine / "faq.yaml").read_bytes()
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_CLI_DATA", "NO_COLOR", "FORCE_COLOR")}
    env.update(vi.env, FAQ_CLI_CACHE_DIR=str(tmp_path / "cache"), NO_COLOR="1", TERM="dumb")
    argv = [sys.executable, "-m", "faq_cli", "--data", "mine", "edit", "first"]
    with subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        for _ in range(600):  # until the editor is open the second time, the invalid edit in the file
            if len(vi.openings()) == 2 or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert len(vi.openings()) == 2
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=20)
    assert out == ""
    assert proc.returncode == 128 + signum
    match = re.fullmatch(r"faq: stopped: mine/faq.yaml is as it was before; your edit is kept in (\S+)\n", err)
    assert match, err
    assert (mine / "faq.yaml").read_bytes() == before
    kept = Path(match[1]).read_text(encoding="utf-8")
    assert "anwser: One." in kept and "# faq:" not in kept


def test_a_fixed_edit_keeps_no_comment_of_ours(
    faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path
) -> None:
    vi = editor("vi")
    vi.plan({"replace": [["answer: One.", "anwser: One."]]}, {"replace": [["anwser: One.", "answer: Uno."]]})
    assert faq_process("--data", "mine", "edit", "first", env=vi.env).status == 0
    assert (mine / "faq.yaml").read_text(encoding="utf-8") == EXISTING.replace("answer: One.", "answer: Uno.")


def test_editing_a_bundled_entry_writes_your_version_on_top(
    faq_process: Callable[..., Run], editor: Callable[[str], Editor], mine: Path, tmp_path: Path
) -> None:
    vi = editor("vi")
    vi.plan({"replace": [["name: Vladimir Alekseyev", "name: Vladimir S. Alekseyev"]]})
    bundled = json.loads(faq_process("profile", "--json", "alekseyev").out)
    run = faq_process("--data", "bundled", "--data", "mine", "edit", "alekseyev", env=vi.env)
    assert run.status == 0, run.err
    assert run.out.startswith("added person 'alekseyev' to mine/people.yaml:2; it replaces the one in 'bundled'")
    (opened,) = vi.openings()
    assert "people:\n  - id: alekseyev\n    name: Vladimir Alekseyev\n" in str(opened["text"])
    mine_version = json.loads(faq_process("--data", "bundled", "--data", "mine", "profile", "--json", "alekseyev").out)
    assert (mine_version["name"], mine_version["catalogue"]) == ("Vladimir S. Alekseyev", "mine")
    assert mine_version["positions"] == bundled["positions"]
    assert json.loads(faq_process("profile", "--json", "alekseyev").out)["name"] == "Vladimir Alekseyev"  # bundled as it was


def test_a_bundled_entry_needs_somewhere_to_go(faq_process: Callable[..., Run], editor: Callable[[str], Editor]) -> None:
    run = faq_process("edit", "alekseyev", env=editor("vi").env)
    assert run.status == 2
    assert run.err.startswith("faq: cannot change it there: the bundled catalogue is read-only; give --into DIR")


def test_edit_of_an_unknown_id_suggests_the_closest(faq_process: Callable[..., Run], editor: Callable[[str], Editor]) -> None:
    run = faq_process("edit", "alekseev", env=editor("vi").env)
    assert (run.status, run.err) == (1, "faq: no entry has the id 'alekseev' (did you mean 'alekseyev'?)\n")
