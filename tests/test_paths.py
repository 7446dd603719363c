"""Every file name and every depth is handled: a located error or an answer, never a crash (issue 20, items 4, 5, 11)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from faq_cli.catalogue.files import MAX_DEPTH

from conftest import DATA, Run

BAD_NAME = b"\xff\xfeevents.yaml"  # Latin-1 or CP1251 bytes, as an old archive unpacks them


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_read(faq_process: Callable[..., Run], catalogue_copy: Path) -> None:
    os.rename(catalogue_copy / "events.yaml", os.path.join(os.fsencode(catalogue_copy), BAD_NAME))
    for _ in range(2):  # building the index, then from it
        run = faq_process("--data", str(catalogue_copy), "timeline", "--json", "--year", "2025")
        assert run.status == 0, run.err
        assert any(item["type"] == "event" for item in json.loads(run.out))
        assert run.err == ""


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses names that are not UTF-8")
def test_a_problem_in_a_file_whose_name_is_not_utf8_is_located_with_the_name_escaped(
    faq_process: Callable[..., Run], catalogue_copy: Path
) -> None:
    broken = os.path.join(os.fsencode(catalogue_copy), b"bad\xfe.yaml")
    with open(broken, "w", encoding="utf-8") as handle:
        handle.write("questions:\n  - id: x\n    anwser: y\n")
    shown = f"{catalogue_copy}/bad\\xfe.yaml"
    run = faq_process("--data", str(catalogue_copy), "people")
    assert run.status == 2
    assert run.err.startswith(f"faq: {shown}:2:5: ") and run.err.count("\n") == 1
    run = faq_process("validate", str(catalogue_copy))
    assert run.status == 1
    assert f"{shown}:3:5: unknown field 'anwser'" in run.out
    run = faq_process("validate", "--json", str(catalogue_copy))
    assert run.status == 1
    assert {p["path"] for p in json.loads(run.out)} == {shown}


def test_a_directory_nested_a_thousand_deep_is_a_located_problem(faq_process: Callable[..., Run], catalogue_copy: Path) -> None:
    levels = [str(catalogue_copy) + "/d" * n for n in range(1, 1001)]
    for level in levels:  # one at a time: Path.mkdir(parents=True) recurses too
        os.mkdir(level)
    with open(levels[-1] + "/more.yaml", "w", encoding="utf-8") as handle:
        handle.write("people: []\n")
    try:
        where = str(catalogue_copy / "/".join(["d"] * (MAX_DEPTH + 1)))
        run = faq_process("--data", str(catalogue_copy), "people")
        assert run.status == 2
        assert run.err == f"faq: {where}: a directory nested more than {MAX_DEPTH} levels deep is not read; move its files up\n"
        run = faq_process("validate", str(catalogue_copy))
        assert run.status == 1 and where in run.out
    finally:  # pytest's own clean-up (shutil.rmtree) would recurse a thousand deep
        os.remove(levels[-1] + "/more.yaml")
        for level in reversed(levels):
            os.rmdir(level)


def test_a_directory_within_the_limit_is_read(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    deep = catalogue_copy / "/".join(["d"] * MAX_DEPTH)
    deep.mkdir(parents=True)
    (deep / "more.yaml").write_text("people:\n  - id: deep-person\n    name: Dora Deep\n", encoding="utf-8")
    run = faq("--data", str(catalogue_copy), "people", "--json")
    assert run.status == 0 and "deep-person" in [p["id"] for p in json.loads(run.out)]


def test_a_path_too_long_is_named_with_exit_2(faq_process: Callable[..., Run], tmp_path: Path) -> None:
    long_path = str(tmp_path / ("a" * 300) / ("b" * 5000))
    run = faq_process("--data", long_path, "people")
    assert run.status == 2
    assert run.err == f"faq: {long_path}: cannot read: File name too long\n"
    run = faq_process("validate", long_path)
    assert run.status == 1 and f"{long_path}: cannot read: File name too long" in run.out
    run = faq_process("init", long_path)
    assert run.status == 2 and run.err.startswith(f"faq: cannot create {long_path}: File name too long")


def test_init_with_an_empty_name_writes_nothing(faq_process: Callable[..., Run], tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    run = faq_process("init", "")
    assert run.status == 2
    assert run.err == "faq: DIR must not be empty; write '.' for the current directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # faq_process runs in tmp_path
