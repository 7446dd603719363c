"""Every command documents itself: a one-line purpose and a working example in --help, and a line in the README."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from faq_cli.app import app

from conftest import ROOT

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
README = (ROOT / "README.md").read_text(encoding="utf-8")
INTERACTIVE = {"browse"}


def test_the_command_list_is_not_empty() -> None:
    assert {"ask", "incidents", "profile", "timeline", "stats", "init"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_has_a_one_line_purpose_and_an_example(name: str, faq) -> None:
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    paragraphs = [p.strip() for p in (command.help or "").split("\n\n") if p.strip()]
    assert paragraphs, f"faq {name} has no docstring"
    purpose = paragraphs[0]
    assert "\n" not in purpose and purpose.endswith(".") and len(purpose) <= 100, f"faq {name}: purpose is not one line"
    run = faq(name, "--help")
    assert run.status == 0
    assert " ".join(purpose.split()) in " ".join(run.out.split())
    examples = [line.strip() for line in run.out.splitlines() if line.strip().startswith("Example:")]
    assert examples, f"faq {name} --help has no 'Example: faq {name} …' line"
    assert examples[0].startswith(f"Example: faq {name}"), examples[0]


def test_every_example_runs(faq, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command's example succeeds when typed (pipes and redirections left to the shell); init's runs first.
    The editor `faq new` and `faq edit` open is `true`: one that saves nothing, so nothing is written."""
    monkeypatch.chdir(tmp_path)
    for name in sorted(COMMANDS, key=lambda n: n != "init"):
        if name in INTERACTIVE:  # needs a terminal; tests/test_browse.py runs it in one
            continue
        run = faq(name, "--help")
        example = next(line.strip() for line in run.out.splitlines() if line.strip().startswith("Example:"))
        for part in example.removeprefix("Example:").split("&&"):
            words = shlex.split(re.split(r"[|>]", part)[0])
            assert words[0] == "faq", example
            result = faq(*words[1:], env={"EDITOR": "true", "VISUAL": ""})
            assert result.status == 0, (example, result.out, result.err)


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_command_reference_lists_the_command(name: str) -> None:
    assert re.search(rf"`faq {name}\b", README), f"README.md's command reference does not list `faq {name}`"


def test_root_help_lists_every_command(faq) -> None:
    run = faq("--help")
    assert run.status == 0
    assert "Example: faq" in run.out
    for name in COMMANDS:
        assert re.search(rf"^\s+{name}\s", run.out, re.MULTILINE), name
