"""The compiled index: built on first use, refreshed per changed file, and never changing an answer."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from faq_cli.catalogue import merge as catalogue_module
from faq_cli.errors import CatalogueError

from conftest import DATA, ROOT, Run

# Commands whose JSON must be the same from the index and from a fresh YAML load.
COMMANDS = [
    ("ask", "--json", "who is alekseyev"),
    ("ask", "--json", "--top", "5", "who shot the general in moscow"),
    ("ask", "--json", "how many people live in russia"),
    ("ask", "--json", "3"),
    ("questions", "--json"),
    ("questions", "--json", "--tag", "gru"),
    ("incidents", "--json"),
    ("incidents", "--json", "--year", "2025"),
    ("incidents", "--json", "--since", "2025-04", "--until", "2025-12"),
    ("incidents", "--json", "--person", "alexeyev"),
    ("incidents", "--json", "--kind", "car-bomb", "--reverse"),
    ("incident", "--json", "kirillov"),
    ("incident", "--json", "balashikha car bomb"),
    ("timeline", "--json"),
    ("timeline", "--json", "--year", "2023"),
    ("timeline", "--json", "--year", "2025", "--year", "2026"),
    ("timeline", "--json", "--person", "Алексеев"),
    ("profile", "--json", "alekseyev"),
    ("profile", "--json", "kirilov"),
    ("profile", "--json", "nobody at all"),
    ("people", "--json"),
    ("sources", "--json"),
]


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled catalogue, to edit."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the files the loader parses, call by call."""
    seen: list[str] = []

    class Counting(catalogue_module.EntryReader):
        def __init__(self, path: Path, display: str | None = None, layer: str = "") -> None:
            seen.append(Path(path).name)
            super().__init__(path, display, layer)

    monkeypatch.setattr(catalogue_module, "EntryReader", Counting)
    yield seen


def _without_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve commands from a plain in-memory load, as before the index existed."""
    monkeypatch.setattr(
        "faq_cli.store.load", lambda paths, progress=None, derivers=None, notice=None: catalogue_module.load_catalogue(paths)
    )


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_index_gives_the_same_answers_as_reading_the_yaml(
    faq: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    first = faq(*args)  # builds the index
    warm = faq(*args)  # served from it
    _without_index(monkeypatch)
    plain = faq(*args)
    assert (warm.status, warm.out) == (plain.status, plain.out)
    assert (first.status, first.out) == (plain.status, plain.out)
    json.loads(warm.out)


def test_index_is_built_on_first_use_in_the_cache_dir(faq: Callable[..., Run], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert not cache.exists()
    assert faq("incidents", "--year", "2025").status == 0
    assert [p.suffix for p in cache.iterdir()] == [".sqlite"]


def test_a_fresh_index_parses_nothing(faq: Callable[..., Run], catalogue_copy: Path, parsed: list[str]) -> None:
    assert faq("--data", str(catalogue_copy), "people").status == 0
    assert sorted(parsed) == sorted(p.name for p in catalogue_copy.iterdir())
    parsed.clear()
    assert faq("--data", str(catalogue_copy), "people").status == 0
    assert parsed == []


def test_editing_one_file_parses_only_that_file(faq: Callable[..., Run], catalogue_copy: Path, parsed: list[str]) -> None:
    faq("--data", str(catalogue_copy), "people")
    parsed.clear()
    people = catalogue_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("Vladimir Alekseyev", "Vladimir Q. Alekseyev"), encoding="utf-8")
    run = faq("--data", str(catalogue_copy), "profile", "--json", "alekseyev")
    assert run.status == 0
    assert json.loads(run.out)["name"] == "Vladimir Q. Alekseyev"
    assert parsed == ["people.yaml"]


def test_a_touched_but_unchanged_file_is_not_parsed_again(
    faq: Callable[..., Run], catalogue_copy: Path, parsed: list[str]
) -> None:
    faq("--data", str(catalogue_copy), "people")
    parsed.clear()
    events = catalogue_copy / "events.yaml"
    stat = events.stat()
    os.utime(events, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert faq("--data", str(catalogue_copy), "people").status == 0
    assert parsed == []


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    """A same-size edit within the same clock tick as the build must not be missed."""
    questions = catalogue_copy / "questions.yaml"
    os.utime(questions)  # written just now, as an editor would
    stat = questions.stat()
    assert faq("--data", str(catalogue_copy), "ask", "--json", "who is alekseyev").status == 0
    text = questions.read_text(encoding="utf-8")
    questions.write_text(text.replace("Who is Vladimir Alekseyev?", "Who is Vladimir Alekseyew?"), encoding="utf-8")
    os.utime(questions, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert questions.stat().st_size == stat.st_size
    run = faq("--data", str(catalogue_copy), "ask", "--json", "who-is-alekseyev")
    assert json.loads(run.out)["match"]["question"] == "Who is Vladimir Alekseyew?"


def test_added_and_removed_files_are_seen(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    faq("--data", str(catalogue_copy), "people")
    extra = catalogue_copy / "more.yaml"
    extra.write_text("people:\n  - id: new-person\n    name: Zinaida Newcomer\n", encoding="utf-8")
    run = faq("--data", str(catalogue_copy), "people", "--json")
    assert "new-person" in [p["id"] for p in json.loads(run.out)]
    extra.unlink()
    run = faq("--data", str(catalogue_copy), "people", "--json")
    assert "new-person" not in [p["id"] for p in json.loads(run.out)]


def test_an_invalid_catalogue_stays_invalid_without_parsing_again(
    faq: Callable[..., Run], catalogue_copy: Path, parsed: list[str]
) -> None:
    incidents = catalogue_copy / "incidents.yaml"
    incidents.write_text(
        incidents.read_text(encoding="utf-8").replace("sources: [reuters-2024-12-17", "sources: [nowhere-1"), encoding="utf-8"
    )
    first = faq("--data", str(catalogue_copy), "incidents")
    parsed.clear()
    again = faq("--data", str(catalogue_copy), "incidents")
    assert first.status == again.status == 2
    assert "incidents.yaml:" in again.err and "unknown source 'nowhere-1'" in again.err
    assert again.err == first.err
    assert parsed == []


def test_a_broken_file_elsewhere_is_still_reported_after_an_unrelated_edit(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    (catalogue_copy / "broken.yaml").write_text("people:\n  - id: Bad Id\n    name: x\n", encoding="utf-8")
    assert faq("--data", str(catalogue_copy), "people").status == 2
    events = catalogue_copy / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    run = faq("--data", str(catalogue_copy), "people")
    assert run.status == 2
    assert "broken.yaml:2:" in run.err


def test_duplicate_ids_across_files_are_found_from_the_index(faq: Callable[..., Run], catalogue_copy: Path) -> None:
    faq("--data", str(catalogue_copy), "people")
    (catalogue_copy / "dup.yaml").write_text("people:\n  - id: kirillov\n    name: Another Kirillov\n", encoding="utf-8")
    run = faq("--data", str(catalogue_copy), "people")
    assert run.status == 2
    assert "duplicate person id 'kirillov'" in run.err


def test_an_edit_rechecks_the_references_and_ids_of_files_not_parsed_again(
    faq: Callable[..., Run], catalogue_copy: Path, parsed: list[str]
) -> None:
    """A person renamed in one file leaves references elsewhere unknown; a new first file makes an old id a repeat.

    Both are reported in the files that were not parsed again, exactly as a plain load reports them.
    """
    faq("validate", str(catalogue_copy))
    people = catalogue_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("  - id: kirillov\n", "  - id: kirilov\n"), encoding="utf-8")
    first = catalogue_copy / "a-first.yaml"
    first.write_text("sources:\n  - id: reuters-2024-12-17\n    title: T\n    publisher: P\n    date: 2024\n", encoding="utf-8")
    parsed.clear()
    run = faq("validate", "--json", str(catalogue_copy))
    assert run.status == 1
    assert sorted(parsed) == ["a-first.yaml", "people.yaml"]
    problems = json.loads(run.out)
    found = {(Path(p["path"]).name, p["message"]) for p in problems}
    assert ("incidents.yaml", "unknown person 'kirillov' (did you mean 'kirilov'?)") in found
    assert ("sources.yaml", f"duplicate source id 'reuters-2024-12-17' (first at {first}:2)") in found
    with pytest.raises(CatalogueError) as plain:
        catalogue_module.load_catalogue([str(catalogue_copy)])
    assert [p.to_json() for p in plain.value.problems] == problems


def _warm_imports(tmp_path: Path, *args: str) -> set[str]:
    """The modules a warm `faq ARGS` imports (the index built by a first run), from -X importtime."""
    env = {k: v for k, v in os.environ.items() if k != "FAQ_CLI_DATA"}
    env["FAQ_CLI_CACHE_DIR"] = str(tmp_path / "cache")
    command = [sys.executable, "-X", "importtime", "-m", "faq_cli", *args]
    subprocess.run(command, capture_output=True, env=env, check=False, cwd=ROOT)
    warm = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=ROOT)
    assert warm.returncode in (0, 1), warm.stderr[-500:]  # an answer, or none good enough: no fault
    return {line.rsplit("|", 1)[-1].strip() for line in warm.stderr.splitlines() if line.startswith("import time:")}


def test_a_fresh_index_does_not_import_yaml(tmp_path: Path) -> None:
    imported = _warm_imports(tmp_path, "incidents", "--json", "--year", "2025")
    assert "yaml" not in imported
    assert "rich.markdown" not in imported
    assert "rapidfuzz" not in imported  # incidents match no text
    assert "faq_cli.store" in imported
    assert "faq_cli.store.build" not in imported  # a fresh index is read, never built


def test_an_ascii_query_as_json_loads_neither_rich_nor_the_transliteration_table(tmp_path: Path) -> None:
    ascii_query = _warm_imports(tmp_path, "ask", "--json", "who is alekseyev")
    assert not {"anyascii", "rich.console", "rich.markdown", "faq_cli.stats", "yaml"} & ascii_query
    for query in ("кто такой Алексеев", "who is Alekséyev — the GRU’s general"):  # read without anyascii
        imported = _warm_imports(tmp_path, "ask", "--json", query)
        assert "anyascii" not in imported
    assert "anyascii" in _warm_imports(tmp_path, "ask", "--json", "who is alekseyev ά")  # Greek: through anyascii


def test_progress_bar_is_shown_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from faq_cli.render.progress import index_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert index_progress(delay=0) is None
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    update = index_progress(delay=0)
    assert update is not None
    update(1, 3)
    update(3, 3)
    assert "indexing the catalogue" in screen.getvalue()


def test_index_survives_the_cli_running_commands_back_to_back(faq: Callable[..., Run]) -> None:
    """Many calls in one process (as a test runner or a REPL makes) keep answering from the index."""
    for _ in range(3):
        assert faq("profile", "--json", "moskalik").status == 0


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A generated catalogue of 3,000 incidents (300 people), and the generator's names for it."""
    generate = _generator()
    folder = tmp_path_factory.mktemp("synthetic")
    generate.write(3000, folder)
    return folder, generate.Catalogue(3000)


def test_indexed_lookups_on_a_large_catalogue_match_a_plain_load(
    faq: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, synthetic: tuple[Path, Any]
) -> None:
    """Above RANK_WHOLE entries, people and incidents are ranked from shortlists only: same answers."""
    folder, generated = synthetic
    monkeypatch.setattr("faq_cli.store.read.RANK_WHOLE", 50)
    monkeypatch.setattr("faq_cli.text.names.RANK_WHOLE", 50)
    latin, cyrillic, alias = generated.names[17]
    surname = latin.split()[1]
    commands = [
        ("profile", "--json", surname),
        ("profile", "--json", cyrillic),
        ("profile", "--json", alias.lower()),
        ("profile", "--json", f"general {surname}"),
        ("profile", "--json", f"{latin.split()[0]} {surname}"),
        ("profile", "--json", surname[:-1] + "x" + surname[-1]),  # a typo
        ("ask", "--json", f"who is {latin}"),
        ("ask", "--json", "--top", "5", f"what is known about the sanctions of {alias}"),
        ("incidents", "--json", "--year", "1975"),
        ("incidents", "--json", "--year", "2001", "--year", "2003", "--kind", "arson"),
        ("incidents", "--json", "--since", "2020-02", "--until", "2020-03-15"),
        ("incidents", "--json", "--person", surname),
        ("timeline", "--json", "--year", "1999"),
        ("timeline", "--json", "--person", latin),
        ("incident", "--json", "incident-42"),
        ("incident", "--json", "incident 42"),
    ]
    indexed = [faq("--data", str(folder), *args) for args in commands]
    _without_index(monkeypatch)
    plain = [faq("--data", str(folder), *args) for args in commands]
    for args, a, b in zip(commands, indexed, plain, strict=True):
        assert (a.status, a.out) == (b.status, b.out), args
    assert any(json.loads(a.out) for a in indexed if a.status == 0)


def test_the_people_shortlist_loses_no_one_that_ranking_everyone_would_show(
    monkeypatch: pytest.MonkeyPatch, synthetic: tuple[Path, Any]
) -> None:
    """`profile NAME` in a large catalogue scores only a shortlist of the people: what it shows (the person,
    every close match, or the three closest) must score exactly as ranking all 300 people does; only
    which of several equal scores makes the cut may differ."""
    from faq_cli import query
    from faq_cli.catalogue.merge import load_catalogue
    from faq_cli.text import names

    folder, generated = synthetic
    plain = load_catalogue([str(folder)])
    queries = ["nobody at all", "general", "ivanov petrov sidorov", "x"]
    for latin, cyrillic, alias in generated.names[::7]:
        first, surname = latin.split()[0], latin.split()[-1]
        queries += [latin, cyrillic, alias, surname, f"{surname} {first}", f"general {surname}", first[:3] + " " + surname]
        typos = [surname[:-2] + surname[-1:], surname[:2] + "q" + surname[2:], latin.lower().replace("a", "o")]
        queries += [*typos, f"{first} Zzyzx"]

    def shown(result: Any) -> tuple[str, list[float], set[str]]:
        if not isinstance(result, query.NoMatch):
            return (result.id, [], set())
        kind = "ambiguous" if result.ambiguous else "closest"
        return (kind, [c.score for c in result.candidates], {c.id for c in result.candidates})

    whole = {q: shown(query.find_person(plain, q)) for q in queries}
    monkeypatch.setattr(names, "RANK_WHOLE", 10)
    shortlisted = {q: shown(query.find_person(plain, q)) for q in queries}
    tied_at_cut = 0
    for q in queries:
        (kind, scores, ids), (kind2, scores2, ids2) = whole[q], shortlisted[q]
        assert kind2 == kind, q
        if kind == "ambiguous":  # all above the threshold: the shortlist may hold fewer of many equals
            assert ids2 <= ids and scores2 == scores[: len(scores2)], q
            tied_at_cut += len(ids2) < len(ids)
        else:
            assert scores2 == scores, q
            assert ids2 == ids or len(set(scores)) < len(scores), q
    assert sum(kind not in ("ambiguous", "closest") for kind, _, _ in whole.values()) > 100  # most find their person
    assert tied_at_cut < len(queries) // 20


def test_the_people_shortlist_finds_a_name_by_some_of_its_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """'ivan petrov' names Ivan Sergeyevich Petrov (all its words in his name: 96), not Ivan Petrovskikhin
    (76); so does 'petrov' (one word of his name). Yet as whole names the others are nearer, so only the
    measures of words within a name put him on the shortlist."""
    from faq_cli import query
    from faq_cli.catalogue.merge import load_catalogue
    from faq_cli.mirrors.record import replace
    from faq_cli.text import names

    bundled = load_catalogue([str(DATA)])
    model = bundled.people["alekseyev"]
    spelled = ["Ivan Sergeyevich Petrov", *(f"Ivan Petrov{end}" for end in ("skikhin", "skayaova", "ichevsky", "etsovich"))]
    people = {f"p{n}": replace(model, id=f"p{n}", name=name, native_name=None, aliases=()) for n, name in enumerate(spelled)}
    catalogue = replace(bundled, people=people)
    for name in ("ivan petrov", "petrov"):
        whole = query.find_person(catalogue, name)
        with monkeypatch.context() as patched:
            patched.setattr(names, "RANK_WHOLE", 1)
            patched.setattr(names, "NAME_CANDIDATES", 2)
            assert query.find_person(catalogue, name) == whole == people["p0"], name


def test_the_search_structures_are_stored_and_refreshed_with_the_catalogue(
    faq: Callable[..., Run], catalogue_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from faq_cli import search

    built: list[int] = []
    original = search.derive

    def counting(catalogue: Any) -> Any:
        built.append(1)
        return original(catalogue)

    monkeypatch.setattr(search, "derive", counting)
    ask = ("--data", str(catalogue_copy), "ask", "--json")
    assert faq(*ask, "who is alekseyev").status == 0
    assert faq(*ask, "who is alekseyev").status == 0
    assert len(built) == 1  # the second call read it from the index
    questions = catalogue_copy / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    questions.write_text(text.replace("Who is Vladimir Alekseyev?", "Who is the quartermaster Zebedee?"), encoding="utf-8")
    run = faq(*ask, "who is the quartermaster zebedee")
    assert json.loads(run.out)["match"]["id"] == "who-is-alekseyev"
    assert len(built) == 2
