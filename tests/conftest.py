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
    env = {"COLUMNS": "80", "LINES": "50", "NO_COLOR": "1", "TERM": "dumb"}
    env.update(extra or {})
    return env


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
