"""`faq catalogue add|update|list|remove`: a team's catalogue pulled from git, kept up to date, on top of ours.

Every repository here is a local bare repository reached by a file:// URL; nothing touches the network.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Run

TEAM = """\
catalogue:
  name: Team notes
  as_of: 2026-11-01
questions:
  - id: team-brief
    question: What does the team brief say about Alekseyev?
    answer: The team's own brief.
    related: [alekseyev]
    sources: [newsaz-2026-02-09]
"""


class Remote:
    """A bare repository and a working clone that pushes to it, as a team's shared catalogue."""

    def __init__(self, root: Path) -> None:
        self.bare = root / "team.git"
        self.work = root / "team-work"
        self.url = self.bare.as_uri()
        git("init", "--quiet", "--bare", "--initial-branch=main", str(self.bare))
        git("clone", "--quiet", str(self.bare), str(self.work))

    def push(self, files: dict[str, str], message: str = "change") -> None:
        for name, text in files.items():
            (self.work / name).write_text(text, encoding="utf-8")
        git("add", "--all", cwd=self.work)
        git("commit", "--quiet", "-m", message, cwd=self.work)
        git("push", "--quiet", "origin", "HEAD:main", cwd=self.work)


def git(*args: str, cwd: Path | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(autouse=True)
def _plain_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Git as a fresh install has it: no user or system configuration."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    team = Remote(tmp_path)
    team.push({"faq.yaml": TEAM}, "first")
    return team


def _json(run: Run) -> Any:
    assert run.status == 0, run.out + run.err
    return json.loads(run.out)


def test_add_clones_a_repository_on_top_of_the_bundled_catalogue(faq: Callable[..., Run], remote: Remote) -> None:
    run = faq("catalogue", "add", "team", remote.url)
    assert run.status == 0, run.err
    assert "cloned team" in run.out
    answer = _json(faq("ask", "--json", "team-brief"))
    assert (answer["match"]["answer"], answer["match"]["catalogue"]) == ("The team's own brief.", "team")
    assert answer["match"]["related"][0] == {
        "id": "alekseyev",
        "type": "person",
        "label": "Vladimir Alekseyev",
        "date": None,
        "catalogue": "bundled",
    }
    layers = _json(faq("catalogue", "list", "--json"))
    assert [(x["name"], x["kind"]) for x in layers] == [("bundled", "bundled"), ("team", "git")]
    team = layers[1]
    assert team["source"] == remote.url
    assert team["entries"]["questions"] == 1
    assert (team["title"], team["as_of"]) == ("Team notes", "2026-11-01")
    assert isinstance(team["age_days"], int)
    assert team["problems"] == 0


def test_list_shows_path_counts_date_and_age(faq: Callable[..., Run], remote: Remote) -> None:
    faq("catalogue", "add", "team", remote.url)
    for width in ("60", "120"):
        out = faq("catalogue", "list", env={"COLUMNS": width}).out
        assert "team  from git" in out
        assert "Team notes · as of 1 Nov 2026 (" in " ".join(out.split())
        assert "1 question · 0 incidents · 0 events · 0 people · 0 sources" in " ".join(out.split())
        assert all(len(line.rstrip()) <= int(width) for line in out.splitlines())


def test_update_fast_forwards_to_a_new_version(faq: Callable[..., Run], remote: Remote) -> None:
    faq("catalogue", "add", "team", remote.url)
    assert "already up to date" in faq("catalogue", "update").out
    remote.push({"faq.yaml": TEAM.replace("The team's own brief.", "A newer brief.")}, "second")
    run = faq("catalogue", "update", "team")
    assert run.status == 0, run.err
    assert "team: updated" in run.out and "(1 commit)" in run.out
    assert _json(faq("ask", "--json", "team-brief"))["match"]["answer"] == "A newer brief."


def test_update_keeps_the_old_version_when_the_new_one_does_not_validate(faq: Callable[..., Run], remote: Remote) -> None:
    faq("catalogue", "add", "team", remote.url)
    remote.push({"faq.yaml": TEAM.replace("related: [alekseyev]", "related: [alexeyev]")}, "broken")
    run = faq("catalogue", "update")
    assert run.status == 1
    commit = git("rev-parse", "--short=7", "HEAD", cwd=remote.work).strip()
    assert f"team@{commit}:faq.yaml:8:15: related id 'alexeyev' names no person, incident, event or question" in run.err
    assert "faq: team: kept" in run.err and f"the new version {commit} is not a valid catalogue (1 problem)" in run.err
    assert _json(faq("ask", "--json", "team-brief"))["match"]["answer"] == "The team's own brief."
    assert faq("validate").status == 0
    # fixed upstream, the next update goes through
    remote.push({"faq.yaml": TEAM.replace("The team's own brief.", "Fixed.")}, "fixed")
    assert faq("catalogue", "update").status == 0
    assert _json(faq("ask", "--json", "team-brief"))["match"]["answer"] == "Fixed."


def test_update_refuses_a_rewritten_history_and_local_changes(faq: Callable[..., Run], remote: Remote, tmp_path: Path) -> None:
    faq("catalogue", "add", "team", remote.url)
    clone = Path(_json(faq("catalogue", "list", "--json"))[1]["path"])
    (clone / "faq.yaml").write_text(TEAM + "# a local note\n", encoding="utf-8")
    run = faq("catalogue", "update")
    assert run.status == 1
    assert "has local changes, which an update would overwrite" in run.err
    git("checkout", "--", "faq.yaml", cwd=clone)
    git("commit", "--quiet", "--amend", "-m", "rewritten", cwd=remote.work)
    git("push", "--quiet", "--force", "origin", "HEAD:main", cwd=remote.work)
    run = faq("catalogue", "update")
    assert run.status == 1
    assert "was rewritten" in run.err and "faq catalogue remove team, then add it again" in run.err


def test_add_refuses_a_repository_that_is_not_a_catalogue(faq: Callable[..., Run], tmp_path: Path) -> None:
    other = Remote(tmp_path)
    other.push({"docker-compose.yml": "services: {}\n", "README.md": "hello\n"})
    run = faq("catalogue", "add", "team", other.url)
    assert run.status == 2
    assert "no catalogue files" in run.err
    assert run.err.splitlines()[-1].startswith(f"faq: not added: {other.url} is not a valid catalogue (1 problem)")
    assert _json(faq("catalogue", "list", "--json"))[-1]["name"] == "bundled"
    assert faq("catalogue", "add", "team", other.url.replace("team.git", "nowhere.git")).err.startswith(
        f"faq: cannot clone {other.url.replace('team.git', 'nowhere.git')}: fatal:"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bundled", "'bundled' is the name of the shipped catalogue; choose another name"),
        ("Team Notes", "'Team Notes' is not a catalogue name: use lower-case letters, digits and hyphens"),
    ],
)
def test_add_checks_the_name(faq: Callable[..., Run], remote: Remote, name: str, message: str) -> None:
    run = faq("catalogue", "add", name, remote.url)
    assert run.status == 2
    assert run.err.startswith(f"faq: {message}")


def test_add_twice_is_refused(faq: Callable[..., Run], remote: Remote) -> None:
    assert faq("catalogue", "add", "team", remote.url).status == 0
    run = faq("catalogue", "add", "team", remote.url)
    assert (run.status, run.err) == (2, "faq: there is already a catalogue called 'team' (faq catalogue list shows them)\n")


def test_without_git_the_error_is_one_line(
    faq: Callable[..., Run], remote: Remote, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    run = faq("catalogue", "add", "team", remote.url)
    assert (run.status, run.err) == (
        2,
        "faq: cannot clone " + remote.url + ": git is not installed; it is needed to add and update catalogues from git\n",
    )


def test_an_unreachable_remote_keeps_the_catalogue(faq: Callable[..., Run], remote: Remote, tmp_path: Path) -> None:
    faq("catalogue", "add", "team", remote.url)
    remote.bare.rename(tmp_path / "gone.git")  # as good as offline
    run = faq("catalogue", "update")
    assert run.status == 1
    assert run.err.startswith(f"faq: team: not updated: cannot fetch from {remote.url}: fatal:")
    assert len(run.err.splitlines()) == 1
    assert _json(faq("ask", "--json", "team-brief"))["match"]["catalogue"] == "team"


def test_a_local_folder_is_read_where_it_is(faq: Callable[..., Run], tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "faq.yaml").write_text(TEAM, encoding="utf-8")
    assert faq("catalogue", "add", "notes", str(folder)).status == 0
    (folder / "faq.yaml").write_text(TEAM.replace("The team's own brief.", "Edited in place."), encoding="utf-8")
    assert _json(faq("ask", "--json", "team-brief"))["match"]["answer"] == "Edited in place."
    assert "notes is a local folder, read where it is: nothing to fetch" in faq("catalogue", "update", "notes").out
    removed = faq("catalogue", "remove", "notes")
    assert removed.status == 0 and "left as it is" in removed.out
    assert (folder / "faq.yaml").exists()
    assert faq("ask", "--json", "team-brief").status in (0, 1)
    assert all(x["name"] != "notes" for x in _json(faq("catalogue", "list", "--json")))


def test_remove_deletes_the_clone(faq: Callable[..., Run], remote: Remote) -> None:
    faq("catalogue", "add", "team", remote.url)
    clone = Path(_json(faq("catalogue", "list", "--json"))[1]["path"])
    assert clone.is_dir()
    assert faq("catalogue", "remove", "team").status == 0
    assert not clone.exists()
    run = faq("catalogue", "remove", "team")
    assert (run.status, run.err) == (2, "faq: no catalogue called 'team' was added (added: none yet)\n")


def test_data_options_choose_the_layers_instead(faq: Callable[..., Run], remote: Remote) -> None:
    faq("catalogue", "add", "team", remote.url)
    out = faq("--data", "bundled", "catalogue", "list").out
    assert "team" not in out.split("\n\n")[0]
    assert "1 added catalogue not in use: --data or FAQ_CLI_DATA chooses the layers" in out
    assert faq("--data", "bundled", "ask", "--json", "team-brief").status == 1


def test_a_damaged_list_of_catalogues_is_one_line(faq: Callable[..., Run], tmp_path: Path) -> None:
    home = Path(os.environ["FAQ_CLI_DATA_HOME"])
    home.mkdir(parents=True)
    (home / "catalogues.json").write_text("{not json", encoding="utf-8")
    run = faq("people")
    assert run.status == 2
    assert (
        run.err
        == f"faq: {home / 'catalogues.json'}: the list of added catalogues is damaged (JSONDecodeError); fix or delete the file\n"
    )


def test_the_installed_tool_clones_updates_and_answers(faq_process: Callable[..., Run], remote: Remote) -> None:
    """End to end, as a user's shell runs it: a real process, git and a file:// repository."""
    assert faq_process("catalogue", "add", "team", remote.url).status == 0
    remote.push({"faq.yaml": TEAM.replace("The team's own brief.", "Pulled.")})
    assert faq_process("catalogue", "update").status == 0
    run = faq_process("ask", "team-brief")
    assert run.status == 0 and "Pulled." in run.out
