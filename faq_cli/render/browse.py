"""`faq browse`: a full-screen picker over every entry, filtered as you type, with a live preview.

Built on prompt_toolkit, which only this module imports (and only `faq browse` imports this module):
it owns the keyboard, the alternate screen, resizing and restoring the terminal. The cards are Rich's,
the same the other commands print (compact in the preview, whole in the pager), rendered to ANSI text
at the width of the pane they go into; catalogue text reaches them only through the inert renderers of
`terminal.py`. The picker knows nothing of the catalogue: it is handed the list, a way to filter it and
a way to build an entry's card.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Sequence

from prompt_toolkit.application import Application, get_app, run_in_terminal
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.data_structures import Point
from prompt_toolkit.formatted_text import ANSI, StyleAndTextTuples, to_formatted_text
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import (
    BufferControl,
    Dimension,
    DynamicContainer,
    FormattedTextControl,
    HSplit,
    Layout,
    UIContent,
    UIControl,
    VSplit,
    Window,
)
from prompt_toolkit.styles import Style
from rich.console import Console, RenderableType

from faq_cli import query as q
from faq_cli.render import terminal
from faq_cli.render.text import one_line

SIDE_BY_SIDE = 110  # from this width the preview sits beside the list, below it under the list
KEYS = "type to filter · ↑↓ PgUp PgDn choose · Enter read in the pager · Esc or Ctrl-C leave"
SHORT_KEYS = "↑↓ PgUp PgDn choose · Enter read · Esc leave"  # when the whole line does not fit
KIND_WIDTH = 9  # "question", "incident", "person", "event" and a space
EXIT_INTERRUPTED = 130
_LINK = re.compile(r"\x1b\]8;[^\x07\x1b]*(?:\x07|\x1b\\)")  # OSC 8 hyperlinks: prompt_toolkit's ANSI cannot show them

STYLE = Style.from_dict(
    {
        "prompt": "bold",
        "count": "#888888",
        "kind": "#888888",
        "selected": "reverse",
        "rule": "#888888",
        "keys": "reverse",
        "empty": "italic",
    }
)


def ansi_lines(renderable: RenderableType, width: int, colour: bool) -> list[str]:
    """A renderable as the lines a terminal `width` cells wide shows, with colour codes when `colour`."""
    console = Console(
        file=io.StringIO(),
        width=max(width, 20),
        theme=terminal.THEME,
        force_terminal=colour,
        no_color=not colour,
        color_system="256" if colour else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    with console.capture() as captured:
        console.print(terminal.trimmed(renderable))
    return _LINK.sub("", captured.get()).rstrip("\n").split("\n")


class _Preview(UIControl):
    """The selected entry's card, drawn for the width of its pane (again after a resize)."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self._cache: dict[tuple[str, str, int], list[StyleAndTextTuples]] = {}

    def create_content(self, width: int, height: int) -> UIContent:
        item = self.browser.current()
        if item is None:
            lines: list[StyleAndTextTuples] = [[("class:empty", " nothing matches: change or shorten the filter")]]
        else:
            key = (item.type, item.id, width)
            if key not in self._cache:
                rendered = ansi_lines(self.browser.card(item, False), width, self.browser.colour)
                self._cache[key] = [to_formatted_text(ANSI(line)) for line in rendered]
            lines = self._cache[key]
        return UIContent(get_line=lambda n: lines[n], line_count=len(lines), show_cursor=False)

    def is_focusable(self) -> bool:
        return False


class Browser:
    """The picker's state and screen: the filter line, the list of what matches, the preview, the keys."""

    def __init__(
        self,
        find: Callable[[str], list[q.Related]],
        card: Callable[[q.Related, bool], RenderableType],
        page: Callable[[str], None],
    ) -> None:
        self.find, self.card, self.page = find, card, page
        self.colour = not os.environ.get("NO_COLOR")
        self.items: list[q.Related] = find("")
        self.total = len(self.items)
        self.selected = 0
        self.status = 0
        self.filter = Buffer(multiline=False, on_text_changed=self._refilter)
        self.application: Application[int] = Application(
            layout=Layout(self._screen(), focused_element=self.filter),
            key_bindings=self._keys(),
            style=STYLE,
            full_screen=True,
            mouse_support=False,
        )
        self.application.ttimeoutlen = 0.05  # Esc alone leaves at once, not after half a second

    def current(self) -> q.Related | None:
        return self.items[self.selected] if self.items else None

    def run(self) -> int:
        """Show the picker until the user leaves; the exit status (0, or 130 after Ctrl-C)."""
        return self.application.run() or 0

    # ---- what is on screen ------------------------------------------------------------------------

    def _screen(self) -> HSplit:
        top = VSplit(
            [
                Window(FormattedTextControl([("class:prompt", "> ")]), width=2, dont_extend_width=True),
                Window(BufferControl(self.filter), height=1),
                Window(FormattedTextControl(self._count), height=1, dont_extend_width=True),
            ]
        )
        listing = Window(
            FormattedTextControl(self._rows, get_cursor_position=lambda: Point(0, self.selected), show_cursor=False),
            wrap_lines=False,
        )
        preview = Window(_Preview(self), wrap_lines=False)

        side_by_side = VSplit([listing, Window(char="│", width=1, style="class:rule"), preview])
        stacked = HSplit([listing, Window(char="─", height=1, style="class:rule"), preview])

        def body() -> VSplit | HSplit:
            size = get_app().output.get_size()
            wide = size.columns >= SIDE_BY_SIDE
            # The list takes two fifths of a wide screen, a third of a narrow one; the preview the rest.
            listing.width = Dimension.exact(size.columns * 2 // 5) if wide else None
            listing.height = None if wide else Dimension.exact(max((size.rows - 4) // 3, 3))
            return side_by_side if wide else stacked

        def key_help() -> StyleAndTextTuples:
            fits = len(KEYS) + 2 <= get_app().output.get_size().columns
            return [("class:keys", f" {KEYS if fits else SHORT_KEYS} ")]

        keys = Window(FormattedTextControl(key_help), height=1, style="class:keys")
        return HSplit([top, Window(char="─", height=1, style="class:rule"), DynamicContainer(body), keys])

    def _count(self) -> StyleAndTextTuples:
        return [("class:count", f" {len(self.items)} of {self.total} ")]

    def _rows(self) -> StyleAndTextTuples:
        if not self.items:
            return [("class:empty", " no entry matches")]
        rows: StyleAndTextTuples = []
        for n, item in enumerate(self.items):
            style = "class:selected" if n == self.selected else ""
            rows.append((f"{style} class:kind", f" {item.type:<{KIND_WIDTH}}"))
            rows.append((style, f"{one_line(item.label)} \n"))
        return rows

    # ---- what the keys do -----------------------------------------------------------------------

    def _refilter(self, buffer: Buffer) -> None:
        self.items = self.find(buffer.text)
        self.selected = 0

    def _move(self, by: int) -> None:
        if self.items:
            self.selected = min(max(self.selected + by, 0), len(self.items) - 1)

    def _page_height(self) -> int:
        return max(get_app().output.get_size().rows // 3, 1)

    def _keys(self) -> KeyBindings:
        keys = KeyBindings()
        moves: Sequence[tuple[tuple[str, ...], Callable[[], int]]] = [
            (("up",), lambda: -1),
            (("c-p",), lambda: -1),
            (("down",), lambda: 1),
            (("c-n",), lambda: 1),
            (("pageup",), lambda: -self._page_height()),
            (("pagedown",), lambda: self._page_height()),
        ]
        for key, step in moves:
            keys.add(*key)(lambda event, step=step: self._move(step()))

        @keys.add("enter")
        def _open(event: KeyPressEvent) -> None:
            item = self.current()
            if item is not None:
                run_in_terminal(lambda: self.page(self._whole(item)))

        @keys.add("escape", eager=True)
        def _leave(event: KeyPressEvent) -> None:
            event.app.exit(result=0)

        @keys.add("c-c")
        @keys.add("c-q")
        def _interrupt(event: KeyPressEvent) -> None:
            event.app.exit(result=EXIT_INTERRUPTED)

        return keys

    def _whole(self, item: q.Related) -> str:
        width = get_app().output.get_size().columns
        return "\n".join(ansi_lines(self.card(item, True), width, self.colour)) + "\n"


def _sized(window: Window, weight: int) -> Window:
    window.height = Dimension(weight=weight)
    window.width = Dimension(weight=weight)
    return window


def run(
    find: Callable[[str], list[q.Related]], card: Callable[[q.Related, bool], RenderableType], page: Callable[[str], None]
) -> int:
    """Run the picker on the terminal; its exit status."""
    return Browser(find, card, page).run()
