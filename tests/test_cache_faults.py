"""Whatever state the cache is in, a lookup answers correctly, quietly, and never leaves a half-written index."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from faq_cli import store as index
from faq_cli.store import build
from faq_cli.store import cache as cache_files

from conftest import DATA, ROOT, Run

QUERY = ("profile", "--json", "alekseyev")


@pytest.fixture
def expected(faq: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> Run:
    """The answer read straight from the YAML files, without any cache."""
    from faq_cli.catalogue import merge as catalogue

    with monkeypatch.context() as patch:
        patch.setattr(index, "load", lambda paths, progress=None, derivers=None, notice=None: catalogue.load_catalogue(paths))
        run = faq(*QUERY)
    assert run.status == 0
    return run


def _index_file(cache: Path) -> Path:
    found = [p for p in cache.iterdir() if p.suffix == ".sqlite"]
    assert len(found) == 1, found
    return found[0]


def _assert_clean(cache: Path) -> None:
    """No temporary file left behind, and any index present is whole and ours."""
    if not cache.is_dir():
        return
    assert [p.name for p in cache.iterdir() if p.name.endswith(".tmp")] == []
    for path in (p for p in cache.glob("*.sqlite") if p.is_file()):
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()[0] == index.FORMAT
        db.close()


def _same(run: Run, expected: Run) -> None:
    assert run.status == 0
    assert run.out == expected.out
    assert run.err == ""


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b"this is not a database at all\n" * 50), id="garbage"),
        pytest.param(lambda p: p.write_bytes(b""), id="empty"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), id="truncated"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes() + b"\0" * 4096), id="appended"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:100] + b"\xff" * 3000 + p.read_bytes()[3100:]), id="overwritten"),
    ],
)
def test_a_damaged_index_is_rebuilt(
    faq: Callable[..., Run], tmp_path: Path, expected: Run, damage: Callable[[Path], None]
) -> None:
    cache = tmp_path / "cache"
    faq(*QUERY)
    damage(_index_file(cache))
    _same(faq(*QUERY), expected)
    _assert_clean(cache)
    _same(faq(*QUERY), expected)


def test_an_index_of_another_format_is_replaced(faq: Callable[..., Run], tmp_path: Path, expected: Run) -> None:
    cache = tmp_path / "cache"
    faq(*QUERY)
    path = _index_file(cache)
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = 'faq-cli index 0' WHERE key = 'format'")
    db.commit()
    db.close()
    _same(faq(*QUERY), expected)
    _assert_clean(cache)


def test_a_foreign_sqlite_file_is_replaced(faq: Callable[..., Run], tmp_path: Path, expected: Run) -> None:
    cache = tmp_path / "cache"
    faq(*QUERY)
    path = _index_file(cache)
    path.unlink()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE something(other)")
    db.commit()
    db.close()
    _same(faq(*QUERY), expected)
    _assert_clean(cache)


def test_an_index_damaged_while_in_use_falls_back_to_the_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The damage shows only once entries are read: the lookup switches to the YAML files."""
    from faq_cli import query
    from faq_cli.catalogue.merge import load_catalogue

    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    index.load([str(DATA)])  # builds
    catalogue = index.load([str(DATA)])  # opens the built index, reading pages as it needs them
    path = _index_file(tmp_path / "cache")
    with open(path, "r+b") as handle:  # in place, under the open connection
        handle.seek(4096)
        handle.write(b"\xff" * (path.stat().st_size - 4096))
    plain = load_catalogue([str(DATA)])
    person = plain.people["alekseyev"]
    assert query.profile(catalogue, catalogue.people["alekseyev"]) == query.profile(plain, person)
    assert list(catalogue.incidents) == list(plain.incidents)
    assert isinstance(catalogue.index, index.Store) and catalogue.index.memory is not None  # the damage was met


ASKED = ("who is alekseyev", "waht happend to alekseev", "abudhabi talks", "weather in moscow", "Кириллов")


def _answers(catalogue: Any) -> list[object]:
    """What `ask` answers to ASKED, less the Markdown tokens an index adds for the renderer."""
    from faq_cli import query

    return [query.ask(catalogue, q, top=5)._replace(parsed={}) for q in ASKED]


def test_the_stored_search_rows_answer_as_the_yaml_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Search's structures are stored with the index, a row per term and per entry: every answer is the same."""
    from faq_cli.catalogue.merge import load_catalogue
    from faq_cli.cli.commands import derivers

    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    plain = load_catalogue([str(DATA)])
    first = index.load([str(DATA)], derivers=derivers())  # builds, the search rows with it
    assert _answers(first) == _answers(plain)
    db = sqlite3.connect(_index_file(tmp_path / "cache"))
    assert db.execute("SELECT count(*) FROM derived WHERE name = 'search' AND key LIKE 't/%'").fetchone()[0] > 100
    db.close()
    stored = index.load([str(DATA)], derivers=derivers())  # reads them back
    assert _answers(stored) == _answers(plain)


@pytest.mark.parametrize("damage", ["'not a posting'", "x'00ff'", "'1:2'"])
def test_search_rows_damaged_while_in_use_fall_back_to_the_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    from faq_cli.catalogue.merge import load_catalogue
    from faq_cli.cli.commands import derivers

    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    catalogue = index.load([str(DATA)], derivers=derivers())
    db = sqlite3.connect(_index_file(tmp_path / "cache"))
    db.execute(f"UPDATE derived SET value = {damage} WHERE name = 'search' AND key NOT LIKE 'meta'")
    db.commit()
    db.close()
    plain = load_catalogue([str(DATA)])
    assert _answers(catalogue) == _answers(plain)


def test_a_missing_cache_directory_is_created(faq: Callable[..., Run], tmp_path: Path, expected: Run) -> None:
    cache = tmp_path / "deep" / "er" / "cache"
    _same(faq(*QUERY, env={"FAQ_CLI_CACHE_DIR": str(cache)}), expected)
    assert _index_file(cache).stat().st_size > 0


def test_a_cache_path_under_a_regular_file_is_ignored(faq: Callable[..., Run], tmp_path: Path, expected: Run) -> None:
    regular = tmp_path / "a-file"
    regular.write_text("not a directory\n")
    for _ in range(2):
        _same(faq(*QUERY, env={"FAQ_CLI_CACHE_DIR": str(regular / "x")}), expected)
    assert regular.read_text() == "not a directory\n"


def test_an_index_path_taken_by_a_directory_is_ignored(faq: Callable[..., Run], tmp_path: Path, expected: Run) -> None:
    cache = tmp_path / "cache"
    faq(*QUERY)
    path = _index_file(cache)
    path.unlink()
    path.mkdir()
    run = faq(*QUERY)
    assert (run.status, run.out) == (0, expected.out)
    assert run.err.count("\n") == 1 and f"ignoring the index {path}: it is not a regular file" in run.err
    _assert_clean(cache)


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root writes through permissions")
def test_a_read_only_cache_directory_is_used_without_writing(faq: Callable[..., Run], tmp_path: Path, expected: Run) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o555)
    try:
        _same(faq(*QUERY), expected)
        assert list(cache.iterdir()) == []
    finally:
        cache.chmod(0o755)


def test_an_unwritable_cache_directory_costs_only_speed(
    faq: Callable[..., Run], tmp_path: Path, expected: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Creating the temporary index fails (as in a read-only directory, even for root)."""
    import tempfile

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    _same(faq(*QUERY), expected)
    _assert_clean(tmp_path / "cache")


def test_a_stale_index_in_a_read_only_directory_is_updated_in_memory(
    faq: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    faq("--data", str(data), "people")
    people = data / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("Vladimir Alekseyev", "Vladimir Z. Alekseyev"), encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    run = faq("--data", str(data), "profile", "alekseyev")
    assert run.status == 0 and "Vladimir Z. Alekseyev" in run.out and run.err == ""


@pytest.mark.parametrize("where", ["insert", "sync", "rename"])
def test_a_full_disk_during_the_build_leaves_no_partial_index(
    faq: Callable[..., Run], tmp_path: Path, expected: Run, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    full = OSError(errno.ENOSPC, "No space left on device")
    if where == "insert":
        original = build._insert_file
        calls: list[sqlite3.Connection] = []

        def insert(db: sqlite3.Connection, *args: object) -> None:
            if not calls:  # the first (on-disk) build runs out of space; the in-memory retry does not
                calls.append(db)
                raise sqlite3.OperationalError("database or disk is full")
            original(db, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(build, "_insert_file", insert)
    elif where == "sync":

        def sync(path: Path) -> None:
            raise full

        monkeypatch.setattr(cache_files, "sync", sync)
    else:

        def replace(src: object, dst: object) -> None:
            raise full

        monkeypatch.setattr(build.os, "replace", replace)
    _same(faq(*QUERY), expected)
    cache = tmp_path / "cache"
    assert [p.name for p in cache.iterdir()] == []


def _tiny_tmpfs(mountpoint: Path) -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    mountpoint.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mountpoint)], capture_output=True)
    return result.returncode == 0


def test_a_really_full_disk(faq_process: Callable[..., Run], tmp_path: Path, expected: Run) -> None:
    """A 64 KB file system: the index cannot fit, the answer still comes."""
    mountpoint = tmp_path / "tiny"
    if not _tiny_tmpfs(mountpoint):
        pytest.skip("needs root and a mountable tmpfs")
    try:
        run = faq_process(*QUERY, env={"FAQ_CLI_CACHE_DIR": str(mountpoint / "cache")})
        _same(run, expected)
        assert [p.name for p in (mountpoint / "cache").iterdir()] == []
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)


def test_stale_temporary_files_are_swept(faq: Callable[..., Run], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    old = cache / ".catalogue-0123.abcd.tmp"
    old.write_bytes(b"left by a killed build")
    os.utime(old, (0, 0))
    young = cache / ".catalogue-0123.efgh.tmp"
    young.write_bytes(b"a build in progress elsewhere")
    assert faq(*QUERY).status == 0
    assert not old.exists()
    assert young.exists()


def test_processes_building_at_once_all_answer(tmp_path: Path) -> None:
    """Several processes find no index and build it together: every one answers, one whole index remains."""
    data = tmp_path / "data"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "2000", str(data)], check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_CLI_DATA", "NO_COLOR")}
    env.update({"FAQ_CLI_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"})
    command = [sys.executable, "-m", "faq_cli", "--data", str(data), "incidents", "--json", "--year", "1990"]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    assert all(err == b"" for _, err in results)
    assert len({out for out, _ in results}) == 1
    _assert_clean(tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("*.sqlite"))) == 1
    again = subprocess.run(command, capture_output=True, env=env, cwd=tmp_path, check=True)
    assert again.stdout == results[0][0]


def test_the_stored_name_table_reads_back_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The people's names `profile` and `--person` match against are stored in a plain form of their own."""
    import json

    from faq_cli import query
    from faq_cli.catalogue.merge import load_catalogue
    from faq_cli.text import names

    table = names.name_table(load_catalogue([str(DATA)]))
    assert names.NameTable.unpack(json.loads(json.dumps(table.pack()))) == table
    assert "alekseyev" in table.ids and any(k.startswith("vladimir aleks") for k in table.names_of(table.ids.index("alekseyev")))
    damaged: Any
    for damaged in ([], [""] * 3, [*table.pack()[:-1], "x\ny"], [1] * 7, {}):
        with pytest.raises(ValueError):
            names.NameTable.unpack(damaged)
    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(names, "RANK_WHOLE", 0)  # the bundled catalogue is small: shortlist it anyway
    plain = load_catalogue([str(DATA)])
    from faq_cli.cli.commands import derivers

    for name in ("alekseev", "Кириллов", "kirilov", "nobody at all"):
        first = query.find_person(index.load([str(DATA)], derivers=derivers()), name)  # stores the names
        again = query.find_person(index.load([str(DATA)], derivers=derivers()), name)  # reads them back
        assert first == again == query.find_person(plain, name), name
    db = sqlite3.connect(_index_file(tmp_path / "cache"))
    stored = db.execute("SELECT value FROM derived WHERE name = 'people-names' AND key = 'table'").fetchone()[0]
    db.close()
    assert names.NameTable.unpack(json.loads(stored)) == table
