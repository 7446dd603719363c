"""Markdown, parsed at build time: the tokens rich.markdown's renderer visits, stored with each entry's
Markdown field, so that a warm lookup renders them without importing markdown-it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from hashlib import blake2b
from typing import Any

from faq_cli.store.codec import compact_json

# The Markdown field of each section that the terminal renders as Markdown (render/terminal.py's markdown()):
# parsed once here, so a warm lookup renders it without importing markdown-it. One field per entry at most.
MARKDOWN_FIELDS = {"questions": "answer", "incidents": "summary", "people": "summary"}


# rich.markdown parses with markdown-it on every render; importing the two costs a warm `faq ask` about
# 30 ms. The index keeps what Rich's renderer walks instead: markdown-it's tokens, flattened as Rich
# flattens them, and render/parsed_markdown.py walks them the same way without importing either.

_PARSER: Any = None


def markdown_parser() -> Any:
    """markdown-it set up as rich.markdown sets it up; None when it cannot be imported (Rich then parses at render)."""
    global _PARSER
    if _PARSER is None:
        try:
            from markdown_it import MarkdownIt
        except ImportError:  # pragma: no cover - a dependency of Rich
            _PARSER = False
        else:
            _PARSER = MarkdownIt().enable("strikethrough").enable("table")
    return _PARSER or None


def digest_of(text: str) -> bytes:
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


# One line of plain prose: a letter first, no character that can start a construct, nothing to strip
# at either end. markdown-it makes it one paragraph of one text token, so the parser is skipped and
# nothing but the fact is stored (most summaries are such a line). tests/test_parsed_markdown.py
# holds this to what markdown-it gives.
_PLAIN_LINE = r"[^\W\d_][^\n\t\\`*_\[\]<&~|]*"


def _plain_paragraph(text: str) -> list[object] | None:
    """The tokens of an inert text that is one line of plain prose; None for any other text."""
    if re.fullmatch(_PLAIN_LINE, text) and not text[-1].isspace():
        return [["paragraph_open", "p", 1], text, ["paragraph_close", "p", -1]]
    return None


def markdown_tokens(body: str) -> list[object] | None:
    """A Markdown field as the tokens rich.markdown's renderer visits, as the index stores and serves them;
    None when markdown-it is not there.

    As Rich does, the text is made inert first and parsed, and the tree flattened (an image or a
    fence kept whole). A text token is its content; any other is `[type, tag, nesting]`, then its
    content when it has content or attributes, then its attributes when it has some.
    """
    stored = stored_markdown(body)
    return None if stored is None else row_tokens(body, stored[1])


def row_tokens(body: str, tokens: str | None) -> list[object] | None:
    """The tokens a Markdown row holds for `body` (its `tokens` column: NULL for one line of plain prose)."""
    if tokens is None:
        from faq_cli.text.inert import inert

        return _plain_paragraph(inert(body))
    try:
        found = json.loads(tokens)
    except ValueError:
        return None
    return found if isinstance(found, list) else None


def stored_markdown(body: str) -> tuple[bytes, str | None] | None:
    """A Markdown field's row: its digest, and its tokens as JSON (NULL for one line of plain prose)."""
    from faq_cli.text.inert import inert

    text = inert(body)
    if _plain_paragraph(text) is not None:
        return digest_of(body), None
    tokens = parsed_markdown_tokens(text)
    return (digest_of(body), tokens) if tokens is not None else None


def parsed_markdown_tokens(text: str) -> str | None:
    """`markdown_tokens` of an inert text, always from markdown-it."""
    parser = markdown_parser()
    if parser is None:
        return None
    try:
        tokens = parser.parse(text)
    except Exception:  # whatever markdown-it does with this text, rich.markdown will do again at render time
        return None
    stream: list[object] = []
    for token in _flattened(tokens):
        if token.type == "text":
            stream.append(token.content)
            continue
        item: list[object] = [token.type, token.tag, token.nesting]
        if token.content or token.attrs:
            item.append(token.content)
        if token.attrs:
            item.append(dict(token.attrs))
        stream.append(item)
    return compact_json(stream)


def _flattened(tokens: Sequence[Any]) -> Iterator[Any]:
    """Inline tokens' children in their place, as rich.markdown's Markdown._flatten_tokens yields them."""
    for token in tokens:
        if token.children and not (token.type == "fence" or token.tag == "img"):
            yield from _flattened(token.children)
        else:
            yield token
