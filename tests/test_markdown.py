"""`--format markdown`: clean GitHub-flavoured Markdown, checked by parsing it back with markdown-it-py."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

ESCAPES = re.compile(r"\x1b|\x9b")


def parse(document: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(document)


def headings(tokens: list[Token]) -> list[tuple[str, str]]:
    """(tag, text) of every heading, in order."""
    return [(tok.tag, tokens[n + 1].content) for n, tok in enumerate(tokens) if tok.type == "heading_open"]


def table_rows(tokens: list[Token]) -> list[list[str]]:
    """The body rows of every table, each as its cells' inline source."""
    rows: list[list[str]] = []
    in_body = False
    for n, tok in enumerate(tokens):
        if tok.type == "tbody_open":
            in_body = True
        elif tok.type == "tbody_close":
            in_body = False
        elif in_body and tok.type == "tr_open":
            rows.append([])
        elif in_body and tok.type == "td_open":
            rows[-1].append(tokens[n + 1].content)
    return rows


def links(tokens: list[Token]) -> list[str]:
    return [child.attrs["href"] for tok in tokens for child in tok.children or [] if child.type == "link_open"]  # type: ignore[misc]


def test_ask_is_a_document_with_a_heading_sources_and_see_also(faq) -> None:
    run = faq("ask", "Who is Vladimir Alekseyev?", "--format", "markdown")
    assert run.status == 0
    assert not ESCAPES.search(run.out)
    tokens = parse(run.out)
    found = headings(tokens)
    assert found[0] == ("h1", "Who is Vladimir Alekseyev?")
    assert ("h2", "Sources") in found and ("h2", "See also") in found
    assert any(t.type == "bullet_list_open" for t in tokens)
    # The answer's own Markdown survives: the name is bold, as the catalogue wrote it.
    assert any(c.type == "strong_open" for t in tokens for c in t.children or [])
    assert "`faq profile alekseyev`" in run.out


def test_incidents_are_one_table_with_a_row_per_incident(faq) -> None:
    expected = json.loads(faq("incidents", "--json").out)
    run = faq("incidents", "--format", "markdown")
    assert run.status == 0
    rows = table_rows(parse(run.out))
    assert len(rows) == len(expected) > 0
    assert all(len(row) == 7 for row in rows)
    assert [row[-1].strip("`") for row in rows] == [i["id"] for i in expected]


def test_profile_and_timeline_have_tables_and_headings(faq) -> None:
    profile = parse(faq("profile", "alekseyev", "-f", "markdown").out)
    assert headings(profile)[0] == ("h1", "Vladimir Alekseyev")
    assert {"Positions", "Sanctions", "Incidents"} <= {text for tag, text in headings(profile) if tag == "h2"}
    assert table_rows(profile)

    run = faq("timeline", "--year", "2025", "--format", "markdown")
    assert run.status == 0
    timeline = parse(run.out)
    assert ("h2", "2025") in headings(timeline)
    expected = json.loads(faq("timeline", "--year", "2025", "--json").out)
    assert len(table_rows(timeline)) == len(expected)


def test_incident_lists_its_facts_and_people(faq) -> None:
    run = faq("incident", "kirillov-scooter-bomb-2024", "--format", "markdown")
    assert run.status == 0
    tokens = parse(run.out)
    assert headings(tokens)[0][0] == "h1"
    assert "**When:** 17 Dec 2024" in run.out
    assert ("h2", "People") in headings(tokens)


def test_json_and_markdown_together_are_a_usage_error(faq) -> None:
    run = faq("ask", "who is alekseyev", "--json", "--format", "markdown")
    assert run.status == 2
    assert "cannot be combined" in run.err


def test_no_match_in_markdown_exits_1_with_candidates(faq) -> None:
    run = faq("profile", "zzzzqqqq", "--format", "markdown")
    assert run.status == 1
    assert "No such person" in run.out
    assert not ESCAPES.search(run.out)


HOSTILE = textwrap.dedent(
    """\
    sources:
      - id: src
        title: "Pipes | and [a link](javascript:alert(1)) <img src=x onerror=alert(1)>"
        publisher: "Pub | lisher"
        date: 2024-01-02
        url: "https://example.org/a_(b)"
    people:
      - id: evil
        name: "Eve \\x1b[31mRed\\x1b[0m | Table"
    incidents:
      - id: inc
        date: 2024-01-02
        title: "Line one\\nline two | with pipe `code`"
        kind: "kind|x"
        place: "- not a list"
        sources: [src]
        people:
          - person: evil
            role: "target"
            outcome: killed
        summary: "Text with <script>alert(1)</script> and **bold**."
    questions:
      - id: q
        question: "What about <b>Eve</b> | pipes?"
        answer: "An answer with <iframe src=x></iframe> and a [good link](https://example.org)."
        sources: [src]
        related: [inc]
    """
)


@pytest.fixture
def hostile(tmp_path: Path) -> str:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    return str(path)


def test_hostile_text_stays_text_in_tables(faq, hostile: str) -> None:
    run = faq("--data", hostile, "incidents", "--format", "markdown")
    assert run.status == 0, run.err
    assert not ESCAPES.search(run.out)
    tokens = parse(run.out)
    rows = table_rows(tokens)
    assert len(rows) == 1 and len(rows[0]) == 7  # the pipes and the newline did not add cells or rows
    assert links(tokens) == ["https://example.org/a_%28b%29"]
    assert not any(c.type == "html_inline" for t in tokens for c in t.children or [])


def test_hostile_text_opens_no_link_or_html(faq, hostile: str) -> None:
    for args in (("ask", "q"), ("incident", "inc"), ("profile", "evil")):
        run = faq("--data", hostile, *args, "--format", "markdown")
        assert run.status == 0, (args, run.err)
        assert not ESCAPES.search(run.out), args
        tokens = parse(run.out)
        assert not [t for t in tokens if t.type == "html_block"], args
        assert not any(c.type == "html_inline" for t in tokens for c in t.children or []), args
        assert all(href.startswith("https://") for href in links(tokens)), args
    answer = parse(faq("--data", hostile, "ask", "q", "--format", "markdown").out)
    assert "https://example.org" in links(answer)  # the answer's own Markdown link survives


SCHEMES = textwrap.dedent(
    """\
    sources:
      - id: src
        title: T
        publisher: P
        date: 2024-01-02
    questions:
      - id: q
        question: Where do the links go?
        answer: |
          To [a script](javascript:alert(1)), ![an image]( data:text/html,x), [a file](file:///etc/passwd),
          [a page](page.md), [a reference][bad], <javascript:alert(2)>, and &#x202e;reversed&#x202c; text;
          also [the web](https://example.org) and [mail](mailto:desk@example.org).

          [bad]: javascript:alert(3)
        sources: [src]
    """
)


def test_markdown_links_only_to_the_web_and_mail_and_no_character_references(faq, tmp_path: Path) -> None:
    """Whatever renderer reads the export: one that links any scheme, and decodes `&#x202e;`, still gets none of it."""
    path = tmp_path / "schemes.yaml"
    path.write_text(SCHEMES, encoding="utf-8")
    run = faq("--data", str(path), "ask", "q", "--format", "markdown")
    assert run.status == 0, run.err
    permissive = MarkdownIt("commonmark")
    permissive.validateLink = lambda url: True  # as a renderer that links every scheme would
    tokens = permissive.parse(run.out)
    targets = [
        child.attrs.get("href") or child.attrs.get("src")
        for tok in tokens
        for child in tok.children or []
        if child.type in ("link_open", "image")
    ]
    assert sorted(targets) == ["https://example.org", "mailto:desk@example.org"]
    text = "".join(child.content for tok in tokens for child in tok.children or [] if child.type == "text")
    assert "\u202e" not in text and "&#x202e;reversed" in text
    assert "javascript:alert(1)" in text  # shown, as the text it is
