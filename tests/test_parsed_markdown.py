"""Markdown parsed when the index is built renders exactly as rich.markdown renders it, and spares a warm lookup its import.

The index stores each answer's and summary's markdown-it tokens (index.markdown_tokens);
render/parsed_markdown.py renders them without importing rich.markdown, markdown-it or Pygments.
Here both are held to rich.markdown's output, character for character, colour on and off, at
three widths: for every Markdown text of the bundled catalogue and for generated Markdown.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console, RenderableType
from test_index import _warm_imports

from faq_cli.catalogue.model import Incident, Person
from faq_cli.mirrors.parsed_markdown import ParsedMarkdown, from_tokens
from faq_cli.render import terminal
from faq_cli.store import MARKDOWN_FIELDS, markdown_tokens, parsed_markdown_tokens
from faq_cli.text.inert import inert

from conftest import DATA, FIXTURES, Run

WIDTHS = (30, 80, 120)
LINK_ID = re.compile(r"(?<=\x1b\]8;)id=\d+")  # Rich numbers a source's terminal link afresh on each call
HOSTILE = FIXTURES / "good" / "hostile"
COLOUR = {"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color", "COLORTERM": "truecolor"}


def printed(renderable: RenderableType, width: int, colour: bool) -> str:
    """What the terminal view prints for `renderable`: its console settings, on a terminal `width` wide."""
    console = Console(
        file=io.StringIO(),
        width=width,
        theme=terminal.THEME,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        no_color=not colour,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def stored(body: str) -> list[object]:
    """The tokens the index keeps for `body`."""
    tokens = markdown_tokens(body)
    assert tokens is not None
    return tokens


def assert_same_output(body: str) -> bool:
    """Both renderings of `body` print the same at every width, colour on and off; False when the tokens are left to Rich."""
    tokens = stored(body)
    fast = terminal.markdown(body, {body: tokens})
    rich_markdown = terminal.markdown(body)
    for width in WIDTHS:
        for colour in (False, True):
            assert printed(fast, width, colour) == printed(rich_markdown, width, colour), (width, colour)
    return from_tokens(tokens) is not None


def bundled_markdown() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section, field in MARKDOWN_FIELDS.items():
            texts += [entry[field] for entry in document.get(section) or () if entry.get(field)]
    return texts


def test_the_bundled_catalogue_has_markdown_of_every_kind_it_renders() -> None:
    texts = bundled_markdown()
    assert len(texts) >= 20
    kinds = {item[0] for text in texts for item in stored(text) if isinstance(item, list)}
    assert {"paragraph_open", "bullet_list_open", "strong_open", "softbreak"} <= kinds


@pytest.mark.parametrize("body", bundled_markdown(), ids=lambda body: body[:40])
def test_every_bundled_text_renders_from_its_tokens_as_rich_markdown_does(body: str) -> None:
    assert assert_same_output(body), "the bundled catalogue should never need rich.markdown"


# ---- generated Markdown ------------------------------------------------------------------------------

WORDS = st.text(
    st.characters(categories=("L", "N"), codec="utf-8") | st.sampled_from("абвгд αβγ 中文 العربية עברית ßéñ ,.;:!?'\"()/%-+=#"),
    min_size=1,
    max_size=12,
)
HOSTILE_CHARACTERS = st.sampled_from(
    ["\x1b[31m", "\x07", "\x00", "\u202e", "\u200b", "\ufeff", "\t", "\ud800", "\x9b", "[bold]x[/]"]
)
ENTITIES = st.sampled_from(["&amp;", "&lt;", "&copy;", "&#x202e;", "&#x1b;", "&#27;", "&#0;", "&#xd800;", "&bogus;", "&"])


def _wrapped(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pairs = ["*", "_", "**", "__", "`", "~~", "***", "``"]
    return st.tuples(st.sampled_from(pairs), inner).map(lambda p: f"{p[0]}{p[1]}{p[0]}")


INLINE = st.recursive(
    WORDS
    | HOSTILE_CHARACTERS
    | ENTITIES
    | st.sampled_from([" ", "  \n", "\\\n", "\n", "\\*", "*", "_", "<https://a.example/b>", "<a@b.example>"]),
    lambda inner: (
        _wrapped(st.lists(inner, min_size=1, max_size=4).map("".join))
        | st.tuples(
            inner, st.sampled_from(["https://example.org/a_b", "javascript:alert(1)", "x y", "<https://e.example/a b>", ""])
        ).map(lambda p: f"[{p[0]}]({p[1]})")
    ),
    max_leaves=8,
)
LINE = st.lists(INLINE, min_size=1, max_size=8).map("".join)
BLOCK_START = st.sampled_from(["", "", "", "- ", "* ", "+ ", "1. ", "7) ", "123456789. ", "> ", "> > ", "   - ", "  1. "])
BLOCK = st.one_of(
    st.tuples(BLOCK_START, LINE).map("".join),
    st.sampled_from(["", "<div>x</div>", ">", "-", "1.", "* * *x"]),
)
MARKDOWN = st.lists(st.tuples(BLOCK, st.sampled_from(["\n", "\n\n", "\r\n", "\n   ", "\n\n\n"])), max_size=8).map(
    lambda blocks: "".join(b + sep for b, sep in blocks)
)
# Now and then, what the token renderer leaves to Rich: code blocks, tables, images, headings, rules, inline HTML.
RARE = st.sampled_from(
    [
        *("```py\nx = 1\n```", "    indented code", "| a | b |\n|---|--:|\n| 1 | 2 |", "![alt](i.png)", "<kbd>K</kbd>"),
        *("# Heading", "Setext\n===", "## ", "---", "a <b>b</b> <!-- c -->"),
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.tuples(MARKDOWN, st.integers(0, 7), RARE, MARKDOWN).map(lambda t: t[0] + (f"\n\n{t[2]}\n\n{t[3]}" if t[1] == 0 else ""))
)
def test_generated_markdown_renders_from_its_tokens_as_rich_markdown_does(body: str) -> None:
    assert_same_output(body)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_renders_from_its_tokens_as_rich_markdown_does(body: str) -> None:
    assert_same_output(body)


PROSE = st.text(
    st.characters(categories=("L", "N", "Zs", "P", "S"), codec="utf-8") | st.sampled_from("aé Я 1.)#>-+=*_`[]<&~|\\!\t\n"),
    min_size=1,
    max_size=60,
)


@settings(max_examples=500, deadline=None)
@given(PROSE | WORDS | LINE)
def test_a_plain_line_is_stored_as_markdown_it_parses_it(body: str) -> None:
    """markdown_tokens skips markdown-it for one line of plain prose: what it stores is what markdown-it gives."""
    assert markdown_tokens(body) == json.loads(parsed_markdown_tokens(inert(body)) or "null")


def test_one_line_of_prose_skips_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    from faq_cli.store import markdown

    plain = "A car bomb in Moscow killed General Kirillov; 2 dead (per TASS), 1 wounded: why? 100% sure."
    expected = markdown_tokens(plain)
    calls: list[str] = []
    monkeypatch.setattr(markdown, "parsed_markdown_tokens", lambda text: calls.append(text))
    assert markdown_tokens(plain) == expected == [["paragraph_open", "p", 1], plain, ["paragraph_close", "p", -1]]
    for construct in ("1. a list", "a *b*", "# heading", "two\nlines", "trailing  ", "&amp;", "a `b`", "[a](b)"):
        markdown_tokens(construct)
    assert len(calls) == 8


def test_generated_markdown_mostly_takes_the_token_path() -> None:
    """The property above would prove little if most texts fell back to Rich."""
    samples = [
        "A *b* **c** `d` ~~e~~ [f](https://g.example) &amp; &#x202e;\nsoft  \nhard",
        "- one\n- two\n\n  more\n\n3. three\n4. four",
        "> quoted **text**\n>\n> - in a list\n\n<div>block</div>\n\nafter",
        "![x](y)",
        "# Title",
        "a\n\n---",
        "<b>raw</b> text",
    ]
    assert [from_tokens(stored(s)) is not None for s in samples] == [True, True, True, False, False, False, False]


# ---- what the tokens may be ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stream",
    [
        [["paragraph_open", "p", 1], "text"],  # never closed
        ["text"],  # text outside any block
        [["paragraph_open", "p", 1], ["paragraph_close", "p", 1]],  # a close that says it opens
        [
            ["bullet_list_open", "ul", 1],
            ["paragraph_open", "p", 1],
            ["paragraph_close", "p", -1],
            ["bullet_list_close", "ul", -1],
        ],
        [["em_open", "em", 1], ["em_close", "em", -1]],  # a style outside any block
        [["paragraph_open", "em", 1], ["paragraph_close", "em", -1]],  # a block tagged as a style
        [["fence", "code", 0, "x = 1\n", {}]],  # left to Rich (Pygments)
        [["ordered_list_open", "ol", 1, "", {"start": "x"}], ["ordered_list_close", "ol", -1]],
        [["paragraph_open", "p", 1], ["html_inline", "", 0, "</kbd>"], ["paragraph_close", "p", -1]],
        [{"type": "text"}],
        "not a list of tokens",
    ],
)
def test_tokens_that_markdown_it_would_not_give_are_left_to_rich(stream: list[object]) -> None:
    assert from_tokens(stream) is None


def test_a_corrupt_stored_stream_falls_back_to_rich_markdown() -> None:
    body = "**Bold** and plain."
    fallback = printed(terminal.markdown(body), 80, True)
    assert printed(terminal.markdown(body, {body: [["paragraph_open", "p", 1], "Bold"]}), 80, True) == fallback
    assert isinstance(terminal.markdown(body, {body: stored(body)}).inner, ParsedMarkdown)  # type: ignore[attr-defined]


def test_entities_that_decode_to_unsafe_characters_are_still_neutralised() -> None:
    body = "before &#x202e; &#27;[31m after"
    output = printed(terminal.markdown(body, {body: stored(body)}), 80, True)
    assert "\u202e" not in output
    assert "\x1b[31m" not in output
    assert "before  \ufffd[31m after" in output  # the override dropped (it takes no cell), ESC made U+FFFD by markdown-it


def test_the_index_serves_an_entrys_tokens_for_its_own_text_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from faq_cli import store as index

    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    catalogue = index.load([str(DATA)])
    assert catalogue.index is not None
    stored_texts = 0
    for section, field in MARKDOWN_FIELDS.items():
        for entry in getattr(catalogue, section).values():
            body = getattr(entry, field)
            served = catalogue.index.parsed(section, entry.id, body) if body else None
            assert served == (markdown_tokens(body) if body else None)
            assert catalogue.index.parsed(section, entry.id, f"{body} (edited)") is None
            stored_texts += served is not None
    assert stored_texts == len(bundled_markdown())


def test_a_plain_line_is_served_from_the_index_as_markdown_it_would_parse_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One line of prose is stored as a mark, not as tokens; it renders exactly as rich.markdown renders it."""
    from faq_cli import query
    from faq_cli import store as index
    from faq_cli.catalogue.merge import load_catalogue

    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    source = "sources:\n  - id: wire\n    title: A wire report\n    publisher: Wire\n    date: 2025-12-22\n"
    summary = "A car bomb in Moscow killed one; 2 wounded (per TASS), 100% confirmed: why?"
    question = f"questions:\n  - id: q\n    question: What happened in Moscow?\n    answer: '{summary}'\n"
    path = tmp_path / "c.yaml"
    path.write_text(source + question, encoding="utf-8")
    indexed = query.ask(index.load([str(path)]), "q")
    plain = query.ask(load_catalogue([str(path)]), "q")
    assert indexed.parsed == {summary: [["paragraph_open", "p", 1], summary, ["paragraph_close", "p", -1]]}
    assert plain.parsed == {}
    for width in WIDTHS:
        for colour in (False, True):
            assert printed(terminal.answer(indexed), width, colour) == printed(terminal.answer(plain), width, colour)


# ---- through the command ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["ask", "who is alekseyev"], ["profile", "kirillov"], ["incident", "kirillov"]], ids=" ".join)
def test_a_warm_text_lookup_does_not_import_rich_markdown(tmp_path: Path, args: list[str]) -> None:
    imported = _warm_imports(tmp_path, *args)
    assert not {"rich.markdown", "markdown_it", "pygments", "yaml"} & imported
    assert "faq_cli.mirrors.parsed_markdown" in imported  # the answer was rendered, from stored tokens


@pytest.mark.parametrize("args", [["ask", "who is alekseyev"], ["profile", "alekseyev"], ["incident", "evil"]], ids=" ".join)
@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
def test_an_index_in_memory_gives_the_same_output(faq: Callable[..., Run], tmp_path: Path, args: list[str], colour: bool) -> None:
    """With the cache directory unusable the index is built in memory for the call: same tokens, same output."""
    data = ["--data", str(HOSTILE)] if args[0] == "incident" else []
    env = COLOUR if colour else {}
    faq(*data, *args, env=env)  # builds the index
    warm = faq(*data, *args, env=env)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    in_memory = faq(*data, *args, env={**env, "FAQ_CLI_CACHE_DIR": str(blocked / "cache")})
    assert warm.status == in_memory.status == 0, in_memory.err
    assert LINK_ID.sub("", warm.out) == LINK_ID.sub("", in_memory.out)
    assert warm.out.strip()


def test_a_catalogue_read_from_yaml_alone_renders_the_same_through_rich_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from faq_cli import query
    from faq_cli import store as index
    from faq_cli.catalogue.merge import load_catalogue

    monkeypatch.setenv("FAQ_CLI_CACHE_DIR", str(tmp_path / "cache"))
    views = []
    for catalogue in (load_catalogue([str(DATA)]), index.load([str(DATA)])):
        answer = query.ask(catalogue, "who is alekseyev")
        person = query.find_person(catalogue, "kirillov")
        incident = query.find_incident(catalogue, "kirillov")
        assert isinstance(person, Person) and isinstance(incident, Incident)
        profile, view = query.profile(catalogue, person), query.incident_view(catalogue, incident)
        views.append((answer, profile, view))
    (plain, indexed) = views
    assert [bool(result.parsed) for result in plain + indexed] == [False] * 3 + [True] * 3
    for width in WIDTHS:
        for colour in (False, True):
            for render, a, b in zip((terminal.answer, terminal.profile, terminal.incident), plain, indexed, strict=True):
                same = LINK_ID.sub("", printed(render(a), width, colour)) == LINK_ID.sub("", printed(render(b), width, colour))  # type: ignore[operator]
                assert same
