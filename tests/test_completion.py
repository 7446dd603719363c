"""Shell completion: Typer's scripts for bash, zsh and fish, and candidates from the active catalogue.

Completion is driven as the shells drive it, through the `_FAQ_COMPLETE` environment
protocol in a real process, and for bash also through the installed script in a real bash.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def complete(shell: str, line: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Ask `faq` for the completions of `line` (the cursor at its end) the way `shell`'s script does."""
    words = line.split()
    if line.endswith(" "):
        words.append("")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("_FAQ", "FAQ_CLI", "COMP_", "_TYPER"))}
    full_env |= {"_FAQ_COMPLETE": f"complete_{shell}", "FAQ_CLI_CACHE_DIR": str(cwd / "cache")}
    if shell == "bash":
        full_env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        full_env |= {"_TYPER_COMPLETE_ARGS": line}
        if shell == "fish":
            full_env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    full_env |= env or {}
    return subprocess.run([sys.executable, "-m", "faq_cli"], capture_output=True, text=True, env=full_env, timeout=30, cwd=cwd)


def values(shell: str, line: str, **kwargs: object) -> list[str]:
    proc = complete(shell, line, **kwargs)  # type: ignore[arg-type]
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    if shell == "bash":
        return [v for v in proc.stdout.splitlines() if v]
    if shell == "fish":
        return [v.split("\t")[0] for v in proc.stdout.splitlines() if v]
    # zsh: _arguments '*: :(("value":"help" ...))'
    import re

    return re.findall(r'"((?:[^"\\]|\\.)*)":', proc.stdout)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_profile_completes_a_surname(shell: str, tmp_path: Path) -> None:
    found = values(shell, "faq profile Ale", cwd=tmp_path)
    assert "Alekseyev" in found
    assert all(v.startswith("Ale") for v in found)


def test_lower_case_gives_lower_case_and_cyrillic_gives_cyrillic(tmp_path: Path) -> None:
    assert "alekseyev" in values("bash", "faq profile ale", cwd=tmp_path)
    assert "Алексеев" in values("bash", "faq profile Але", cwd=tmp_path)


def test_candidates_are_names_users_type(tmp_path: Path) -> None:
    found = values("bash", "faq profile Kir", cwd=tmp_path)
    assert "Kirillov" in found
    assert not [v for v in found if "'" in v or "(" in v]


def test_person_option_ids_tags_and_kinds(tmp_path: Path) -> None:
    assert "Kirillov" in values("bash", "faq incidents --person Kir", cwd=tmp_path)
    assert "Alekseyev" in values("bash", "faq timeline -p Alek", cwd=tmp_path)
    assert values("bash", "faq incident kirillov-s", cwd=tmp_path) == ["kirillov-scooter-bomb-2024"]
    assert "gru" in values("bash", "faq questions --tag g", cwd=tmp_path)
    assert values("bash", "faq incidents --kind car", cwd=tmp_path) == ["car-bomb"]


def test_a_prefix_one_person_fits_gives_one_name(tmp_path: Path) -> None:
    assert values("bash", "faq profile Ale", cwd=tmp_path) == ["Alekseyev"]  # not Alekseev, Alexeyev, Alexander
    assert values("bash", "faq profile Alex", cwd=tmp_path) == ["Alexeyev"]  # the spelling begun
    assert values("bash", "faq profile kirillov-", cwd=tmp_path) == ["kirillov-assistant"]  # an id when no name fits
    assert values("bash", "faq profile Vla", cwd=tmp_path) == ["Vladimir", "Vladlen"]  # first names when no surname fits
    everyone = values("bash", "faq profile ", cwd=tmp_path)
    assert "Alekseyev" in everyone and "Alexeyev" not in everyone and len(everyone) == len(set(everyone))


def test_ask_completes_ids_numbers_and_the_words_of_questions(tmp_path: Path) -> None:
    ids = values("bash", "faq ask ", cwd=tmp_path)
    assert "who-is-alekseyev" in ids and len(ids) > 10
    assert values("bash", "faq ask who-is-a", cwd=tmp_path) == ["who-is-alekseyev"]
    assert values("bash", "faq ask 1", cwd=tmp_path)[:2] == ["1", "10"]
    assert "vladimir" in values("bash", "faq ask who is ", cwd=tmp_path)  # the next word of "who is vladimir alekseyev"
    assert values("bash", "faq ask who shot al", cwd=tmp_path) == ["alekseyev"]


def test_completion_reads_the_catalogue_named_by_data(tmp_path: Path, faq) -> None:
    assert faq("init", str(tmp_path / "mine")).status == 0
    assert values("bash", f"faq --data {tmp_path / 'mine'} profile D", cwd=tmp_path) == ["Doe"]
    assert values("bash", "faq profile D", env={"FAQ_CLI_DATA": str(tmp_path / "mine")}, cwd=tmp_path) == ["Doe"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_broken_catalogue_completes_nothing_and_prints_no_error(shell: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("people: [oops\n", encoding="utf-8")
    for env in ({"FAQ_CLI_DATA": str(bad)}, {"FAQ_CLI_DATA": str(tmp_path / "missing")}):
        proc = complete(shell, "faq profile Ale", env=env, cwd=tmp_path)
        assert proc.returncode == 0
        assert proc.stderr == ""
        assert "Alekseyev" not in proc.stdout and "faq:" not in proc.stdout and "Traceback" not in proc.stdout


@pytest.mark.parametrize(
    ("shell", "marker"), [("bash", "complete -o default -F"), ("zsh", "compdef"), ("fish", "complete --command faq")]
)
def test_show_completion_prints_each_shells_script(shell: str, marker: str, faq_process) -> None:
    run = faq_process("--show-completion", shell, env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert run.status == 0
    assert marker in run.out
    assert "_FAQ_COMPLETE" in run.out


@pytest.mark.parametrize(
    ("shell", "written"), [("bash", ".bashrc"), ("zsh", ".zshrc"), ("fish", ".config/fish/completions/faq.fish")]
)
def test_install_completion_writes_into_the_users_shell_config(shell: str, written: str, faq_process, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    run = faq_process("--install-completion", shell, env=env)
    assert run.status == 0, run.err
    assert (home / written).exists()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_real_bash_completes_through_the_installed_script(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    launcher = bindir / "faq"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m faq_cli "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    script = (
        "source <(_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION=1 faq --show-completion bash)\n"
        "COMP_WORDS=(faq profile Ale); COMP_CWORD=2\n"
        "_faq_completion faq\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_FAQ", "FAQ_CLI"))}
    env |= {"PATH": f"{bindir}:{env.get('PATH', '')}", "FAQ_CLI_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True, env=env, timeout=30, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Alekseyev" in proc.stdout.splitlines()


# ---- bash's own completion machinery: readline in a pseudo-terminal --------------------------------------


@pytest.fixture
def interactive_bash(tmp_path: Path):
    """An interactive bash in a pty with `faq --show-completion bash` sourced, as a user's .bashrc does."""
    pexpect = pytest.importorskip("pexpect")
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    launcher = bindir / "faq"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m faq_cli "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    (tmp_path / "inputrc").write_text("set bell-style none\nset enable-bracketed-paste off\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_FAQ", "FAQ_CLI", "COMP_", "BASH_ENV", "PROMPT"))}
    env |= {
        "PATH": f"{bindir}:{env.get('PATH', '')}",
        "FAQ_CLI_CACHE_DIR": str(tmp_path / "cache"),
        "HOME": str(tmp_path),
        "INPUTRC": str(tmp_path / "inputrc"),
        "TERM": "xterm",
        "PS1": "$ ",
    }
    child = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], env=env, cwd=str(tmp_path), encoding="utf-8", timeout=30)
    child.setwinsize(40, 200)
    child.sendline("source <(_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION=1 faq --show-completion bash); echo READY")
    child.expect("\r\nREADY")
    yield child
    child.sendline("exit")
    child.close()


def _completed(child, keys: str) -> str:
    """Type `keys` (ending in Tab), then wrap what readline made of the line in `echo '[…]'` and run it."""
    child.send(keys)
    child.send("\x01echo '[\x05]'\r")  # Ctrl-A to the start, Ctrl-E to the end
    child.expect(r"\r\n\[(.*?)\]\r\n")
    return str(child.match.group(1))


def test_bash_registers_the_completion_function(interactive_bash) -> None:
    interactive_bash.sendline("complete -p faq")
    interactive_bash.expect(r"complete -o default -F _faq_completion faq")


@pytest.mark.parametrize(
    ("typed", "line"),
    [
        ("faq profile Ale\t", "faq profile Alekseyev "),
        ("faq profile ale\t", "faq profile alekseyev "),
        ("faq profile Алексе\t", "faq profile Алексеев "),
        ("faq incident kirillov-s\t", "faq incident kirillov-scooter-bomb-2024 "),
        ("faq incidents --kind car\t", "faq incidents --kind car-bomb "),
        ("faq ask who-is-a\t", "faq ask who-is-alekseyev "),
        ("faq ask who shot al\t", "faq ask who shot alekseyev "),
    ],
)
def test_tab_completes_the_word_in_a_real_bash(interactive_bash, typed: str, line: str) -> None:
    assert _completed(interactive_bash, typed) == line


def test_tab_tab_lists_the_choices_and_never_file_names(interactive_bash, tmp_path: Path) -> None:
    (tmp_path / "a-file-here.txt").write_text("", encoding="utf-8")
    interactive_bash.send("faq ask \t\t")
    interactive_bash.expect("who-is-alekseyev")
    listed = interactive_bash.before + interactive_bash.after
    interactive_bash.expect(r"\r\n\$ faq ask ")  # the list ends, and the line is shown again
    listed += interactive_bash.before
    assert "who-was-kirillov" in listed and "a-file-here" not in listed
    interactive_bash.send("\x03")  # abandon the line
    interactive_bash.send("faq profile Vlad\t\t")
    interactive_bash.expect(r"Vladimir\s+Vladlen")
    interactive_bash.send("\x03")
