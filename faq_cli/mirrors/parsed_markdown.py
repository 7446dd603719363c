"""Markdown parsed when the index was built, rendered exactly as rich.markdown renders it, without importing it.

`rich.markdown` imports markdown-it and Pygments, about 30 ms of a warm `faq ask`. The index
stores each Markdown field as the flat token stream Rich's renderer visits (see
`index.markdown_tokens`); `from_tokens` walks that stream as `rich.markdown.Markdown` does with
`hyperlinks=False`, element for element, for the tokens the catalogue uses and that every Rich
this package allows (13.7 to 15) renders alike: paragraphs, bullet and ordered lists, block
quotes, emphasis, strong, strikethrough, inline code, links, line breaks and HTML blocks (dropped).
For anything else it returns None and the caller lets rich.markdown parse the text: code blocks
(highlighted with Pygments), tables and images, and also headings, rules and inline HTML, which
Rich 15 renders differently from Rich 13. tests/test_parsed_markdown.py holds the two to the same
output.

The tokens carry catalogue text: it only ever becomes `Text` content, never markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import ClassVar, NamedTuple

from rich.console import Console, ConsoleOptions, RenderResult
from rich.containers import Renderables
from rich.segment import Segment
from rich.style import Style, StyleStack
from rich.text import Text

# What each supported token type does: "open"/"close" a block element (pushed on the element
# stack), "inline" a style or link inside one, "text" content, "leaf" a self-closing element.
_BLOCKS = ("paragraph", "blockquote", "bullet_list", "ordered_list", "list_item")
_STYLES = ("em", "strong", "s")
_KINDS: dict[str, str] = {
    **{f"{b}_open": "open" for b in _BLOCKS},
    **{f"{b}_close": "close" for b in _BLOCKS},
    **{f"{s}_open": "inline" for s in _STYLES},
    **{f"{s}_close": "inline" for s in _STYLES},
    "link_open": "inline",
    "link_close": "inline",
    "text": "text",
    "softbreak": "text",
    "hardbreak": "text",
    "code_inline": "text",
    "html_block": "leaf",
}
_INLINE_TAGS = frozenset({"em", "strong", "code", "s"})  # rich.markdown's Markdown.inlines: styles, not elements
_STYLED = frozenset({"code_inline", *(f"{s}_{end}" for s in _STYLES for end in ("open", "close"))})
_LISTS = ("bullet_list_open", "ordered_list_open")


class Token(NamedTuple):
    """The fields of a markdown-it token that rich.markdown reads."""

    type: str
    tag: str
    nesting: int
    content: str
    attrs: Mapping[str, object]


def from_tokens(stream: Sequence[object]) -> ParsedMarkdown | None:
    """The renderable for a stored token stream; None when it holds a token this module does not render."""
    tokens = _tokens(stream)
    return ParsedMarkdown(tokens) if tokens is not None and _well_formed(tokens) else None


def _tokens(stream: Sequence[object]) -> list[Token] | None:
    tokens: list[Token] = []
    for item in stream:
        if isinstance(item, str):
            tokens.append(Token("text", "", 0, item, {}))
            continue
        if not isinstance(item, list) or not 3 <= len(item) <= 5:
            return None
        kind, tag, nesting = item[0], item[1], item[2]
        content = item[3] if len(item) > 3 else ""
        attrs = item[4] if len(item) > 4 else {}
        if not (isinstance(kind, str) and isinstance(tag, str) and isinstance(content, str) and isinstance(attrs, dict)):
            return None
        expected = 1 if kind.endswith("_open") else -1 if kind.endswith("_close") else 0
        if kind not in _KINDS or type(nesting) is not int or nesting != expected or (tag in _INLINE_TAGS) != (kind in _STYLED):
            return None
        tokens.append(Token(kind, tag, nesting, content, attrs))
    return tokens


def _well_formed(tokens: Iterable[Token]) -> bool:
    """Whether the stream nests as markdown-it's does, so the walk below never meets a state Rich's never meets."""
    open_: list[str] = []
    elements = 0  # open tokens that push an element (blocks and links): text needs one to go to
    for token in tokens:
        role = _KINDS[token.type]
        parent = open_[-1] if open_ else None
        if token.type.endswith("_open"):
            if (parent in _LISTS) != (token.type == "list_item_open"):
                return False
            if role == "inline" and not elements:
                return False
            if token.type == "ordered_list_open" and not _is_number(token.attrs.get("start", 1)):
                return False
            open_.append(token.type)
            elements += role == "open" or token.type == "link_open"
        elif token.type.endswith("_close"):
            if parent != token.type[: -len("_close")] + "_open":
                return False
            open_.pop()
            elements -= role == "close" or token.type == "link_close"
        elif parent in _LISTS or (role == "text" and not elements):
            return False
    return not open_


def _is_number(value: object) -> bool:
    return type(value) is int and 0 <= value < 10**9  # markdown-it reads at most nine digits


# ---- rich.markdown's elements, for the tokens above ------------------------------------------------------


class _Context:
    """rich.markdown.MarkdownContext without inline-code highlighting (which Markdown(...) leaves off)."""

    def __init__(self, console: Console, options: ConsoleOptions, style: Style) -> None:
        self.console = console
        self.options = options
        self.style_stack = StyleStack(style)
        self.stack: list[_Element] = []

    @property
    def current_style(self) -> Style:
        return self.style_stack.current

    def on_text(self, text: str) -> None:
        self.stack[-1].on_text(self, text)

    def enter_style(self, style_name: str | Style) -> Style:
        self.style_stack.push(self.console.get_style(style_name, default="none"))
        return self.current_style

    def leave_style(self) -> Style:
        return self.style_stack.pop()


class _Element:
    new_line: ClassVar[bool] = True

    def on_enter(self, context: _Context) -> None:
        pass

    def on_text(self, context: _Context, text: str) -> None:
        pass

    def on_leave(self, context: _Context) -> None:
        pass

    def on_child_close(self, context: _Context, child: _Element) -> bool:
        return True

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return ()


class _TextElement(_Element):
    style_name = "none"
    style: Style
    text: Text

    def on_enter(self, context: _Context) -> None:
        self.style = context.enter_style(self.style_name)
        self.text = Text(justify="left")

    def on_text(self, context: _Context, text: str) -> None:
        self.text.append(text, context.current_style)

    def on_leave(self, context: _Context) -> None:
        context.leave_style()


class _Paragraph(_TextElement):
    style_name = "markdown.paragraph"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self.text.justify = "left"
        yield self.text


class _Container(_TextElement):
    """An element that holds the blocks inside it (a quote, a list item), as rich.markdown's do."""

    def __init__(self) -> None:
        self.elements = Renderables()

    def on_child_close(self, context: _Context, child: _Element) -> bool:
        self.elements.append(child)
        return False


class _BlockQuote(_Container):
    style_name = "markdown.block_quote"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = console.render_lines(self.elements, options.update(width=options.max_width - 4), style=self.style)
        padding = Segment("▌ ", self.style)
        for line in lines:
            yield padding
            yield from line
            yield Segment("\n")


class _ListItem(_Container):
    style_name = "markdown.item"

    def render_bullet(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = console.render_lines(self.elements, options.update(width=options.max_width - 3), style=self.style)
        bullet_style = console.get_style("markdown.item.bullet", default="none")
        yield from _prefixed(lines, Segment(" • ", bullet_style), Segment(" " * 3, bullet_style))

    def render_number(self, console: Console, options: ConsoleOptions, number: int, last_number: int) -> RenderResult:
        width = len(str(last_number)) + 2
        lines = console.render_lines(self.elements, options.update(width=options.max_width - width), style=self.style)
        number_style = console.get_style("markdown.item.number", default="none")
        numeral = Segment(f"{number}".rjust(width - 1) + " ", number_style)
        yield from _prefixed(lines, numeral, Segment(" " * width, number_style))


def _prefixed(lines: Iterable[list[Segment]], first: Segment, rest: Segment) -> Iterator[Segment]:
    for n, line in enumerate(lines):
        yield rest if n else first
        yield from line
        yield Segment("\n")


class _List(_Element):
    def __init__(self, list_type: str, list_start: int) -> None:
        self.items: list[_ListItem] = []
        self.list_type = list_type
        self.list_start = list_start

    def on_child_close(self, context: _Context, child: _Element) -> bool:
        assert isinstance(child, _ListItem)  # _well_formed lets nothing else close inside a list
        self.items.append(child)
        return False

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.list_type == "bullet_list_open":
            for item in self.items:
                yield from item.render_bullet(console, options)
        else:
            last_number = self.list_start + len(self.items)
            for index, item in enumerate(self.items):
                yield from item.render_number(console, options, self.list_start + index, last_number)


class _Link(_TextElement):
    def __init__(self, text: str, href: str) -> None:
        self.text = Text(text)
        self.href = href


def _closed(console: Console, context: _Context, element: _Element, new_line: bool) -> RenderResult:
    """An element as it closes, as rich.markdown handles it: given to its parent if that keeps it, else rendered."""
    if not context.stack or context.stack[-1].on_child_close(context, element):
        if new_line:
            yield Segment.line()
        yield from console.render(element, context.options)
    element.on_leave(context)


def _element(token: Token) -> _Element:
    if token.type == "paragraph_open":
        return _Paragraph()
    if token.type == "blockquote_open":
        return _BlockQuote()
    if token.type in _LISTS:
        start = token.attrs.get("start", 1)
        return _List(token.type, start if isinstance(start, int) else 1)
    if token.type == "list_item_open":
        return _ListItem()
    return _Element()  # rich.markdown's UnknownElement: renders nothing


class ParsedMarkdown:
    """A Markdown text from its stored tokens, rendered as `rich.markdown.Markdown(text, hyperlinks=False)` renders it."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # The loop of Markdown.__rich_console__, with its hyperlinks=False branches.
        options = options.update(height=None)
        context = _Context(console, options, console.get_style("none", default="none"))
        new_line = False
        for token in self.tokens:
            kind = token.type
            if kind == "text":
                context.on_text(token.content)
            elif kind == "hardbreak":
                context.on_text("\n")
            elif kind == "softbreak":
                context.on_text(" ")
            elif kind == "link_open":
                context.stack.append(_Link(token.content, str(token.attrs.get("href", "#"))))
            elif kind == "link_close":
                link = context.stack.pop()
                assert isinstance(link, _Link)
                context.enter_style("markdown.link")
                context.on_text(link.text.plain)
                context.leave_style()
                context.on_text(" (")
                context.enter_style("markdown.link_url")
                context.on_text(link.href)
                context.leave_style()
                context.on_text(")")
            elif token.tag in _INLINE_TAGS:
                if token.nesting == 1:
                    context.enter_style(f"markdown.{token.tag}")
                elif token.nesting == -1:
                    context.leave_style()
                else:
                    context.enter_style(f"markdown.{token.tag}")
                    if token.content:
                        context.on_text(token.content)
                    context.leave_style()
            elif token.nesting == -1:
                element = context.stack.pop()
                yield from _closed(console, context, element, new_line)
                new_line = element.new_line
            else:
                element = _element(token)
                context.stack.append(element)
                element.on_enter(context)
                if token.nesting == 0:
                    context.stack.pop()
                    element.on_text(context, token.content)
                    yield from _closed(console, context, element, new_line)
                    new_line = element.new_line
