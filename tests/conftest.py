"""Shared helpers: run `faq` in-process (fast) or as a real process (end to end)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Run:
    status: int
    out: str
    err: str


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    # The "as of" note under an answer depends on today's date: tests that show it set the threshold themselves.
    env = {"COLUMNS": "80", "LINES": "50", "NO_COLOR": "1", "TERM": "dumb", "FAQ_CLI_STALE_DAYS": "0"}
    env.update(extra or {})
    return env


@pytest.fixture(autouse=True)
def _own_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the catalogues a user added: each has a data directory of its own."""
    monkeypatch.setenv("FAQ_CLI_DATA_HOME", str(tmp_path / "data-home"))


@pytest.fixture
def faq(tmp_path: Path) -> Callable[..., Run]:
    """Invoke the CLI in-process: `faq("ask", "who is alekseyev")` → Run(status, out, err)."""
    from faq_cli.app import app

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        full_env = {"FAQ_CLI_CACHE_DIR": str(tmp_path / "cache"), "FAQ_CLI_DATA": "", **_env(env)}
        result = CliRunner().invoke(app, list(args), env=full_env, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def faq_process(tmp_path: Path) -> Callable[..., Run]:
    """Run `python -m faq_cli` as a real process, as a user's shell would (no terminal)."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 20, stdin: str | None = None) -> Run:
        base = {k: v for k, v in os.environ.items() if k not in ("FAQ_CLI_DATA", "NO_COLOR", "FORCE_COLOR")}
        base["FAQ_CLI_CACHE_DIR"] = str(tmp_path / "cache")
        full_env = {**base, **_env(env)}
        proc = subprocess.run(
            [sys.executable, "-m", "faq_cli", *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            input=stdin,
            cwd=tmp_path,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run


EDITOR_SCRIPT = """\
#!{python}
# A stand-in for the user's editor: it does to the file what the next step of its plan says.
import json, os, sys
plan = {plan!r}
steps = json.load(open(plan))
args = sys.argv[1:]
path = args[-1].rsplit(":", 1)[0] if "-g" in args else args[-1]
text = open(path, encoding="utf-8", newline="").read()
with open(plan + ".log", "a", encoding="utf-8") as log:
    log.write(json.dumps({{"argv": args, "text": text}}) + "\\n")
step = steps.pop(0) if steps else {{}}
json.dump(steps, open(plan, "w"))
if "write" in step:
    text = step["write"]
for old, new in step.get("replace", []):
    assert old in text, (old, text)
    text = text.replace(old, new, 1)
if "write" in step or "replace" in step:
    open(path, "w", encoding="utf-8", newline="").write(text)
if "sleep" in step:  # the user is still in the editor
    import time
    time.sleep(step["sleep"])
sys.exit(step.get("status", 0))
"""


@dataclass
class Editor:
    """A script set as $EDITOR that edits as its plan says, one step a time it is opened, and logs each opening."""

    path: Path
    plan_file: Path

    def plan(self, *steps: dict[str, object]) -> None:
        import json

        self.plan_file.write_text(json.dumps(list(steps)), encoding="utf-8")

    @property
    def env(self) -> dict[str, str]:
        return {"EDITOR": str(self.path), "VISUAL": ""}

    def openings(self) -> list[dict[str, object]]:
        import json

        log = Path(str(self.plan_file) + ".log")
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


@pytest.fixture
def editor(tmp_path: Path) -> Callable[[str], Editor]:
    """`editor("vi")`: a stand-in editor called vi (so it is given +LINE), or any other name."""

    def make(name: str = "vi") -> Editor:
        folder = tmp_path / "editor-bin"
        folder.mkdir(exist_ok=True)
        plan = folder / f"{name}.plan.json"
        script = folder / name
        script.write_text(EDITOR_SCRIPT.format(python=sys.executable, plan=str(plan)), encoding="utf-8")
        script.chmod(0o755)
        made = Editor(script, plan)
        made.plan()
        return made

    return make
