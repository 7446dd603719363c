"""Process faults: a closed pipe, a full disk, a closed stdout, Ctrl-C and an internal bug each end in one line.

Each test runs the real entry point (faq_cli.cli.main) in a child process, as a shell would, since
these faults are about streams, signals and exit statuses that an in-process runner fakes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PYTHON = sys.executable
HINT = "(run with FAQ_CLI_DEBUG=1 for the traceback)"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_CLI_DATA", "FAQ_CLI_DEBUG", "FORCE_COLOR")}
    return {**env, "NO_COLOR": "1", "COLUMNS": "80", "FAQ_CLI_CACHE_DIR": str(tmp_path / "cache"), **extra}


@pytest.fixture(scope="module")
def big_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough incidents that the output is far larger than a pipe's buffer."""
    path = tmp_path_factory.mktemp("big") / "big.yaml"
    lines = ["sources:", "  - {id: wire, title: Wire, publisher: Wire, date: 2024}", "incidents:"]
    lines += [
        f"  - {{id: incident-{n}, date: 2024-{n % 12 + 1:02d}-01, title: Incident number {n}, kind: test,"
        f" place: Somewhere, sources: [wire]}}"
        for n in range(2000)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _shell(command: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    faq = f"{PYTHON} -m faq_cli"
    return subprocess.run(
        ["sh", "-c", command.replace("faq ", f"{faq} ")],
        capture_output=True,
        text=True,
        env=_env(tmp_path, **env),
        timeout=60,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("args", ["timeline", "timeline --json", "incidents", "incidents --json"])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, big_catalogue: Path, args: str) -> None:
    run = _shell(f"faq --data {big_catalogue} {args} | head -1", tmp_path, FAQ_CLI_CACHE_DIR=str(big_catalogue.parent))
    assert run.stderr == ""  # no BrokenPipeError, no "Exception ignored"
    assert len(run.stdout.splitlines()) == 1


def test_a_closed_pipe_keeps_a_success_status(tmp_path: Path, big_catalogue: Path) -> None:
    """The reader leaving early is not a failure of faq (it matters under `set -o pipefail`)."""
    proc = subprocess.Popen(
        [PYTHON, "-m", "faq_cli", "--data", str(big_catalogue), "timeline"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path, FAQ_CLI_CACHE_DIR=str(big_catalogue.parent)),  # the index built once for the module
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == "2024"
    proc.stdout.close()  # the reader goes away after one line
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert err == ""


def test_a_closed_stdout_is_not_a_crash(tmp_path: Path) -> None:
    run = _shell("faq people >&-", tmp_path)
    assert run.returncode == 0
    assert run.stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", ["people", "people --json", "schema", "validate"])
def test_a_full_disk_is_one_line_and_a_failure(tmp_path: Path, args: str) -> None:
    run = _shell(f"faq {args} > /dev/full", tmp_path)
    assert run.returncode == 74
    assert run.stderr == "faq: cannot write the output: No space left on device\n"


def _script(tmp_path: Path, body: str) -> Path:
    """A tiny program that changes one thing about faq, then runs its real entry point."""
    path = tmp_path / "run_faq.py"
    path.write_text(
        textwrap.dedent(
            """\
            import sys
            from faq_cli import query
            {body}
            from faq_cli.cli import main
            sys.argv = ["faq", *sys.argv[1:]]
            main()
            """
        ).format(body=textwrap.dedent(body))
    )
    return path


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    script = _script(
        tmp_path,
        """
        import time
        def slow(*args, **kwargs):
            print("ready", file=sys.stderr, flush=True)
            time.sleep(60)
        query.timeline = slow
        """,
    )
    proc = subprocess.Popen(
        [PYTHON, str(script), "timeline"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(tmp_path)
    )
    assert proc.stderr is not None
    assert proc.stderr.readline() == "ready\n"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert err == "faq: interrupted\n"
    assert out == ""


BUG = """
def broken(*args, **kwargs):
    raise RuntimeError("boom\\n\\x1b]0;title\\x07 second line")
query.people = broken
"""


def test_an_internal_bug_is_one_line_with_a_hint(tmp_path: Path) -> None:
    run = subprocess.run(
        [PYTHON, str(_script(tmp_path, BUG)), "people"], capture_output=True, text=True, env=_env(tmp_path), timeout=20
    )
    assert run.returncode == 70
    assert run.stderr == f"faq: internal error: RuntimeError: boom ␛]0;title\\x07 second line {HINT}\n"
    assert "Traceback" not in run.stderr


def test_faq_cli_debug_shows_the_traceback(tmp_path: Path) -> None:
    run = subprocess.run(
        [PYTHON, str(_script(tmp_path, BUG)), "people"],
        capture_output=True,
        text=True,
        env=_env(tmp_path, FAQ_CLI_DEBUG="1"),
        timeout=20,
    )
    assert run.returncode != 0
    assert "Traceback" in run.stderr and "RuntimeError: boom" in run.stderr


def test_exit_statuses_pass_through_main(tmp_path: Path) -> None:
    """main() must not turn the commands' own statuses into something else."""
    ok = _shell("faq people", tmp_path)
    no_match = _shell("faq profile zzqxw vvkj", tmp_path)
    usage = _shell("faq incidents --year x", tmp_path)
    assert (ok.returncode, no_match.returncode, usage.returncode) == (0, 1, 2)
    assert "Traceback" not in ok.stderr + no_match.stderr + usage.stderr
