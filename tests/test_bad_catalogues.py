"""Every broken catalogue gives a located error: `faq validate` lists it (exit 1), a data command names it (exit 2).

One case per rule. Each names the fixture under tests/fixtures/bad/, the file and line the error must
point at, and a fragment of the message. Generated cases (too big, too odd or too environment-specific
to commit) are in test_hostile.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES, Run

BAD = FIXTURES / "bad"
GOOD = FIXTURES / "good"
PWNED = Path("/tmp/faq-cli-pwned-by-fixture")  # what tag-python-object-apply.yaml would create if it ran


@dataclass(frozen=True)
class Case:
    fixture: str  # a file or directory under tests/fixtures/bad/
    line: int  # 0: the problem has no line (a path that cannot be read)
    fragment: str  # part of the message
    file: str = ""  # for a directory fixture: the file inside it that the error names

    @property
    def path(self) -> str:
        return str(BAD / self.fixture / self.file) if self.file else str(BAD / self.fixture)

    @property
    def where(self) -> str:
        """What the message must start with: `path:line:` (or `path:` when there is no line)."""
        return f"{self.path}:{self.line}:" if self.line else f"{self.path}:"


CASES = [
    # tags that would run code or build objects
    Case("tag-python-object-apply.yaml", 8, "YAML tag !!python/object/apply:os.system is not allowed"),
    Case("tag-python-name.yaml", 6, "YAML tag !!python/name:os.system is not allowed"),
    Case("tag-binary.yaml", 8, "YAML tag !!binary is not allowed"),
    Case("tag-set.yaml", 1, "YAML tag !!set is not allowed"),
    Case("tag-custom.yaml", 7, "YAML tag !include is not allowed"),
    Case("tag-explicit-str.yaml", 8, "YAML tag !!str is not allowed"),
    # aliases
    Case("alias-self.yaml", 10, "alias *q refers to no anchor defined before it (or to itself)"),
    Case("alias-undefined.yaml", 8, "alias *nowhere refers to no anchor"),
    Case("alias-bomb.yaml", 5, "aliases expand to more than"),
    Case("alias-reused-entry.yaml", 3, "duplicate source id 'wire' (first at"),
    # nesting and size
    Case("deep-nesting.yaml", 65, "nesting deeper than 64 levels"),
    Case("number-5000-digits.yaml", 14, "'killed' is too large"),
    # keys
    Case("duplicate-key.yaml", 5, "duplicate key 'title' (first at line 3)"),
    Case("duplicate-section.yaml", 9, "duplicate key 'sources' (first at line 1)"),
    Case("key-mapping.yaml", 8, "a key must be text, not a list or mapping"),
    Case("key-list.yaml", 6, "a key must be text, not a list or mapping"),
    Case("key-empty.yaml", 10, "invalid YAML"),
    # YAML 1.1 guesses stay text, so a fixed vocabulary quotes what was written
    Case("yaml11-verification-no.yaml", 10, "'verification' must be one of confirmed, reported, unverified, not 'NO'"),
    Case("yaml11-verification-on.yaml", 10, "not 'on'"),
    Case("yaml11-verification-time.yaml", 10, "not '12:30'"),
    Case("yaml11-outcome-number.yaml", 19, "'outcome' must be one of killed, wounded, injured, unharmed, missing"),
    # dates
    Case("date-feb-30.yaml", 5, "not a real date: '2026-02-30' (Feb 2026 has no day 30)"),
    Case("date-month-13.yaml", 5, "not a real date: '2025-13' (there is no month 13)"),
    Case("date-words.yaml", 5, "not a date: 'last Tuesday'"),
    Case("date-timestamp.yaml", 5, "not a date: '2025-12-22T10:00:00Z'"),
    Case("date-fullwidth-digits.yaml", 5, "not a date: '２０２５'"),
    # characters and encodings
    Case("tab-indent.yaml", 8, "a tab character; YAML indents with spaces"),
    Case("latin1.yaml", 8, "not valid UTF-8 (byte 0xe9)"),
    Case("utf16.yaml", 1, "file is UTF-16; catalogue files must be UTF-8"),
    Case("utf16-no-bom.yaml", 1, "file is UTF-16"),
    Case("nul-byte.yaml", 8, "control character 0x00 is not allowed"),
    Case("esc-byte.yaml", 8, "control character 0x1b is not allowed"),
    Case("c1-byte.yaml", 8, "control character 0x9b is not allowed"),
    Case("surrogate-escape.yaml", 8, "invalid Unicode character escape"),
    # the shape of a file
    Case("empty.yaml", 1, "file is empty"),
    Case("comment-only.yaml", 1, "file is empty"),
    Case("top-list.yaml", 1, "the top level is a list"),
    Case("top-scalar.yaml", 1, "the top level is a single value"),
    Case("two-documents.yaml", 6, "a second YAML document"),
    Case("unclosed-quote.yaml", 10, "while scanning a quoted scalar"),
    Case("bad-indent.yaml", 9, "invalid YAML"),
    Case("empty-section.yaml", 6, "questions has no value"),
    # line ends: the line is right whatever ends the lines (and after a BOM)
    Case("crlf-error.yaml", 10, "unknown field 'anwser' in question entry (did you mean 'answer'?)"),
    Case("cr-error.yaml", 10, "unknown field 'anwser'"),
    Case("nel-error.yaml", 10, "unknown field 'anwser'"),
    Case("bom-error.yaml", 10, "unknown field 'anwser'"),
    # the schema
    Case("unknown-section.yaml", 6, "unknown section 'questoins' (did you mean 'questions'?)"),
    Case("unknown-field.yaml", 9, "unknown field 'anwser' in question entry (did you mean 'answer'?)"),
    Case("missing-field.yaml", 7, "incident entry lacks the required field 'kind'"),
    Case("wrong-type-section.yaml", 7, "questions must be a list, not a mapping"),
    Case("wrong-type-field.yaml", 10, "'also' must be a list, not 'What occurred?'"),
    Case("wrong-type-nested.yaml", 9, "'name' must be text, not a mapping"),
    Case("bad-id.yaml", 2, "'id' 'Wire Report' is not valid: expected a lower-case slug"),
    Case("bad-url.yaml", 6, "'url' 'javascript:alert(1)' is not valid: expected an http or https link"),
    Case("bad-enum.yaml", 10, "not 'confirmd' (did you mean 'confirmed'?)"),
    Case("bad-count.yaml", 14, "'killed' is not a whole number: '-1'"),
    # references and merging
    Case("dangling-source", 10, "unknown source 'wires' (did you mean 'wire'?)", "catalogue.yaml"),
    Case("dangling-person", 17, "unknown person 'ivanova' (did you mean 'ivanov'?)", "catalogue.yaml"),
    Case("dangling-related", 10, "related id 'nobody-at-all' names no person, incident, event or question", "catalogue.yaml"),
    Case("duplicate-id-across-files", 2, "duplicate source id 'wire' (first at", "b.yaml"),
    Case("good-beside-bad", 3, "not a real date: '2025-02-30'", "b-bad.yaml"),
    # paths that hold no catalogue
    Case("no-yaml-files", 0, "no *.yaml or *.yml files in this directory"),
    Case("directory-named-yaml", 0, "no *.yaml or *.yml files in this directory"),
    Case("does-not-exist.yaml", 0, "no such file or directory"),
]

PROBLEM_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def _ids(case: Case) -> str:
    return case.fixture


def test_every_fixture_has_a_case() -> None:
    """A fixture without a case would be a rule nobody checks."""
    on_disk = {p.name for p in BAD.iterdir()}
    in_table = {c.fixture for c in CASES if (BAD / c.fixture).exists()}
    assert on_disk == in_table
    assert len(on_disk) >= 30


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_validate_lists_the_problem_at_its_line(faq: Callable[..., Run], case: Case) -> None:
    run = faq("validate", str(BAD / case.fixture))
    assert run.status == 1, run.out + run.err
    assert "Traceback" not in run.out + run.err
    lines = run.out.splitlines()
    problems, summary = lines[:-1], lines[-1]
    assert re.fullmatch(r"\d+ problems? in \d+ files?", summary), summary
    assert any(line.startswith(case.where) and case.fragment in line for line in problems), run.out
    for line in problems:  # every problem is one line: path:line:col: message (path: message without a line)
        match = PROBLEM_LINE.match(line)
        assert match or line.startswith(f"{case.path}: "), line
        if match and case.line:
            assert int(match["line"]) >= 1 and int(match["col"]) >= 1


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_validate_json_gives_path_line_column_message(faq: Callable[..., Run], case: Case) -> None:
    run = faq("validate", "--json", str(BAD / case.fixture))
    assert run.status == 1
    problems = json.loads(run.out)
    assert all(set(p) == {"path", "line", "column", "message"} for p in problems)
    assert any(p["path"] == case.path and p["line"] == case.line and case.fragment in p["message"] for p in problems), problems


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_data_command_exits_2_with_one_located_line(faq: Callable[..., Run], case: Case) -> None:
    run = faq("--data", str(BAD / case.fixture), "incidents")
    assert run.status == 2, run.out + run.err
    assert run.out == ""
    assert "Traceback" not in run.err
    err = run.err.splitlines()
    assert len(err) == 1, run.err
    assert err[0].startswith(f"faq: {case.where}"), err[0]
    assert case.fragment in err[0]


def test_python_tags_run_no_code(faq: Callable[..., Run]) -> None:
    PWNED.unlink(missing_ok=True)
    faq("--data", str(BAD / "tag-python-object-apply.yaml"), "questions")
    faq("validate", str(BAD / "tag-python-object-apply.yaml"))
    assert not PWNED.exists()


def test_a_good_file_beside_a_bad_one_loses_nothing(faq: Callable[..., Run]) -> None:
    """Validation reports only the bad file; the good file alone is a working catalogue."""
    run = faq("validate", "--json", str(BAD / "good-beside-bad"))
    paths = {p["path"] for p in json.loads(run.out)}
    assert paths == {str(BAD / "good-beside-bad" / "b-bad.yaml")}
    assert "1 problem in 2 files" in faq("validate", str(BAD / "good-beside-bad")).out
    good = faq("--data", str(BAD / "good-beside-bad" / "a-good.yaml"), "ask", "--json", "what happened")
    assert good.status == 0
    assert json.loads(good.out)["match"]["related"][0]["id"] == "ivanov"


def test_every_problem_in_every_file_is_reported(faq: Callable[..., Run]) -> None:
    """Errors are collected, not raised one at a time: several fixtures at once give all their problems."""
    chosen = [c for c in CASES if c.line and (BAD / c.fixture).is_file()][:12]
    run = faq("validate", "--json", *(str(BAD / c.fixture) for c in chosen))
    found = {(p["path"], p["line"]) for p in json.loads(run.out)}
    assert {(c.path, c.line) for c in chosen} <= found
    more = faq("--data", str(BAD / chosen[0].fixture), "--data", str(BAD / chosen[1].fixture), "people")
    assert more.status == 2
    assert "(and 1 more problem; run 'faq validate" in more.err


def test_missing_path_is_a_problem_for_validate_and_a_usage_error_for_data_commands(faq: Callable[..., Run]) -> None:
    """A path that cannot be read is a problem of the catalogue: validate exits 1, a data command 2."""
    missing = str(BAD / "nowhere" / "catalogue.yaml")
    assert faq("validate", missing).status == 1
    assert faq("--data", missing, "people").status == 2
    env = faq("people", env={"FAQ_CLI_DATA": missing})
    assert env.status == 2
    assert env.err.startswith(f"faq: {missing}: no such file or directory")


def test_validate_exits_2_for_unusable_arguments(faq: Callable[..., Run]) -> None:
    run = faq("validate", "--no-such-option")
    assert run.status == 2
    assert "Traceback" not in run.out + run.err


# ---- valid files that look odd ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["crlf.yaml", "cr.yaml", "nel.yaml", "bom.yaml"])
def test_valid_files_with_any_line_end_load(faq: Callable[..., Run], name: str) -> None:
    raw = (GOOD / name).read_bytes()
    assert b"\r" in raw or b"\xc2\x85" in raw or raw.startswith(b"\xef\xbb\xbf")  # the fixture is what it says
    assert faq("validate", str(GOOD / name)).status == 0
    run = faq("--data", str(GOOD / name), "ask", "--json", "what happened")
    assert run.status == 0
    match = json.loads(run.out)["match"]
    assert (match["question"], match["answer"], match["sources"]) == ("What happened?", "Something.", ["wire"])


def test_yaml_11_guesses_stay_the_text_written(faq: Callable[..., Run]) -> None:
    run = faq("--data", str(GOOD / "yaml11.yaml"), "questions", "--json")
    assert run.status == 0, run.err
    (question,) = json.loads(run.out)
    assert question["question"] == "NO"
    assert question["answer"] == "on"
    assert question["also"] == ["1.10", "012", "12:30", "yes", "~x", "0x1F", "1e3", ".inf"]
    assert question["tags"] == ["Off", "null-ish"]


def test_fixtures_are_not_rewritten_by_git() -> None:
    """CRLF, CR and NEL fixtures must reach the tests byte for byte (see .gitattributes)."""
    attributes = (FIXTURES.parent.parent / ".gitattributes").read_text(encoding="utf-8")
    assert "tests/fixtures/** -text" in attributes
    assert (BAD / "crlf-error.yaml").read_bytes().count(b"\r\n") == 10
    assert b"\n" not in (BAD / "cr-error.yaml").read_bytes()
    assert b"\n" not in (BAD / "nel-error.yaml").read_bytes()
