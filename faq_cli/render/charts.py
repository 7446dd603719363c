"""The catalogue at a glance: the overview `faq` prints alone, and `faq stats` as bar charts.

Bars are drawn with Unicode eighth blocks (plain `#` on an ASCII-only console)
and sized to the width Rich offers, so a chart fits any terminal from 40 columns up.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.table import Table
from rich.text import Text

from faq_cli import stats as st
from faq_cli.render.terminal import MARKS, text

_EIGHTHS = " ▏▎▍▌▋▊▉"
_FULL = "█"
MAX_BAR = 40
MAX_KINDS = 12


@dataclass(frozen=True, slots=True)
class Bar:
    label: Text
    value: int


@dataclass(frozen=True, slots=True)
class BarChart:
    """Horizontal bars, one a row: label, bar, count; the longest bar fills the width left."""

    bars: Sequence[Bar]
    style: str = "chart"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        if not self.bars:
            return
        width = options.max_width
        label_width = min(max(b.label.cell_len for b in self.bars), max(width // 3, 4))
        peak = max(b.value for b in self.bars)
        count_width = len(str(peak))
        bar_width = max(min(width - label_width - count_width - 6, MAX_BAR), 1)
        for b in self.bars:
            label = b.label.copy()
            label.truncate(label_width, overflow="ellipsis", pad=True)
            bar = _bar(b.value / peak * bar_width if peak else 0.0, options.ascii_only)
            yield Text.assemble(
                "  ",
                label,
                "  ",
                Text(bar.ljust(bar_width), style=self.style),
                "  ",
                Text(f"{b.value:>{count_width}}", style="count"),
            )


def _bar(cells: float, ascii_only: bool) -> str:
    """A bar `cells` wide, to the eighth of a cell; a non-zero value always shows at least a sliver."""
    if ascii_only:
        return "#" * max(round(cells), 1 if cells > 0 else 0)
    eighths = max(round(cells * 8), 1 if cells > 0 else 0)
    return _FULL * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


def _heading(title: str, note: str = "") -> Text:
    return Text.assemble(Text(title, style="heading"), Text(f"  {note}" if note else "", style="hint"))


def stats(result: st.Stats, prog: str = "faq") -> RenderableType:
    """Incidents per year and per kind, and entries per verification level."""
    parts: list[RenderableType] = [text(result.info.name, "title")]
    if result.info.as_of:
        parts.append(Text(f"as of {result.info.as_of.human()}", style="date"))
    total = sum(n for _, n in result.per_year)
    parts += [Text(""), _heading("Incidents per year", _count(total, "incident"))]
    parts.append(
        BarChart([Bar(Text(str(y), style="date"), n) for y, n in result.per_year]) if total else Text("  none", style="hint")
    )
    parts += [Text(""), _heading("Incidents per kind")]
    kinds = result.per_kind[:MAX_KINDS]
    parts.append(BarChart([Bar(text(k, "kind"), n) for k, n in kinds], "chart.kind") if kinds else Text("  none", style="hint"))
    if len(result.per_kind) > MAX_KINDS:
        rest = result.per_kind[MAX_KINDS:]
        parts.append(
            Text(
                f"  and {len(rest)} more kinds ({sum(n for _, n in rest)} incidents); {prog} stats --json lists all", style="hint"
            )
        )
    parts += [Text(""), _heading("Entries per verification level")]
    parts.append(BarChart([Bar(_level(c.level), c.total) for c in result.verification], "chart.level"))
    parts.append(_level_table(result.verification))
    return Group(*parts)


def _level(level: str) -> Text:
    return Text(MARKS.get(level, f"● {level}"), style=f"verify.{level}")


def _level_table(levels: Sequence[st.LevelCount]) -> RenderableType:
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="hint", show_edge=False)
    table.add_column("", no_wrap=True)
    for section in st.VERIFIED_SECTIONS:
        table.add_column(section, justify="right", no_wrap=True)
    for c in levels:
        table.add_row(Text("  ") + _level(c.level), *(str(c.sections[s]) for s in st.VERIFIED_SECTIONS))
    return table


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def overview(result: st.Overview) -> RenderableType:
    """The catalogue's name and date, what each section holds, and commands to try."""
    info = result.info
    parts: list[RenderableType] = [text(info.name, "title")]
    dated = []
    if info.as_of:
        dated.append(f"as of {info.as_of.human()}")
    if result.first and result.last:
        dated.append(f"covers {result.first.human()}" + ("" if result.first == result.last else f" – {result.last.human()}"))
    if dated:
        parts.append(Text(" · ".join(dated), style="date"))
    if info.description:
        parts.append(text(info.description))
    if result.layers:
        parts.append(Text.assemble(Text("Layers  ", style="heading"), text(" + ".join(result.layers))))
    rows = [Text("Contents", style="heading")]
    width = max(len(str(n)) for n in result.counts.values())
    for section, command in st.SECTION_COMMANDS:
        n = result.counts[section]
        label = _section_label(section, n)
        shown = f"{result.prog} {command}"
        rows.append(Text.assemble("  ", Text(f"{n:>{width}}", style="count"), f" {label:<10} ", Text(shown, style="command")))
    parts += [Text(""), Group(*rows), Text(""), Text("Try", style="heading")]
    parts.append(Examples(result.examples))
    return Group(*parts)


@dataclass(frozen=True, slots=True)
class Examples:
    """Commands with what each does beside it; a purpose that does not fit the terminal is left out."""

    items: Sequence[st.Example]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        commands = [text(ex.command, "command") for ex in self.items]
        column = max((c.cell_len for c in commands), default=0) + 4
        for command, ex in zip(commands, self.items, strict=True):
            line = Text.assemble("  ", command)
            if column + len(ex.purpose) <= options.max_width:
                line.append(" " * (column - line.cell_len))
                line.append(ex.purpose, style="hint")
            yield line


def _section_label(section: str, n: int) -> str:
    singular = {"questions": "question", "incidents": "incident", "events": "event", "people": "person", "sources": "source"}
    return section if n != 1 else singular[section]
