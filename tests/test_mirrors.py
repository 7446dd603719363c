"""The four hand-written mirrors of other libraries, each compared directly with the library it mirrors.

A mirror copies another library's behaviour to spare a warm lookup its import (bench/mirrors.py
measures what each saves). Every comparison below runs the installed upstream itself, so an upgrade
that changes its behaviour fails here rather than drifting unseen; each test's id names the version
compared. Parity tests kept elsewhere: tests/test_argv.py (the fast path prints what the Typer app
prints), tests/test_parsed_markdown.py (every bundled and generated Markdown text renders as
rich.markdown renders it) and tests/test_search.py (the table is anyascii's, on random text).
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from typing import Any

import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from test_argv import FAST
from test_parsed_markdown import assert_same_output

from faq_cli.catalogue import model
from faq_cli.cli import commands
from faq_cli.cli.app import app
from faq_cli.mirrors import argv, record

from conftest import ROOT

# What each mirror copies, and the versions it was last checked against (the tests run whatever is installed).
MIRRORED = {
    "faq_cli/mirrors/argv.py": ("typer", "0.28.0"),  # Typer's vendored Click parser; pinned below 0.29 in pyproject.toml
    "faq_cli/mirrors/record.py": ("dataclasses", "3.11"),  # the standard library's, so Python's version
    "faq_cli/mirrors/parsed_markdown.py": ("rich", "15.0.0"),  # rich.markdown; written for 13.7 to 15
}


def upstream(package: str) -> str:
    """`package VERSION` as installed, for a test's id."""
    if package == "dataclasses":
        return f"dataclasses (Python {sys.version_info.major}.{sys.version_info.minor})"
    return f"{package} {version(package)}"


def test_each_mirror_is_checked_against_an_upstream_it_was_written_for() -> None:
    """A new major version is a new library: re-read the mirror against it, then widen the range here."""
    typer_version = tuple(int(p) for p in version("typer").split(".")[:2])
    rich_version = tuple(int(p) for p in version("rich").split(".")[:2])
    assert (0, 28) <= typer_version < (0, 29), "argv.py mirrors Typer 0.28's parsing (pyproject.toml pins it)"
    assert (13, 7) <= rich_version < (16, 0), "parsed_markdown.py mirrors rich.markdown of Rich 13.7 to 15"
    assert sys.version_info >= (3, 11), "record.py mirrors dataclasses(slots=True) of Python 3.11 and later"
    assert all((ROOT / path).is_file() for path in MIRRORED)


# ---- record.py against dataclasses ------------------------------------------------------------------------

CLASSES = {
    "fields, defaults and a factory": """
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
""",
    "one field": """
class One:
    value: str
""",
    "its own repr": """
class Named:
    name: str
    def __repr__(self) -> str:
        return f"<{self.name}>"
""",
    "its own eq": """
class Folded:
    text: str
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Folded) and self.text.lower() == other.text.lower()
""",
}


def built(source: str, frozen: bool) -> tuple[type, type]:
    """The class of `source` as @dataclass(slots=True) builds it, and as @record builds it."""
    as_dataclass: dict[str, Any] = {"field": dataclasses.field}
    as_record: dict[str, Any] = {"field": record.field}
    exec(source, as_dataclass)  # the same declarations for both
    exec(source, as_record)
    name = source.split("class ")[1].split(":")[0]
    return (
        dataclasses.dataclass(slots=True, frozen=frozen)(as_dataclass[name]),
        record.record(frozen=frozen)(as_record[name]),
    )


def outcome(action: Callable[[], object]) -> tuple[str, str]:
    """What an action gives: its result's repr, or the kind and message of what it raised."""
    try:
        return "ok", repr(action())
    except (AttributeError, TypeError) as exc:
        kind = "AttributeError" if isinstance(exc, AttributeError) else "TypeError"
        return kind, str(exc)


def behaviour(cls: type, make_args: tuple[tuple[Any, ...], ...], replace: Callable[..., Any]) -> list[tuple[str, str]]:
    """Everything the rest of the code may rely on, as values to compare between the two classes."""
    seen: list[tuple[str, str]] = []
    made = [cls(*args) for args in make_args]
    first = made[0]
    names_ = list(cls.__match_args__)  # type: ignore[attr-defined]
    seen.append(("slots", repr((cls.__slots__, cls.__match_args__, hasattr(first, "__dict__")))))  # type: ignore[attr-defined]
    seen.append(("hashable", repr(cls.__hash__ is not None)))
    seen += [outcome(lambda m=m: m) for m in made]  # repr
    seen += [outcome(lambda a=a, b=b: (a == b, a != b)) for a in made for b in made]
    seen.append(outcome(lambda: (first == tuple(getattr(first, n) for n in names_), first == object())))
    seen.append(outcome(lambda: hash(first) == hash(cls(*make_args[0]))))
    seen.append(outcome(lambda: hash(first)))
    seen.append(outcome(lambda: replace(first, **{names_[0]: make_args[-1][0]})))
    seen.append(outcome(lambda: replace(first, nosuchfield=1)))
    seen.append(outcome(lambda: setattr(first, names_[0], make_args[-1][0])))
    seen.append(outcome(lambda: first))
    seen.append(outcome(lambda: delattr(first, names_[-1])))
    # Refused by both; Python 3.11's frozen slotted dataclass raises a TypeError from super() here (a CPython bug).
    seen.append(("refuses another attribute", repr(outcome(lambda: setattr(first, "other", 1))[0] != "ok")))
    seen.append(outcome(lambda: cls()))
    seen.append(outcome(lambda: cls(*make_args[0], *make_args[0], 1, 2, 3, 4)))
    seen.append(outcome(lambda: cls(*make_args[0], nosuchfield=1)))
    fresh = [cls(*make_args[1]) for _ in range(2)]
    # Pickling needs a class importable by name (these are built in the test): the model's are pickled below.
    seen.append(outcome(lambda: copy.copy(fresh[0]) == fresh[0] == copy.deepcopy(fresh[0])))
    seen.append(outcome(lambda: copy.deepcopy(fresh[0]) is not fresh[0]))
    seen.append(outcome(lambda: [getattr(f, n) for f in fresh for n in names_]))
    return seen


SAMPLES: dict[str, tuple[tuple[Any, ...], ...]] = {
    "fields, defaults and a factory": ((1,), (1, 0, (), []), (1, 2, ("a",)), (3, 2, ("a",), ["n"])),
    "one field": (("a",), ("a",), ("b",)),
    "its own repr": (("a",), ("a",), ("b",)),
    "its own eq": (("Ab",), ("aB",), ("c",)),
}


@pytest.mark.parametrize("frozen", [True, False], ids=["frozen", "mutable"])
@pytest.mark.parametrize("kind", list(CLASSES), ids=lambda k: f"{k}, {upstream('dataclasses')}")
def test_a_record_behaves_as_the_same_dataclass(kind: str, frozen: bool) -> None:
    as_dataclass, as_record = built(CLASSES[kind], frozen)
    expected = behaviour(as_dataclass, SAMPLES[kind], dataclasses.replace)
    assert behaviour(as_record, SAMPLES[kind], record.replace) == expected
    assert list(record.fields(as_record)) == [f.name for f in dataclasses.fields(as_dataclass)]
    defaults = {f.name: f.default for f in dataclasses.fields(as_dataclass)}
    ours = {n: None if d is record.MISSING else (d,) for n, d in record.fields(as_record).items()}
    assert ours == {n: None if d is dataclasses.MISSING else (d,) for n, d in defaults.items()}


def _twin(cls: type) -> type:
    """A model class rebuilt from its own source with @dataclass(slots=True, frozen=...) in place of @record."""
    source = inspect.getsource(cls)
    scope = dict(vars(model))
    scope["record"] = lambda *, frozen=False: dataclasses.dataclass(slots=True, frozen=frozen)
    scope["field"] = dataclasses.field
    exec(source, scope)
    twin: type = scope[cls.__name__]
    return twin


MODEL_RECORDS = sorted((c for c in vars(model).values() if isinstance(c, type) and record.is_record(c)), key=lambda c: c.__name__)


def _parameters(cls: type) -> list[tuple[str, str, bool]]:
    """The constructor's parameters: name, kind, whether it has a default (a factory's sentinel counts)."""
    signature = inspect.signature(cls.__init__)  # type: ignore[misc]
    return [(p.name, p.kind.name, p.default is not inspect.Parameter.empty) for p in signature.parameters.values()]


@pytest.mark.parametrize("cls", MODEL_RECORDS, ids=lambda c: f"{c.__name__}, {upstream('dataclasses')}")
def test_each_model_record_is_built_as_dataclass_builds_the_same_source(cls: type) -> None:
    twin = _twin(cls)
    assert list(record.fields(cls)) == [f.name for f in dataclasses.fields(twin)]
    assert _parameters(cls) == _parameters(twin)
    assert (cls.__slots__, cls.__match_args__) == (twin.__slots__, twin.__match_args__)  # type: ignore[attr-defined]
    assert (cls.__hash__ is None) == (twin.__hash__ is None)
    frozen = twin.__setattr__ is not object.__setattr__
    assert (cls.__setattr__ is not object.__setattr__) == frozen
    own = {"__eq__", "__repr__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__"}
    # Methods the class writes itself are kept by both, the rest supplied by both.
    assert {m for m in own if m in cls.__dict__} == {m for m in own if m in twin.__dict__}


def test_the_model_records_compare_repr_and_replace_as_their_dataclass_twins() -> None:
    twin = _twin(model.PartialDate)
    for args in [(2025,), (2025, 12), (2025, 12, 22), (2024, 1, 5)]:
        ours, theirs = model.PartialDate(*args), twin(*args)
        assert (repr(ours), hash(ours)) == (repr(theirs).replace(twin.__qualname__, "PartialDate"), hash(theirs))
        assert repr(record.replace(ours, day=1)) == repr(dataclasses.replace(theirs, day=1))
    source, source_twin = model.Source("s", "t", "p", None), _twin(model.Source)("s", "t", "p", None)
    assert repr(source) == repr(source_twin)
    assert outcome(lambda: setattr(source, "id", "x")) == outcome(lambda: setattr(source_twin, "id", "x"))
    assert model.Catalogue().people is not model.Catalogue().people
    assert pickle.loads(pickle.dumps(ours)) == ours


# ---- parsed_markdown.py against rich.markdown ----------------------------------------------------------------

# Constructs the mirror renders itself: each must print exactly what rich.markdown prints.
RENDERED = [
    "A plain paragraph.",
    "One paragraph.\n\nAnother, after a blank line.",
    "*emphasis*, _emphasis_, **strong**, __strong__, ***both***, ~~struck~~ and `code`",
    "nested **strong with *emphasis* inside** and `a ``tick`",
    "a [link](https://example.org/a?b=c) and [another *styled* one](https://example.org/)",
    "an autolink <https://example.org/x> and a mail <someone@example.org>",
    "soft\nbreak, hard  \nbreak and backslash\\\nbreak",
    "entities &amp; &copy; &lt;b&gt; &#x41; and escapes \\* \\_ \\[",
    "- one\n- two\n- three",
    "* star\n+ plus",
    "- outer\n  - inner\n    - innermost\n- back",
    "3. three\n4. four\n5. five",
    "\n".join(f"{n}. item {n}" for n in range(1, 13)),
    "1. first\n\n   with a second paragraph\n2. second",
    "> a quote\n> on two lines",
    "> outer\n>> inner quote",
    "> - a list\n> - in a quote",
    "- item with a quote:\n\n  > quoted",
    "<div>an HTML block</div>\n\nthen text",
    "A long paragraph " + "that wraps at every width the terminal may have, " * 6,
    "- **Bold lead:** then text that runs on long enough to wrap under the bullet at a narrow width, surely.",
    "Кириллица, ελληνικά, 中文 and עברית in one line",
]
# Constructs it leaves to rich.markdown (their tokens are refused), which must then print as rich.markdown does.
LEFT_TO_RICH = [
    "# A heading",
    "Title\n=====",
    "```python\nprint('x')\n```",
    "    indented code",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "![an image](https://example.org/i.png)",
    "above\n\n---\n\nbelow",
    "inline <b>HTML</b>",
]


@pytest.mark.parametrize("package", [upstream("rich")])
@pytest.mark.parametrize("body", RENDERED, ids=lambda b: b[:30])
def test_each_construct_the_mirror_renders_prints_as_rich_markdown_prints_it(body: str, package: str) -> None:
    assert assert_same_output(body), "the mirror should render this itself"


@pytest.mark.parametrize("package", [upstream("rich")])
@pytest.mark.parametrize("body", LEFT_TO_RICH, ids=lambda b: b[:30])
def test_each_construct_left_to_rich_markdown_prints_as_it_prints_it(body: str, package: str) -> None:
    assert not assert_same_output(body), "the mirror should leave this to rich.markdown"


# ---- argv.py against the Typer app ---------------------------------------------------------------------------

ROOT_COMMAND = typer.main.get_command(app)
FUNCTIONS = sorted({*argv.LOOKUPS, "overview"})


@contextmanager
def recorded() -> Iterator[list[tuple[object, ...]]]:
    """The command functions replaced by recorders of the call each is given (its arguments bound, defaults applied)."""
    calls: list[tuple[object, ...]] = []
    originals = {name: getattr(commands, name) for name in FUNCTIONS}

    def recorder(name: str) -> Callable[..., None]:
        signature = inspect.signature(originals[name])

        def record_call(*args: object, **kwargs: object) -> None:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            calls.append((name, dict(bound.arguments)))

        return record_call

    try:
        for name in FUNCTIONS:
            setattr(commands, name, recorder(name))
        yield calls
    finally:
        for name, function in originals.items():
            setattr(commands, name, function)


def through_typer(args: list[str]) -> tuple[object, ...] | None:
    """The call the Typer app makes for `args`; None for a usage error (or help)."""
    with recorded() as calls:
        try:
            ROOT_COMMAND.main(args=list(args), prog_name="faq", standalone_mode=False)
        except Exception:  # click's UsageError and its kin: the fast path must have declined
            return None
    return calls[0] if len(calls) == 1 else None


def through_fast_path(args: list[str]) -> tuple[object, ...] | None:
    """The call the entry point makes for `args` without Typer; None when the fast path declines."""
    lookup = argv.parse(args, {})
    if lookup is None:
        return None
    with recorded() as calls:
        getattr(commands, lookup.command)(commands.Env(lookup.data, lookup.pager), **lookup.values)
    return calls[0]


TYPER = upstream("typer")


@pytest.mark.parametrize("args", FAST, ids=lambda a: f"{' '.join(a) or '(none)'}, {TYPER}")
def test_each_well_formed_lookup_calls_what_typer_calls(args: list[str]) -> None:
    fast = through_fast_path(args)
    assert fast is not None
    assert fast == through_typer(args)


def _tokens(command: str) -> st.SearchStrategy[str]:
    """Pieces of a command line for `command`: its options (every spelling), values good and bad, words."""
    spellings = [flag for option in argv.LOOKUPS[command].options for flag in option.flags] if command else []
    values = ["0", "1", "3", "07", "50", "51", "200", "201", "-1", "+5", "x", "", "text", "markdown", "Markdown"]
    values += ["question", "incident", "event", "person", "2025", "2025-04", "gru", "-", "--", "-x", "--nope"]
    joined = st.tuples(st.sampled_from([s for s in spellings if s.startswith("--")] or ["--json"]), st.sampled_from(values))
    return st.one_of(
        st.sampled_from(spellings or ["--json"]),
        st.sampled_from(values),
        joined.map(lambda p: f"{p[0]}={p[1]}"),
        st.sampled_from(["--data", "-d", "--no-pager", "--help", "who", "is", "alekseyev"]),
    )


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(["", *sorted(argv.LOOKUPS)]))
    before = draw(st.lists(st.sampled_from(["--data", "cat", "-d", "--no-pager", "--data=x"]), max_size=3))
    after = draw(st.lists(_tokens(command), max_size=6))
    return [*before, *([command] if command else []), *after]


@settings(max_examples=400, deadline=None)
@given(command_lines())
def test_any_command_line_the_fast_path_takes_calls_what_typer_calls(args: list[str]) -> None:
    """Valid or not: where the fast path takes a command line, Typer (version in MIRRORED) makes the same call."""
    fast = through_fast_path(args)
    if fast is not None:
        assert fast == through_typer(args), args
