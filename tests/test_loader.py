"""The loader: untrusted YAML in, plain text values with their lines out; files merged in order."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from faq_cli.catalogue import yamlfile
from faq_cli.catalogue.merge import load_catalogue
from faq_cli.catalogue.yamlfile import LocList, LocMap, parse_file
from faq_cli.errors import CatalogueError, Problem

from conftest import Run

SOURCE = "sources:\n  - id: wire\n    title: A wire report\n    publisher: Wire\n    date: 2025-12-22\n"


def _parse(tmp_path: Path, text: str | bytes, name: str = "c.yaml") -> yamlfile.ParsedFile:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return parse_file(path)


def test_scalars_stay_the_text_written(tmp_path: Path) -> None:
    parsed = _parse(
        tmp_path,
        "a: NO\nb: on\nc: 1.10\nd: 012\ne: 12:30\nf: 2025-12-22\ng: 0x1F\nh: .inf\ni: 'null'\nj: ~\nk:\nl: null\nm: ''\n",
    )
    assert parsed.problems == []
    assert dict(parsed.data or {}) == {
        "a": "NO",
        "b": "on",
        "c": "1.10",
        "d": "012",
        "e": "12:30",
        "f": "2025-12-22",
        "g": "0x1F",
        "h": ".inf",
        "i": "null",  # quoted: the word, not nothing
        "j": None,
        "k": None,
        "l": None,
        "m": "",
    }


def test_values_remember_their_lines_and_columns(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, "# comment\nsources:\n  - id: wire\n    title: [a, b]\n")
    data = parsed.data
    assert isinstance(data, LocMap)
    assert data.key_marks["sources"] == (2, 1)
    sources = data["sources"]
    assert isinstance(sources, LocList) and sources.item_marks == [(3, 5)]
    entry = sources[0]
    assert isinstance(entry, LocMap)
    assert (entry.key_marks["title"], entry.value_marks["title"]) == ((4, 5), (4, 12))
    title = entry["title"]
    assert isinstance(title, LocList) and title.item_marks == [(4, 13), (4, 16)]


def test_each_use_of_an_alias_is_its_own_copy_located_at_the_alias(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, "a: &x {k: [v]}\nb: *x\n")
    data = parsed.data
    assert data is not None
    first, second = data["a"], data["b"]
    assert first == second and first is not second
    assert isinstance(second, LocMap) and second.mark == (2, 4) and second.value_marks["k"] == (2, 4)
    assert isinstance(first, LocMap) and first.value_marks["k"] == (1, 11)


def test_an_aliased_mapping_validates_in_every_place_it_is_used(tmp_path: Path) -> None:
    """Validation converts values in place: a shared object would be checked twice and fail the second time."""
    path = tmp_path / "c.yaml"
    people = "people:\n  - {id: a, name: A, status: &s {state: alive, as_of: 2024}}\n  - {id: b, name: B, status: *s}\n"
    path.write_text(people)
    catalogue = load_catalogue([str(path)])
    status_a, status_b = catalogue.people["a"].status, catalogue.people["b"].status
    assert status_a is not None and status_b is not None
    assert status_a.as_of.iso() == status_b.as_of.iso() == "2024"


@pytest.mark.parametrize(("depth", "ok"), [(yamlfile.MAX_DEPTH, True), (yamlfile.MAX_DEPTH + 1, False)])
def test_nesting_is_bounded_at_max_depth(tmp_path: Path, depth: int, ok: bool) -> None:
    # the top-level mapping is one level; the lists make up the rest
    text = "a:\n" + "".join("  " * (i + 1) + "-\n" for i in range(depth - 1))
    problems = _parse(tmp_path, text).problems
    assert (problems == []) is ok
    if not ok:
        assert problems[0].message == f"nesting deeper than {yamlfile.MAX_DEPTH} levels"


def test_alias_expansion_is_bounded(tmp_path: Path) -> None:
    wide = yamlfile.MAX_ALIAS_EXPANSION // 10
    fine = "a: &a [" + ", ".join(["x"] * 10) + "]\nb: [" + ", ".join(["*a"] * (wide // 11)) + "]\n"
    assert _parse(tmp_path, fine).problems == []
    bomb = "a: &a [" + ", ".join(["x"] * 10) + "]\nb: [" + ", ".join(["*a"] * (wide + 1)) + "]\n"
    (problem,) = _parse(tmp_path, bomb).problems
    assert problem.line == 2 and "aliases expand to more than" in problem.message


def test_file_size_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "MAX_FILE_BYTES", 100)
    (problem,) = _parse(tmp_path, SOURCE + "#" * 100).problems
    assert problem.message == f"file too large ({len(SOURCE) + 100} bytes; the limit is 100)"
    assert _parse(tmp_path, "a: b\n").problems == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xef\xbb\xbfa: b\n", None),
        (b"\xff\xfea\x00:\x00", "file is UTF-16; catalogue files must be UTF-8"),
        (b"\xff\xfe\x00\x00a\x00\x00\x00", "file is UTF-32; catalogue files must be UTF-8"),
        (b"a: caf\xe9\n", "not valid UTF-8 (byte 0xe9); save the file as UTF-8"),
        (b"a: b\nc: \xc3\x28\n", "not valid UTF-8 (byte 0xc3); save the file as UTF-8"),
    ],
)
def test_strict_utf8_with_an_optional_bom(tmp_path: Path, raw: bytes, message: str | None) -> None:
    problems = _parse(tmp_path, raw).problems
    assert [p.message for p in problems] == ([message] if message else [])


def test_an_invalid_byte_is_located_at_its_line_and_column(tmp_path: Path) -> None:
    (problem,) = _parse(tmp_path, b"a: b\nc: \xc3\x28\n").problems
    assert (problem.line, problem.column) == (2, 4)


def test_parser_messages_quote_no_control_characters(tmp_path: Path) -> None:
    (problem,) = _parse(tmp_path, 'a: "\x1b[31m\n').problems  # an ESC inside an unclosed quote
    assert "\x1b" not in problem.message and problem.message.isprintable()


def test_problem_prints_as_path_line_column_message() -> None:
    assert str(Problem("a.yaml", 3, 7, "bad")) == "a.yaml:3:7: bad"
    assert str(Problem("a.yaml", 0, 0, "no such file or directory")) == "a.yaml: no such file or directory"
    assert Problem("a.yaml", 3, 7, "bad").to_json() == {"path": "a.yaml", "line": 3, "column": 7, "message": "bad"}


# ---- merging files ------------------------------------------------------------------------------------


def _catalogue_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


QUESTION = "questions:\n  - id: {id}\n    question: Question {id}?\n    answer: Answer.\n    sources: [wire]\n"


def test_a_section_may_be_split_across_files_and_directories(tmp_path: Path) -> None:
    folder = _catalogue_dir(
        tmp_path,
        {
            "sources.yaml": SOURCE,
            "q/one.yaml": QUESTION.format(id="one"),
            "q/two.yml": QUESTION.format(id="two"),
            "q/.hidden.yaml": "this: is skipped\n",
            "notes.txt": "not yaml\n",
        },
    )
    catalogue = load_catalogue([str(folder)])
    assert list(catalogue.questions) == ["one", "two"]


def test_data_paths_merge_in_order(faq: Callable[..., Run], tmp_path: Path) -> None:
    a = _catalogue_dir(tmp_path / "a", {"s.yaml": SOURCE, "q.yaml": QUESTION.format(id="first")})
    b = _catalogue_dir(tmp_path / "b", {"q.yaml": QUESTION.format(id="second")})
    by_option = faq("--data", str(a), "--data", str(b), "questions", "--json")
    by_env = faq("questions", "--json", env={"FAQ_CLI_DATA": f"{a}:{b}"})
    for run in (by_option, by_env):
        assert run.status == 0, run.err
        assert [q["id"] for q in json.loads(run.out)] == ["first", "second"]
    assert faq("--data", str(b), "questions").status == 2  # alone, b cites a source it lacks


def test_an_id_defined_in_two_files_names_both(tmp_path: Path) -> None:
    folder = _catalogue_dir(tmp_path, {"a.yaml": SOURCE, "b.yaml": SOURCE})
    with pytest.raises(CatalogueError) as refused:
        load_catalogue([str(folder)])
    (problem,) = refused.value.problems
    assert str(problem) == f"{folder / 'b.yaml'}:2:9: duplicate source id 'wire' (first at {folder / 'a.yaml'}:2)"


def test_catalogue_info_given_twice_names_both(tmp_path: Path) -> None:
    folder = _catalogue_dir(tmp_path, {"a.yaml": "catalogue:\n  name: A\n", "b.yaml": "catalogue:\n  name: B\n"})
    with pytest.raises(CatalogueError) as refused:
        load_catalogue([str(folder)])
    (problem,) = refused.value.problems
    assert (problem.path, problem.line) == (str(folder / "b.yaml"), 2)
    assert f"first at {folder / 'a.yaml'}:2" in problem.message


def test_problems_come_sorted_by_file_and_line(tmp_path: Path) -> None:
    folder = _catalogue_dir(
        tmp_path,
        {
            "b.yaml": SOURCE.replace("2025-12-22", "2025-13") + "questoins: []\n",
            "a.yaml": "people:\n  - id: x\n    nam: X\n",
        },
    )
    with pytest.raises(CatalogueError) as refused:
        load_catalogue([str(folder)])
    where = [(Path(p.path).name, p.line) for p in refused.value.problems]
    assert where == sorted(where)
    assert len(where) == 3


ROOT = Path(__file__).resolve().parent.parent
EVERY_FILE = sorted(
    p for folder in ("data", "tests/fixtures", "bench/catalogues") for p in (ROOT / folder).rglob("*.y*ml") if p.is_file()
)


@pytest.mark.parametrize("path", EVERY_FILE, ids=lambda p: str(p.relative_to(ROOT)))
def test_reading_entry_by_entry_gives_what_reading_whole_gives(path: Path) -> None:
    """The index reads a file an entry at a time (so a 100 MB file is never held whole): the same problems,
    references and entries as reading it whole, for every good and broken file there is."""
    from faq_cli.catalogue import model
    from faq_cli.catalogue.merge import EntryReader, build_entry, file_refs, read_file

    whole = read_file(path)
    refs = file_refs(whole)
    reader = EntryReader(path)
    read = list(reader)
    assert reader.problems == whole.problems
    if reader.failed:  # what was read before the file failed counts for nothing, as when it is read whole
        assert (refs.load(), refs.info, refs.synonyms) == ([], [], [])
    else:
        assert [r for r, _ in read] == refs.load()
        assert (reader.info, reader.synonyms) == (refs.info, refs.synonyms)
        assert (reader.choices, reader.skipped) == (refs.choices, refs.skipped)
    if not whole.problems:
        built = [build_entry(s, e) for s in model.ENTRY_SECTIONS for e in whole.sections.get(s) or ()]
        assert sorted(map(repr, (e for _, e in read))) == sorted(map(repr, built))


VOCABULARY_AND_SKIPS = {
    "compose.yaml": "services:\n  web:\n    image: nginx\nvolumes: [a, b]\n",
    "late-section.yaml": "notes: x\nsources:\n  - id: s\n    title: T\n    publisher: P\n    date: 2024\n",
    "typo.yaml": "incidnets: []\n",
    "vocabulary.yaml": (
        "vocabulary:\n  outcome: [fined]\nincidents:\n  - id: i\n    date: 2024\n    title: T\n    kind: theft\n"
        "    place: P\n    sources: [s]\n    people:\n      - person: p\n        role: thief\n        outcome: fined\n"
    ),
}


@pytest.mark.parametrize("name", sorted(VOCABULARY_AND_SKIPS))
def test_entry_by_entry_skips_and_reads_vocabulary_as_whole(tmp_path: Path, name: str) -> None:
    """Issue 17's rules read through issue 20's reader: a file of no section is skipped (whatever comes first, an
    unknown key is a problem only in a catalogue file), vocabulary and choice values are kept, entries carry
    their layer."""
    from faq_cli.catalogue.merge import EntryReader, file_refs, read_file

    path = tmp_path / name
    path.write_text(VOCABULARY_AND_SKIPS[name], encoding="utf-8")
    whole = read_file(path)
    refs = file_refs(whole)
    reader = EntryReader(path, layer="mine")
    read = list(reader)
    assert reader.problems == whole.problems
    assert [r for r, _ in read] == refs.load()
    assert (reader.choices, reader.skipped, reader.info) == (refs.choices, refs.skipped, refs.info)
    assert all(e is None or e.catalogue == "mine" for _, e in read)
    assert (reader.skipped is not None) == (name == "compose.yaml")
