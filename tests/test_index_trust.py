"""The index is as trustworthy as git's: never stale, never planted, never hung, never a wrong answer from damage.

Each test reproduces one failure found by probing the tool as an attacker and as an unlucky user
would (issue 20); each failed before the fix it names.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from faq_cli import store as index
from faq_cli.store import build, freshness, read

from conftest import DATA, ROOT, Run

OLD_NS = 1_577_836_800 * 10**9  # 2020-01-01: a file this old has a stamp the index trusts
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust a file's stamp at once, not only two seconds after its last change (as the copy's files would be
    by the time a user runs the next command)."""
    monkeypatch.setattr(freshness, "RACY_NS", 0)


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled catalogue, its files last changed long ago."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    for path in target.iterdir():
        os.utime(path, ns=(OLD_NS, OLD_NS))
    return target


def _index_file(cache: Path) -> Path:
    found = [p for p in cache.rglob("*.sqlite")]
    assert len(found) == 1, found
    return found[0]


def _killed(run: Run) -> int:
    return int(json.loads(run.out)["casualties"]["killed"])


def _rewrite_in_place(path: Path, old: bytes, new: bytes) -> None:
    """What `unzip -o` does: the same inode, rewritten, then given the archive's modification time back."""
    before = path.stat()
    raw = path.read_bytes()
    assert len(old) == len(new) and raw.count(old) >= 1
    with open(path, "r+b") as handle:
        handle.write(raw.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


KIRILLOV = b"      killed: 2\n      note: Kirillov and his assistant"


# ---- 1. never stale ---------------------------------------------------------------------------


@pytest.mark.usefixtures("trusting")
def test_a_rewrite_keeping_size_mtime_and_inode_is_seen(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    incidents = catalogue_copy / "incidents.yaml"
    if KIRILLOV not in incidents.read_bytes():
        pytest.skip("the bundled Kirillov entry changed shape")
    first = faq("--data", str(catalogue_copy), "incident", "--json", "kirillov")
    assert _killed(first) == 2
    _rewrite_in_place(incidents, KIRILLOV, KIRILLOV.replace(b"killed: 2", b"killed: 3"))
    assert _killed(faq("--data", str(catalogue_copy), "incident", "--json", "kirillov")) == 3


@pytest.mark.usefixtures("trusting")
def test_validate_sees_a_same_size_rewrite_that_breaks_a_file(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    incidents = catalogue_copy / "incidents.yaml"
    if KIRILLOV not in incidents.read_bytes():
        pytest.skip("the bundled Kirillov entry changed shape")
    assert faq("validate", str(catalogue_copy)).status == 0
    _rewrite_in_place(incidents, KIRILLOV, KIRILLOV.replace(b"killed: 2", b"killed: x"))
    run = faq("validate", str(catalogue_copy))
    assert run.status == 1
    assert "incidents.yaml:" in run.out and "killed" in run.out


def test_an_archive_unpacked_over_the_catalogue_with_the_same_mtime_is_seen(
    faq_process: Callable[..., Run], tmp_path: Path
) -> None:
    """`tar --mtime`: a reproducible archive gives every version of a file the same modification time."""
    if not shutil.which("tar"):
        pytest.skip("needs tar")
    versions = []
    for killed in (b"2", b"3"):
        tree = tmp_path / f"v{killed.decode()}"
        shutil.copytree(DATA, tree / "data")
        incidents = tree / "data" / "incidents.yaml"
        if KIRILLOV not in incidents.read_bytes():
            pytest.skip("the bundled Kirillov entry changed shape")
        incidents.write_bytes(incidents.read_bytes().replace(KIRILLOV, KIRILLOV.replace(b"killed: 2", b"killed: " + killed)))
        archive = tmp_path / f"v{killed.decode()}.tar"
        subprocess.run(["tar", "--mtime=2020-01-01 00:00:00Z", "-cf", str(archive), "-C", str(tree), "data"], check=True)
        versions.append(archive)
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    catalogue = str(unpacked / "data")
    subprocess.run(["tar", "-xf", str(versions[0]), "-C", str(unpacked)], check=True)
    time.sleep(freshness.RACY_NS / 1e9 + 0.1)  # so that the index trusts these files' stamps, as it would a minute later
    assert _killed(faq_process("--data", catalogue, "incident", "--json", "kirillov")) == 2
    subprocess.run(["tar", "-xf", str(versions[1]), "-C", str(unpacked)], check=True)
    assert _killed(faq_process("--data", catalogue, "incident", "--json", "kirillov")) == 3


@pytest.mark.usefixtures("trusting")
def test_a_touched_file_is_remembered_beside_the_index_never_in_it(
    faq: Callable[..., Run], catalogue_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is never written in place (item 7: a process killed while writing into it, as another renamed a
    new index over it, left a journal that damaged the new one): a touched file's new stamp goes beside it."""
    cache = catalogue_copy.parent / "cache"
    faq("--data", str(catalogue_copy), "people")
    path = _index_file(cache)
    before = (path.stat().st_ino, path.read_bytes())
    events = catalogue_copy / "events.yaml"
    os.utime(events, ns=(OLD_NS, OLD_NS + 5 * 10**9))  # touched, content the same
    assert faq("--data", str(catalogue_copy), "people").status == 0
    assert (path.stat().st_ino, path.read_bytes()) == before
    assert path.with_suffix(".stamps").is_file()
    assert not list(cache.rglob("*-journal"))
    parsed: list[str] = []
    original = freshness.content_digest
    monkeypatch.setattr(freshness, "content_digest", lambda name: parsed.append(name) or original(name))
    assert faq("--data", str(catalogue_copy), "people").status == 0
    assert parsed == []  # the new stamp was read back: nothing is hashed again


# ---- 2. never planted --------------------------------------------------------------------------


def _plant(path: Path, old: str, new: str) -> None:
    """Rewrite the text of entries in an index the way an attacker would: checksums and all."""
    db = sqlite3.connect(path)
    db.create_function("crc", 1, lambda text: zlib.crc32(text.encode()))
    db.execute("UPDATE entries SET data = replace(data, ?, ?)", (old, new))
    db.execute("UPDATE entries SET sum = crc(data)")
    db.commit()
    db.close()


PLANTED = "Officially confirmed: PLANTED"


def test_the_cache_directory_is_created_private(faq: Callable[..., Run], tmp_path: Path) -> None:
    faq("people")
    assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) == 0o700


def test_an_index_writable_by_others_is_ignored(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    cache = catalogue_copy.parent / "cache"
    args = ("--data", str(catalogue_copy), "incident", "kirillov")
    true = faq(*args)
    path = _index_file(cache)
    _plant(path, "Lt Gen Igor Kirillov killed by scooter bomb", PLANTED)
    path.chmod(0o666)
    run = faq(*args)
    assert run.status == 0 and run.out == true.out
    assert PLANTED not in run.out
    assert run.err.count("\n") == 1 and "other users can write it" in run.err and str(path) in run.err
    again = faq(*args)
    assert (again.out, again.err) == (true.out, "")  # rebuilt, ours again
    assert stat.S_IMODE(_index_file(cache).stat().st_mode) == 0o600


@pytest.mark.skipif(not IS_ROOT, reason="making a file another user's takes root")
def test_an_index_owned_by_another_user_is_ignored(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    cache = catalogue_copy.parent / "cache"
    args = ("--data", str(catalogue_copy), "incident", "kirillov")
    true = faq(*args)
    path = _index_file(cache)
    _plant(path, "Lt Gen Igor Kirillov killed by scooter bomb", PLANTED)
    os.chown(path, NOBODY, NOBODY)
    run = faq(*args)
    assert (run.status, run.out) == (0, true.out)
    assert run.err.count("\n") == 1 and "belongs to another user" in run.err
    assert _index_file(cache).stat().st_uid == os.geteuid()


def test_in_a_shared_cache_directory_the_index_goes_into_a_private_one(
    faq: Callable[..., Run], catalogue_copy: Path, tmp_path: Path
) -> None:
    """FAQ_CLI_CACHE_DIR=/tmp-like: anyone may create files there, so none of them is read."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    env = {"FAQ_CLI_CACHE_DIR": str(shared)}
    args = ("--data", str(catalogue_copy), "incident", "kirillov")
    true = faq(*args, env=env)
    built = _index_file(shared)
    mine = shared / f"faq-cli-{os.geteuid()}"
    assert built.parent == mine and stat.S_IMODE(mine.stat().st_mode) == 0o700
    planted = shared / built.name  # where an index would be, were the shared directory trusted
    shutil.copy(built, planted)
    _plant(planted, "Lt Gen Igor Kirillov killed by scooter bomb", PLANTED)
    built.unlink()
    run = faq(*args, env=env)
    assert (run.status, run.out) == (0, true.out)


def test_a_planted_index_whose_meta_is_a_recursive_view_does_not_hang(faq_process: Callable[..., Run], tmp_path: Path) -> None:
    """A 4 KB file whose `meta` is a view that never ends: the schema is checked before anything is read."""
    true = faq_process("people", "--json")
    path = _index_file(tmp_path / "cache")
    path.unlink()
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE VIEW meta(key, value) AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT 'format', n FROM r WHERE n < 0;"
    )
    db.close()
    path.chmod(0o600)
    run = faq_process("people", "--json", timeout=120)
    assert (run.status, run.out, run.err) == (0, true.out, "")


def test_every_statement_on_an_index_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a statement meets, it stops after QUERY_SECONDS and the answer comes from the YAML files."""
    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    index.load([str(DATA)])
    catalogue = index.load([str(DATA)])
    store = catalogue.index
    assert isinstance(store, index.Store)
    monkeypatch.setattr(read, "QUERY_SECONDS", 0.5)
    endless = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
    assert store.rows(endless) is None
    assert store.memory is not None and "alekseyev" in catalogue.people


# ---- 3. never hung ----------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("where", ["index", "lock", "stamps"])
def test_a_fifo_beside_or_at_the_index_path_does_not_hang(faq_process: Callable[..., Run], tmp_path: Path, where: str) -> None:
    true = faq_process("people", "--json")
    path = _index_file(tmp_path / "cache")
    fifo = {"index": path, "lock": path.with_suffix(".lock"), "stamps": path.with_suffix(".stamps")}[where]
    if where == "lock":
        path.unlink()  # so that a build, which takes the lock, is needed
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo, 0o600)
    run = faq_process("people", "--json", timeout=60)
    assert (run.status, run.out) == (0, true.out)
    if where == "index":
        assert run.err.count("\n") == 1 and "not a regular file" in run.err
        assert _index_file(tmp_path / "cache").is_file()  # replaced by a real index
    else:
        assert run.err == ""


# ---- 7, 8. damage is detected and repaired, never served ---------------------------------------------


def _flip(path: Path, old: bytes, new: bytes) -> int:
    """Change bytes inside the file itself, under SQLite (a bad disk, a stray write): every occurrence."""
    raw = path.read_bytes()
    count = raw.count(old)
    path.write_bytes(raw.replace(old, new))
    return count


def test_a_flipped_byte_in_an_entry_never_changes_an_answer(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    cache = catalogue_copy.parent / "cache"
    args = ("--data", str(catalogue_copy), "incident", "--json", "kirillov")
    true = faq(*args)
    path = _index_file(cache)
    title = b"Lt Gen Igor Kirillov killed by scooter bomb"
    assert _flip(path, title, title.replace(b"killed", b"KILLED")) >= 1
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # SQLite sees nothing wrong
    db.close()
    run = faq(*args)
    assert (run.status, run.out) == (0, true.out)
    assert faq(*args).out == true.out
    assert b"KILLED" not in _index_file(cache).read_bytes()  # the damaged index was removed and built anew


def test_a_damaged_page_is_noticed_and_the_index_built_anew(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    """A file that fails quick_check is not served again and again (item 7: at 20k incidents, 4.5x slower for good)."""
    cache = catalogue_copy.parent / "cache"
    args = ("--data", str(catalogue_copy), "timeline", "--json")
    true = faq(*args)
    path = _index_file(cache)
    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'entries'").fetchone()[0]
    db.close()
    with open(path, "r+b") as handle:  # the top page of the entries' b-tree, as a bad sector would leave it
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)
    assert faq(*args).out == true.out
    faq(*args)
    db = sqlite3.connect(_index_file(cache))
    assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    db.close()
    assert faq(*args).out == true.out


# ---- 9. killed builds leave nothing behind ---------------------------------------------------------


@pytest.fixture(scope="module")
def many_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue large enough to be parsed by worker processes (several files, several MB)."""
    folder = tmp_path_factory.mktemp("many") / "data"
    generate = [sys.executable, str(ROOT / "bench" / "generate.py"), "8000", str(folder)]
    subprocess.run(generate, check=True, capture_output=True)
    return folder


def _start_build(folder: Path, cache: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A build in a real process, with an extra pipe every process it forks inherits: its end of file means
    that all of them have exited."""
    alive_read, alive_write = os.pipe()
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_CLI_DATA",)}
    env.update({"FAQ_CLI_CACHE_DIR": str(cache), "NO_COLOR": "1"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "faq_cli", "--data", str(folder), "incidents", "--year", "1990"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        pass_fds=(alive_write,),
    )
    os.close(alive_write)
    deadline = time.monotonic() + 120
    while not list(cache.rglob(".catalogue-*.tmp")):  # the build has begun
        assert proc.poll() is None and time.monotonic() < deadline, "the build ended before it could be interrupted"
        time.sleep(0.02)
    time.sleep(0.3)  # into the parsing, where the workers are
    return proc, alive_read


def _all_exited(alive_read: int, seconds: float) -> bool:
    ready, _, _ = select.select([alive_read], [], [], seconds)
    ended = bool(ready) and os.read(alive_read, 1) == b""
    os.close(alive_read)
    return ended


def test_a_build_killed_leaves_no_process_no_output_and_no_temporary_file(many_files: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    proc, alive = _start_build(many_files, cache)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _all_exited(alive, 10), "a worker outlived the build"
    assert proc.stderr is not None and proc.stderr.read() == b""
    assert list(cache.rglob("*.tmp"))  # what the killed build left…
    env = {k: v for k, v in os.environ.items() if k != "FAQ_CLI_DATA"} | {"FAQ_CLI_CACHE_DIR": str(cache)}
    again = [sys.executable, "-m", "faq_cli", "--data", str(many_files), "people", "--json"]
    subprocess.run(again, check=True, capture_output=True, env=env, timeout=300)
    assert list(cache.rglob("*.tmp")) == []  # …the next build swept
    assert [p.name for p in cache.rglob("*") if p.is_file()] == [_index_file(cache).name]


def test_ctrl_c_during_a_build_is_one_line_and_leaves_nothing(many_files: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    proc, alive = _start_build(many_files, cache)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err == b"faq: interrupted\n"  # no "Process ForkPoolWorker-1:" and no traceback
    assert _all_exited(alive, 10)
    assert list(cache.rglob("*.tmp")) == []


# ---- 10. one build at a time --------------------------------------------------------------------------


def test_processes_starting_cold_at_once_build_the_index_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Six callers find no index at once: one builds, the others wait for it and read what it built."""
    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    fills: list[int] = []
    original = build._fill

    def slow_fill(*args: object, **kwargs: object) -> None:
        fills.append(1)
        time.sleep(1.0)  # long enough for every other caller to find the lock taken
        original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "_fill", slow_fill)
    start = threading.Barrier(6)
    answers: list[list[str]] = []

    def call() -> None:
        start.wait()
        answers.append(list(index.load([str(DATA)]).people))

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(fills) == 1
    assert len(answers) == 6 and all(a == answers[0] for a in answers)
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".sqlite"]  # no lock file, no temporary file


def test_a_waiter_gives_up_on_a_build_that_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build stopped with Ctrl-Z holds its lock but no longer touches it: others answer without it."""
    from faq_cli.store import cache

    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "LOCK_STALE_SECONDS", 0.5)
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    lock_path = folder / index.index_name([str(DATA)]).replace(".sqlite", ".lock")
    import fcntl

    held = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(held, fcntl.LOCK_EX)  # a holder that never touches the file
    try:
        catalogue = index.load([str(DATA)])
        assert "alekseyev" in catalogue.people
        assert not list(folder.glob("*.sqlite"))  # it did not write the cache under another's lock
    finally:
        os.close(held)
