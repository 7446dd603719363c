"""The terminal view: Rich renderables built from query results.

Catalogue text only ever enters Rich as `Text` (never as markup) after
`inert()`, so markup, escape sequences and control characters in the data are
shown, not obeyed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from faq_cli import query as q
from faq_cli.catalogue.model import OUTCOMES, Casualties, PartialDate, Person, Source, Status
from faq_cli.errors import Problem
from faq_cli.text.inert import UNSAFE, inert, one_line

if TYPE_CHECKING:  # imported by the commands that show them, not by every lookup
    from faq_cli.catalogue.layers import Registered
    from faq_cli.catalogue.registry import LayerRow

THEME = Theme(
    {
        "date": "cyan",
        "name": "bold",
        "id": "dim",
        "kind": "magenta",
        "place": "default",
        "killed": "bold red",
        "wounded": "yellow",
        "unharmed": "green",
        "unknown": "dim",
        "verify.reported": "yellow",
        "verify.unverified": "bold red",
        "source": "dim",
        "heading": "bold cyan",
        "hint": "dim",
        "score": "dim",
        "error": "bold red",
        "dispute": "italic yellow",
        "hit": "bold reverse",
        "title": "bold",
        "command": "green",
        "count": "bold",
        "chart": "cyan",
        "chart.kind": "magenta",
        "chart.level": "blue",
        "verify.confirmed": "green",
    }
)
MARKS = {"reported": "◐ reported", "unverified": "○ unverified"}


def console(stderr: bool = False) -> Console:
    """A console that follows the terminal, NO_COLOR, FORCE_COLOR and TERM=dumb; plain in a pipe."""
    # Rich alone keeps bold and links under NO_COLOR; no-color.org users expect no escape codes at all.
    no_color = os.environ.get("NO_COLOR", "") != ""
    return Console(
        theme=THEME,
        stderr=stderr,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
        force_terminal=None,
        color_system=None if no_color else "auto",
        no_color=no_color,
    )


def text(value: object, style: str = "") -> Text:
    return Text(one_line(value), style=style)


def verification_mark(level: str) -> Text:
    return Text(MARKS[level], style=f"verify.{level}") if level in MARKS else Text("")


PANEL_WIDTH = 100  # prose wider than this is hard to read, however wide the terminal
NARROW = 80  # below this width, tables fold their secondary columns into the main one
FULL = 110  # from this width, every field has a column of its own
WIDE = 150  # from this width, ids too
EXPLAIN = {
    "reported": "credible reporting, not officially confirmed",
    "unverified": "rumour or speculation, not confirmed",
}
# The command that opens each kind of entry; every command shown starts with the call's own `faq --data …` (`prog`).
VERB_FOR = {"person": "profile", "incident": "incident", "event": "event", "question": "ask"}
PROG = "faq"


class _Fit:
    """A renderable built for the width it is given, so a layout can fold columns on a narrow terminal."""

    def __init__(self, build: Callable[[int], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.build(options.max_width))


def _panel(title: Text, parts: Sequence[RenderableType]) -> RenderableType:
    """A card at most PANEL_WIDTH wide; a title too long for the top border opens the body instead."""

    def build(width: int) -> RenderableType:
        inner = min(width, PANEL_WIDTH)
        fits = title.cell_len + 6 <= inner
        body = _spaced(parts if fits else [title, *parts])
        return Panel(
            Group(*body), title=title if fits else None, title_align="left", border_style="cyan", padding=(0, 1), width=inner
        )

    return _Fit(build)


def _spaced(parts: Iterable[RenderableType]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for part in parts:
        if out:
            out.append(Text(""))
        out.append(part)
    return out


def _section(heading: str, body: RenderableType) -> RenderableType:
    return Group(Text(heading, style="heading"), body)


def _bulleted(rows: Sequence[RenderableType], bullet: str = "  •") -> Table:
    """A list whose wrapped lines keep their indent."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="hint")
    grid.add_column(overflow="fold")  # a word longer than the line (a link) is folded, never cut with "…"
    for row in rows:
        grid.add_row(bullet, row)
    return grid


def _labelled(rows: Sequence[tuple[str, RenderableType]]) -> Table:
    """`Label  value` rows, values wrapping in their own column."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="heading", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def _pointers(items: Sequence[tuple[Text, str]], leads: Sequence[str] | None = None) -> RenderableType:
    """Labels with the command that shows each: beside the label when there is room, under it otherwise."""

    def build(width: int) -> RenderableType:
        marks = list(leads) if leads is not None else ["  →"] * len(items)
        lead = max((cell_len(m) for m in marks), default=0)
        longest = max((cell_len(command) for _, command in items), default=0)
        widest = max((label.cell_len for label, _ in items), default=0)
        beside = width - lead - longest - 4 >= min(widest, 50)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="hint")
        grid.add_column()
        if beside:
            grid.add_column(no_wrap=True, style="hint")
        for mark, (label, command) in zip(marks, items, strict=True):
            if beside:
                grid.add_row(mark, label, " " + command)
            else:
                grid.add_row(mark, Text.assemble(label, "\n", Text(command, style="hint")))
        return grid

    return _Fit(build)


def _verification(level: str) -> Text:
    """The mark with what it means, for a card's first line."""
    return Text.assemble(verification_mark(level), Text(f" — {EXPLAIN[level]}", style="hint"))


def _link(source: Source) -> Text | None:
    if not (source.url and source.url.startswith(("http://", "https://"))):
        return None
    url = one_line(source.url)
    return Text(url, style=Style(link=url, dim=True), overflow="fold")  # folded, never cut: a reader copies it whole


def _cited(sources: Sequence[Source]) -> Text:
    return Text("; ".join(f"{one_line(s.publisher)}, {s.date.human()}" for s in sources), style="source")


def _sources_block(sources: Sequence[Source]) -> RenderableType:
    rows: list[RenderableType] = []
    for s in sources:
        line = Text.assemble(text(s.publisher, "name"), ", ", text(s.date.human(), "date"), " — ", text(s.title))
        link = _link(s)
        if link is not None:
            line.append("\n")
            line.append_text(link)
        rows.append(line)
    return _section("Sources", _bulleted(rows))


def _disputes_block(views: Sequence[q.DisputeView], stated_elsewhere: str) -> RenderableType:
    """Each disagreement: the preferred version and the other one, each with its sources, one under the other."""
    blocks: list[RenderableType] = []
    for d in views:
        heading = Text("Sources disagree", style="heading")
        if d.about:
            heading.append(f" about {one_line(d.about)}", style="heading")
        preferred = text(d.stated) if d.stated else Text(stated_elsewhere, style="hint")
        if d.stated_sources:
            preferred.append_text(Text.assemble(" — ", _cited(d.stated_sources)))
        other = Text.assemble(text(d.claim, "dispute"), " — ", _cited(d.claim_sources))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="hint")
        grid.add_column()
        grid.add_row("  preferred", preferred)
        grid.add_row("  other", other)
        blocks.append(Group(heading, grid))
    return Group(*_spaced(blocks))


def markdown(body: str, parsed: Mapping[str, Sequence[object]] | None = None) -> RenderableType:
    """A Markdown field: from the tokens the index stored for it (`parsed`), else parsed by rich.markdown; same output."""
    tokens = parsed.get(body) if parsed else None
    if tokens is not None:
        from faq_cli.mirrors.parsed_markdown import from_tokens

        rendered = from_tokens(tokens)
        if rendered is not None:
            return _Scrubbed(rendered)
    return _Scrubbed(_RichMarkdown(inert(body)))


class _RichMarkdown:
    """rich.markdown's rendering of an inert text; the text as written where Rich fails on it (a stray
    `</kbd>` makes Rich 15 index an empty stack): a catalogue's text must never crash a lookup."""

    def __init__(self, body: str) -> None:
        self.body = body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        # Imported here: rich.markdown brings markdown-it and Pygments (about 30 ms), which tables never need.
        from rich.markdown import Markdown

        try:
            segments = list(console.render(Markdown(self.body, hyperlinks=False), options))
        except Exception:  # a bug in Rich's Markdown, not in the catalogue: show the text itself
            segments = list(console.render(Text(self.body.rstrip()), options))
        yield from segments


class _Scrubbed:
    """Markdown decodes entities such as `&#x202e;` after inert() has run: drop any unsafe character that yields."""

    def __init__(self, inner: RenderableType) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for segment in console.render(self.inner, options):
            if segment.control or not UNSAFE.search(segment.text):
                yield segment
            else:  # keep the measured width: what Rich counted as one cell stays one cell
                yield Segment(UNSAFE.sub(lambda m: "?" * cell_len(m.group()), segment.text), segment.style)


def command_for(item: q.Related, prog: str = PROG) -> str:
    """The command that shows a related entry."""
    return f"{prog} {VERB_FOR.get(item.type, 'search')} {item.id}"


def _related_label(item: q.Related) -> Text:
    if item.date is None:
        return text(item.label)
    return Text.assemble(text(item.date.human(), "date"), "  ", text(item.label))


def _see_also(items: Sequence[q.Related], prog: str) -> RenderableType:
    return _section("See also", _pointers([(_related_label(r), command_for(r, prog)) for r in items]))


def answer(result: q.Answer, *, full: bool = False, prog: str = PROG) -> RenderableType:
    """The answer: a question's card; or a person's, incident's or event's, under the stated fact the query
    asked for; then, with --top, the other candidates. Compact unless `full` (see `_footer`)."""
    if result.question is None:
        return _entry_answer(result, full, prog)
    question = result.question
    parts: list[RenderableType] = []
    if question.verification != "confirmed":
        parts.append(_verification(question.verification))
    parts.append(markdown(question.answer, result.parsed))
    if full:
        if result.disputes:
            parts.append(_disputes_block(result.disputes, "the answer above"))
        if result.sources:
            parts.append(_sources_block(result.sources))
        if result.related:
            parts.append(_see_also(result.related, prog))
    else:
        related = [(_related_label(r), command_for(r, prog)) for r in result.related]
        left_out = _left_out(result.disputes, result.sources, len(related))
        parts.append(_footer(result.sources, related, left_out, f"{prog} ask {question.id} --full"))
    renderables: list[RenderableType] = [_panel(text(question.question, "bold"), parts)]
    if result.alternatives:
        renderables.append(_alternatives(result.alternatives, prog))
    return Group(*renderables)


def _entry_answer(result: q.Answer, full: bool, prog: str) -> RenderableType:
    """A person's, incident's or event's card; under a stated fact, a short card (its facts) unless `full`."""
    renderables: list[RenderableType] = []
    if result.fact is not None:
        parts: list[RenderableType] = [text(result.fact.text)]
        if result.fact.sources and full:
            parts.append(Text.assemble(Text("Sources: ", style="hint"), _cited(result.fact.sources)))
        elif result.fact.sources:
            parts.append(_footer(result.fact.sources, [], [], ""))
        renderables.append(_panel(text(result.query, "bold"), parts))
    view = result.view
    brief = result.fact is not None and not full
    if isinstance(view, q.Profile):
        renderables.append(profile(view, full=full, brief=brief, prog=prog))
    elif isinstance(view, q.IncidentView):
        renderables.append(incident(view, full=full, brief=brief, prog=prog))
    elif isinstance(view, q.EventView):
        renderables.append(event(view, full=full, brief=brief, prog=prog))
    if result.alternatives:
        renderables.append(_alternatives(result.alternatives, prog))
    return Group(*renderables)


SEE_ALSO_SHOWN = 3  # a compact card points at this many related entries, a line each
LABEL_ROOM = 12  # "see also" lines drop their labels when fewer cells than this are left beside the commands


def _left_out(disputes: Sequence[q.DisputeView], sources: Sequence[Source], related: int, *more: str) -> list[str]:
    """What the full card adds to a compact one, most important first: '1 dispute, 4 sources, 2 more related'."""
    found = [_count(len(disputes), "dispute")] if disputes else []
    found += [m for m in more if m]
    if sources:
        found.append(f"{_count(len(sources), 'source')} in full")
    if related > SEE_ALSO_SHOWN:
        found.append(f"{related - SEE_ALSO_SHOWN} more related")
    return found


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _footer(
    sources: Sequence[Source], related: Sequence[tuple[Text, str]], left_out: Sequence[str], command: str
) -> RenderableType:
    """The end of a compact card: sources on one line, at most three 'see also' lines (a label cut short, its
    command never), and what the full card adds with the command that shows it, on one line where it fits."""

    def build(width: int) -> RenderableType:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="heading", no_wrap=True)
        grid.add_column()
        room = max(width - cell_len("See also") - 2, 1)
        if sources:
            grid.add_row("Sources", _sources_line(sources, room))
        if related:
            grid.add_row("See also", _pointer_lines(related[:SEE_ALSO_SHOWN], room))
        if left_out:
            grid.add_row("More", _more_line(left_out, command, room))
        return grid

    return _Fit(build)


def _sources_line(sources: Sequence[Source], room: int) -> Text:
    """'Publisher, date; …' for as many sources as fit in `room` cells, then '+N more'."""
    names = [f"{one_line(s.publisher)}, {s.date.human()}" for s in sources]
    for shown in range(len(names), 0, -1):
        rest = len(names) - shown
        line = "; ".join(names[:shown]) + (f"; +{rest} more" if rest else "")
        if cell_len(line) <= room or shown == 1:
            cut = Text(line, style="source", no_wrap=True, overflow="ellipsis")
            cut.truncate(room, overflow="ellipsis")
            return cut
    return Text("")


def _pointer_lines(items: Sequence[tuple[Text, str]], room: int) -> RenderableType:
    """A line per entry: its label cut to the room left beside the commands, which line up and are never cut;
    the commands alone where the labels would have too little room."""
    longest = max(cell_len(command) for _, command in items)
    space = room - longest - 2
    grid = Table.grid(padding=(0, 2))
    if space >= LABEL_ROOM:
        grid.add_column(no_wrap=True, overflow="ellipsis", max_width=space)
    # A command longer than the line (`faq --data …` of a deep path) wraps at its spaces rather than lose its end.
    grid.add_column(no_wrap=longest <= room, overflow="fold", style="hint")
    for label, command in items:
        if space >= LABEL_ROOM:
            shown = label.copy()
            shown.truncate(space, overflow="ellipsis")
            grid.add_row(shown, command)
        else:
            grid.add_row(command)
    return grid


def _more_line(left_out: Sequence[str], command: str, room: int) -> Text:
    """'1 dispute, 4 sources in full: faq ask ID --full', dropping the words that do not fit one line, from the
    least important; a dispute is never dropped (sources that disagree are never hidden silently)."""
    least = 1 if left_out and left_out[0].endswith(("dispute", "disputes")) else 0
    for kept in range(len(left_out), least - 1, -1):
        words = ", ".join(left_out[:kept]) + (" and more" if 0 < kept < len(left_out) else "") + (": " if kept else "")
        fits = cell_len(words) + cell_len(command) <= room
        if fits or kept == least:  # the command on a line of its own when it cannot share one: copied whole
            return Text.assemble(
                Text(words, style="dispute" if least else "hint"),
                "" if fits or not words else "\n",
                Text(command, style="command"),
            )
    return Text(command, style="command")


def _alternatives(candidates: Sequence[q.Candidate], prog: str) -> RenderableType:
    items = [(text(c.label), f"{prog} {VERB_FOR.get(c.kind, 'ask')} {c.id}") for c in candidates]
    return _section("Other candidates", _pointers(items, [f"  {c.score:5.1f}" for c in candidates]))


def no_match(result: q.NoMatch, prog: str = PROG) -> RenderableType:
    if result.ambiguous:
        head = Text(f"'{one_line(result.query)}' could be more than one {result.what}:", style="bold")
    elif result.what == "question":
        head = Text("No confident answer in this catalogue.", style="bold")
    else:
        head = Text(f"No such {result.what}: '{one_line(result.query)}'.", style="bold")
    rows: list[RenderableType] = [head]
    if result.hint is not None:
        rows.append(
            Text.assemble(
                Text("It names ", style="hint"),
                text(result.hint.label, "name"),
                Text(": ", style="hint"),
                Text(command_for(result.hint, prog), style="command"),
            )
        )
    if not result.candidates:
        return Group(*rows) if len(rows) > 1 else head
    verb = VERB_FOR[result.what]
    items = [
        (text(c.label, "name"), f"{prog} {VERB_FOR.get(c.kind, verb) if result.what == 'question' else verb} {c.id}")
        for c in result.candidates
    ]
    if not result.ambiguous:
        rows.append(Text("Closest:", style="hint"))
    rows.append(_pointers(items, [" "] * len(items)))
    return Group(*rows)


def questions(numbered: Sequence[tuple[int, object]]) -> RenderableType:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right", style="dim", no_wrap=True)
    table.add_column(ratio=1)
    for n, item in numbered:
        tags = getattr(item, "tags", ())
        label = Text.assemble(
            text(getattr(item, "question", "")), "  ", Text(" ".join(f"#{one_line(t)}" for t in tags), style="kind")
        )
        table.add_row(f"{n}.", label)
    return table


def _outcome(outcome: str) -> Text:
    return text(outcome, outcome if outcome in OUTCOMES else "")


def _counts(casualties: Casualties) -> str:
    pairs = ((casualties.killed, "killed"), (casualties.wounded, "wounded"))
    return ", ".join(f"{n} {label}" for n, label in pairs if n)


def _involved(row: q.IncidentRow) -> Text:
    """Each person on a line with their outcome; unnamed casualties as a count."""
    cell = Text()
    incident = row.incident
    for r in row.people:
        if cell:
            cell.append("\n")
        cell.append_text(Text.assemble(text(r.name, "name"), " (", _outcome(r.involvement.outcome), ")"))
    if not incident.people and incident.casualties and _counts(incident.casualties):
        cell.append_text(Text.assemble(Text(_counts(incident.casualties), style="killed"), Text(", none named", style="hint")))
    return cell


def _titled(title: str, verification: str) -> Text:
    """A title with its verification mark under it, when it is not confirmed (a mark never splits across lines)."""
    line = text(title)
    if verification != "confirmed":
        line.append("\n")
        line.append_text(verification_mark(verification))
    return line


def _legend(levels: Iterable[str]) -> Text | None:
    present = set(levels)
    shown = [level for level in MARKS if level in present]
    if not shown:
        return None
    return Text("  ".join(f"{MARKS[level]}: {EXPLAIN[level]}" for level in shown), style="hint")


def _table() -> Table:
    """The listing style: a rule under the header, no borders, a blank line between rows, the full width."""
    return Table(
        box=box.SIMPLE_HEAD, show_edge=False, header_style="heading", pad_edge=False, padding=(0, 1), leading=1, expand=True
    )


def _with_legend(table: Table, levels: Iterable[str]) -> RenderableType:
    legend = _legend(levels)
    return table if legend is None else Group(table, Text(""), legend)


def incidents(rows: Sequence[q.IncidentRow]) -> RenderableType:
    """The incidents table: a column each on a wide terminal; kind and place (then people) folded under the title."""
    if not rows:
        return Text("no incidents")

    def build(width: int) -> RenderableType:
        table = _table()
        table.add_column("Date", style="date", no_wrap=True)
        table.add_column("Incident", ratio=3)
        if width >= FULL:
            table.add_column("Kind", style="kind", no_wrap=True)
            table.add_column("Place", ratio=2)
        if width >= NARROW:
            table.add_column("People", ratio=2)
        if width >= WIDE:
            table.add_column("Id", style="id", no_wrap=True)
        for row in rows:
            i = row.incident
            when, title, people = text(i.date.human()), _titled(i.title, i.verification), _involved(row)
            where = Text.assemble(text(i.kind, "kind"), Text(" · ", style="hint"), text(i.place, "hint"))
            # Below WIDE the id `faq incident` takes has no column: it ends the title's cell.
            handle = Text.assemble("\n", text(i.id, "id"))
            if width >= FULL:
                if width >= WIDE:
                    table.add_row(when, title, text(i.kind), text(i.place), people, text(i.id))
                else:
                    table.add_row(when, Text.assemble(title, handle), text(i.kind), text(i.place), people)
            elif width >= NARROW:
                table.add_row(when, Text.assemble(title, "\n", where, handle), people)
            else:
                table.add_row(when, Text.assemble(title, "\n", where, "\n" if people else "", people, handle))
        return _with_legend(table, (row.incident.verification for row in rows))

    return _Fit(build)


def incident(view: q.IncidentView, *, full: bool = False, brief: bool = False, prog: str = PROG) -> RenderableType:
    """One incident: facts, people, what happened, then (`full`) disputes, sources and where to read on, or
    (compact) a line of sources, three pointers and what the full card adds; `brief`: the facts alone."""
    i = view.incident
    facts: list[tuple[str, RenderableType]] = [
        ("When", text(i.date.human(), "date")),
        ("Where", text(i.place)),
        ("Kind", text(i.kind, "kind")),
    ]
    if i.verification != "confirmed":
        facts.append(("Verification", _verification(i.verification)))
    for n, role in enumerate(view.people):
        inv = role.involvement
        who = Text.assemble(text(role.name, "name"), Text(f" — {one_line(inv.role)}, ", style="hint"), _outcome(inv.outcome))
        facts.append(("People" if n == 0 else "", who))
    if i.casualties:
        counts = _counts(i.casualties) or "none reported"
        note = f" — {one_line(i.casualties.note)}" if i.casualties.note and full else ""
        facts.append(("Casualties", Text.assemble(Text(counts, style="killed" if i.casualties.killed else ""), note)))
    if i.attribution:
        a = i.attribution
        line = Text.assemble(text(a.status, "kind"), f" — {one_line(a.by)}" if a.by else "")
        if a.note and full:
            line.append_text(Text.assemble("\n", text(a.note, "hint")))
        facts.append(("Attribution", line))
    parts: list[RenderableType] = [_labelled(facts)]
    people = [q.Related(r.involvement.person, "person", r.name) for r in view.people]
    see = [*people, *view.incidents, *view.events, *view.questions]
    notes = " and ".join(
        n
        for n, has in (
            ("casualties", i.casualties and i.casualties.note),
            ("attribution", i.attribution and i.attribution.note),
        )
        if has
    )
    parts += _story(view, i.summary, see, f"{prog} incident {i.id}", full, brief, prog, f"notes on {notes}" if notes else "")
    return _panel(text(i.title, "bold"), parts)


def _story(
    view: q.IncidentView | q.EventView,
    summary: str | None,
    see: Sequence[q.Related],
    command: str,
    full: bool,
    brief: bool,
    prog: str,
    notes: str = "",
) -> list[RenderableType]:
    """What an incident's or an event's card shows below its facts: the command for the whole entry
    (`brief`); what happened, disputes, sources and where to read on (`full`); or the summary and the
    compact footer, naming what `--full` adds (`notes` among it)."""
    if brief:
        return [_whole(command)]
    parts: list[RenderableType] = []
    if full:
        if summary:
            parts.append(_section("What happened", markdown(summary, view.parsed)))
        if view.disputes:
            parts.append(_disputes_block(view.disputes, "as above"))
        if view.sources:
            parts.append(_sources_block(view.sources))
        if see:
            parts.append(_see_also(see, prog))
        return parts
    if summary:
        parts.append(markdown(summary, view.parsed))
    related = [(_related_label(r), command_for(r, prog)) for r in see]
    parts.append(_footer(view.sources, related, _left_out(view.disputes, view.sources, len(see), notes), f"{command} --full"))
    return parts


def _whole(command: str) -> RenderableType:
    """A short card's last line: the command that shows the whole entry."""
    return _labelled([("More", Text.assemble(Text("the whole entry: ", style="hint"), Text(command, style="command")))])


def event(view: q.EventView, *, full: bool = False, brief: bool = False, prog: str = PROG) -> RenderableType:
    """One event: when, its people, what happened, then disputes, sources and where to read on (`full`), or
    the compact card's footer; `brief`: the facts alone."""
    e = view.event
    facts: list[tuple[str, RenderableType]] = [("When", text(span(e.date, e.end), "date"))]
    if e.kind:
        facts.append(("Kind", text(e.kind, "kind")))
    if e.verification != "confirmed":
        facts.append(("Verification", _verification(e.verification)))
    for n, person in enumerate(view.people):
        facts.append(("People" if n == 0 else "", text(person.label, "name")))
    parts: list[RenderableType] = [_labelled(facts)]
    see = [*view.people, *view.incidents, *view.questions]
    parts += _story(view, e.summary, see, f"{prog} event {e.id}", full, brief, prog)
    return _panel(text(e.title, "bold"), parts)


def span(start: PartialDate, end: PartialDate | None) -> str:
    """A date or a span at its own precision, without repeating the shared year or month: "23–24 Jun 2023"."""
    if end is None or end == start:
        return start.human()
    if start.precision == end.precision == "day" and start.year == end.year:
        if start.month == end.month:
            return f"{start.day}–{end.human()}"
        return f"{start.human().rsplit(' ', 1)[0]} – {end.human()}"
    return f"{start.human()} – {end.human()}"


TYPE_STYLE = {"incident": "bold", "event": "kind", "position": "hint"}


def timeline(items: Sequence[q.TimelineItem]) -> RenderableType:
    """Years as headings; under each, date (or span), type and title in columns aligned across years."""
    if not items:
        return Text("nothing on this timeline")

    def build(width: int) -> RenderableType:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="date")
        grid.add_column(no_wrap=True)
        grid.add_column()
        if width >= WIDE:
            grid.add_column(style="id", no_wrap=True)
        for n, (year, group) in enumerate(groupby(items, key=lambda i: i.date.year)):
            if n:
                grid.add_row("")
            grid.add_row(Text(str(year), style="heading"))
            for item in group:
                row: list[RenderableType] = [
                    Text("  " + span(item.date, item.end)),
                    Text(item.type, style=TYPE_STYLE.get(item.type, "")),
                    _titled(item.title, item.verification),
                ]
                grid.add_row(*row, *([text(item.id)] if width >= WIDE else []))
        legend = _legend(i.verification for i in items)
        return grid if legend is None else Group(grid, Text(""), legend)

    return _Fit(build)


def _status(status: Status, *, explain: bool = False) -> Text:
    """State, then the date it holds for, then its verification mark (`explain`ed in a card), each on a line."""
    line = Text.assemble(
        text(status.state, status.state if status.state in OUTCOMES else "name"),
        Text(f"\nas of {status.as_of.human()}", style="date"),
    )
    if status.verification != "confirmed":
        line.append("\n")
        line.append_text(_verification(status.verification) if explain else verification_mark(status.verification))
    return line


def profile(result: q.Profile, *, full: bool = False, brief: bool = False, prog: str = PROG) -> RenderableType:
    """One person: names, status, summary, then (`full`) positions, honours, sanctions, incidents, questions,
    disputes and sources, or (compact) the main position, a line of sources, three pointers and what the full
    card adds; `brief`: the facts alone."""
    p = result.person
    facts: list[tuple[str, RenderableType]] = []
    if p.native_name:
        facts.append(("Native name", text(p.native_name)))
    if p.aliases:
        facts.append(("Also written", text(", ".join(p.aliases))))
    if p.born or p.birthplace:
        facts.append(("Born", text(", ".join(x for x in (p.born.human() if p.born else "", p.birthplace or "") if x))))
    if p.status:
        status = _status(p.status, explain=True)
        if p.status.note and full:
            status.append_text(Text.assemble("\n", text(p.status.note, "hint")))
        facts.append(("Status", status))
    if p.verification != "confirmed":
        facts.append(("Verification", _verification(p.verification)))
    main = p.main_position
    if main is not None and not full:
        position = Text.assemble(text(main.title), ", ", text(main.organisation))
        if main.span():
            position.append_text(Text(f" ({main.span()})", style="date"))
        facts.append(("Position", position))
    parts: list[RenderableType] = [_labelled(facts)] if facts else []
    if brief:
        return _panel(text(p.name, "bold"), [*parts, _whole(f"{prog} profile {p.id}")])
    if p.summary:
        parts.append(markdown(p.summary, result.parsed))
    if not full:
        related = [
            (Text.assemble(text(i.date.human(), "date"), "  ", text(i.title)), f"{prog} incident {i.id}")
            for i, _ in result.incidents
        ]
        related += [(text(x.question), f"{prog} ask {x.id}") for x in result.questions]
        others = len(p.positions) - (main is not None)
        more = [
            _count(others, "other position") if others > 0 else "",
            _count(len(p.honours), "honour") if p.honours else "",
            _count(len(p.sanctions), "sanction") if p.sanctions else "",
            "a note on the status" if p.status and p.status.note else "",
        ]
        unread = len(result.mentions) - len(result.questions)  # questions that mention them beyond those read
        left_out = _left_out(result.disputes, result.sources, len(related) + unread, *more)
        parts.append(_footer(result.sources, related, left_out, f"{prog} profile {p.id} --full"))
        return _panel(text(p.name, "bold"), parts)
    if p.positions:
        rows = []
        for pos in p.positions:
            row = Text.assemble(text(pos.title, "name"), ", ", text(pos.organisation))
            detail = [x for x in (Text(pos.span(), style="date"), text(pos.note or "", "hint")) if x]
            if detail:
                row.append_text(Text.assemble("\n", Text(" · ").join(detail)))
            rows.append(row)
        parts.append(_section("Positions", _bulleted(rows)))
    if p.honours:
        rows = []
        for h in p.honours:
            row = Text.assemble(text(h.title, "name"), "  ", text(h.date.human() if h.date else "", "date"))
            if h.note:
                row.append_text(Text.assemble("\n", text(h.note, "hint")))
            rows.append(row)
        parts.append(_section("Honours", _bulleted(rows)))
    if p.sanctions:
        rows = [Text.assemble(text(s.by, "name"), ", ", text(s.date.human(), "date"), "\n", text(s.reason)) for s in p.sanctions]
        parts.append(_section("Sanctions", _bulleted(rows)))
    if result.incidents:
        items = []
        for i, inv in result.incidents:
            label = Text.assemble(text(i.date.human(), "date"), "  ", _titled(i.title, i.verification))
            label.append_text(Text.assemble("\n", Text(f"{one_line(inv.role)}, ", style="hint"), _outcome(inv.outcome)))
            items.append((label, f"{prog} incident {i.id}"))
        parts.append(_section("Incidents", _pointers(items)))
    if result.incidents or result.events or any(pos.start for pos in p.positions):
        timeline = Text(f"{prog} timeline --person {p.id}", style="hint")
        parts.append(Text.assemble(Text("Timeline", style="heading"), "  ", timeline))
    if result.questions:
        items = [(text(x.question), f"{prog} ask {x.id}") for x in result.questions]
        earlier = len(result.mentions) - len(result.questions)
        if earlier > 0:  # the most recent are shown: the count, and the command that lists them all
            items.append((Text(f"… and {earlier:,} earlier", style="hint"), f"{prog} profile {p.id} --all"))
        parts.append(_section("Questions", _pointers(items)))
    if result.disputes:
        parts.append(_disputes_block(result.disputes, "as above"))
    if result.sources:
        parts.append(_sources_block(result.sources))
    return _panel(text(p.name, "bold"), parts)


def people(items: Sequence[Person]) -> RenderableType:
    """Everyone with their main position and status; native names beside or under the name."""
    if not items:
        return Text("no people")

    def build(width: int) -> RenderableType:
        table = _table()
        table.add_column("Name", style="name", ratio=2)
        if width >= FULL:
            table.add_column("Native name", ratio=2)
        table.add_column("Main position" if width >= NARROW else "Main position, status", ratio=3)
        if width >= NARROW:
            table.add_column("Status", ratio=2)
        if width >= WIDE:
            table.add_column("Id", style="id", no_wrap=True)
        for p in items:
            main = p.main_position
            position = Text.assemble(text(main.title), "\n", text(main.organisation, "hint")) if main else Text("")
            status = _status(p.status) if p.status else Text("")
            name = text(p.name)
            if width < WIDE:  # the id `faq profile` takes, under the name where it has no column of its own
                name.append_text(Text.assemble("\n", text(p.id, "id")))
            if width >= FULL:
                table.add_row(name, text(p.native_name or ""), position, status, *([text(p.id)] if width >= WIDE else []))
                continue
            if p.native_name:
                name.append_text(Text.assemble("\n", text(p.native_name, "hint")))
            if width >= NARROW:
                table.add_row(name, position, status)
            else:
                table.add_row(name, Text.assemble(position, "\n" if main and p.status else "", status))
        return _with_legend(table, (p.status.verification for p in items if p.status))

    return _Fit(build)


def sources(uses: Sequence[q.SourceUse]) -> RenderableType:
    """Each source: publisher, date, title, link, and the entries that cite it, by kind, as ids to look up."""
    if not uses:
        return Text("no sources")

    def build(width: int) -> RenderableType:
        table = _table()
        if width >= NARROW:
            table.add_column("Publisher", style="name", max_width=30 if width >= FULL else 20)
            table.add_column("Date", style="date", no_wrap=True)
            table.add_column("Title, cited by", ratio=1)
        else:
            table.add_column("Source, cited by", ratio=1)
        if width >= WIDE:
            table.add_column("Id", style="id", no_wrap=True)
        for use in uses:
            s = use.source
            title = text(s.title)
            title.overflow = "fold"  # the link under it is folded, never cut: a reader copies it whole
            link = _link(s)
            if link is not None:
                title.append_text(Text.assemble("\n", link))
            if width < NARROW:
                head = Text.assemble(text(s.publisher, "name"), ", ", text(s.date.human(), "date"))
                table.add_row(Group(head, title, _citers(use.cited_by)))
            else:
                cell = Group(title, _citers(use.cited_by))
                table.add_row(text(s.publisher), text(s.date.human()), cell, *([text(s.id)] if width >= WIDE else []))
        return table

    return _Fit(build)


_PLURAL = {"question": "questions", "person": "people", "incident": "incidents", "event": "events"}


def _citers(cited_by: Sequence[q.Related]) -> RenderableType:
    """What cites a source, a line per kind ('people  alekseyev, kirillov'): ids its kind's command opens."""
    if not cited_by:
        return Text("cited by no entry", style="hint")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="hint", no_wrap=True)
    grid.add_column()
    for kind, plural in _PLURAL.items():
        ids = [r.id for r in cited_by if r.type == kind]
        if ids:
            grid.add_row(plural, text(", ".join(ids)))
    return grid


def problems(items: Sequence[Problem], files: int, skipped: int = 0) -> RenderableType:
    rows: list[RenderableType] = [Text(one_line(str(p))) for p in items]
    counted = f"{files} file{'s' if files != 1 else ''}" + (f"; {skipped} skipped" if skipped else "")
    if items:
        noun = "problem" if len(items) == 1 else "problems"
        rows.append(Text(f"{len(items)} {noun} in {counted}", style="error"))
    else:
        rows.append(Text(f"catalogue is valid ({counted})", style="bold green"))
    return Group(*rows)


def with_note(renderable: RenderableType, note: q.StaleNote | None) -> RenderableType:
    """An answer with, under it, the date its catalogue is current to when that is older than the threshold."""
    if note is None:
        return renderable
    line = Text.assemble(
        Text("as of ", style="hint"),
        Text(note.as_of.human(), style="date"),
        Text(f" (catalogue '{one_line(note.catalogue)}', older than {note.days} days)", style="hint"),
    )
    if note.update:
        line.append_text(Text.assemble(Text("; refresh it: ", style="hint"), text(note.update, "command")))
    return Group(renderable, line)


def print_note(message: str) -> None:
    """A note on stderr (not an error): `faq: note: …`, one line."""
    err = console(stderr=True)
    err.print(Text.assemble(Text("faq: note: ", style="hint"), Text(one_line(message))), soft_wrap=True)


def print_error(message: str) -> None:
    """One line on stderr, styled where stderr is a terminal."""
    err = console(stderr=True)
    # soft_wrap: one line however narrow the terminal, so `2>&1 | grep` sees the whole message.
    err.print(Text.assemble(Text("faq: ", style="error"), Text(one_line(message))), soft_wrap=True)


class _Trimmed:
    """A renderable without the blanks Rich pads lines with: a line ends where its last visible cell does.

    Spaces that show (a background, reverse video, an underline) are kept; so is every line break."""

    def __init__(self, inner: RenderableType) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        newline = Segment.line()
        for line in Segment.split_lines(console.render(self.inner, options)):
            yield from _rstrip(line)
            yield newline


def trimmed(renderable: RenderableType) -> RenderableType:
    """The renderable without the trailing blanks Rich pads its lines with."""
    return _Trimmed(renderable)


def _shows_blank(style: Style | None) -> bool:
    return style is not None and bool(style.bgcolor or style.reverse or style.underline or style.strike)


def _rstrip(line: list[Segment]) -> list[Segment]:
    """The line without its trailing unstyled spaces (control segments, such as a link's end, stay)."""
    end = len(line)
    while end and (line[end - 1].control or not (line[end - 1].text.strip(" ") or _shows_blank(line[end - 1].style))):
        end -= 1
    kept = line[:end]
    if kept and not kept[-1].control and not _shows_blank(kept[-1].style):
        last = kept.pop()
        kept.append(Segment(last.text.rstrip(" "), last.style))
    return [*kept, *(s for s in line[end:] if s.control)]


def out(renderable: RenderableType, *, page: bool = True, soft_wrap: bool = False) -> None:
    """Print to stdout, each line without trailing padding; on a terminal, output taller than the screen goes
    through the pager (unless `page` is False).

    `soft_wrap` leaves long lines to the terminal instead of wrapping them, for paths and commands to copy.
    """
    from faq_cli.render import pager

    con = console()
    renderable = _Trimmed(renderable)
    command = pager.pager_command() if page and con.is_terminal else None
    if command is None:
        con.print(renderable, soft_wrap=soft_wrap)
        return
    with con.capture() as captured:
        con.print(renderable, soft_wrap=soft_wrap)
    rendered = captured.get()
    if not (pager.wants_pager(rendered.count("\n"), con.height) and pager.page(rendered, command)):
        sys.stdout.write(rendered)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def written(paths: Sequence[object], directory: str) -> RenderableType:
    """What `faq init` wrote, and the commands to try next (print with soft_wrap, so paths are never cut)."""
    import shlex

    where = shlex.quote(directory)
    rows: list[RenderableType] = [Text("Wrote a starter catalogue:", style="heading")]
    rows += [Text.assemble("  ", text(str(p))) for p in paths]
    rows += [Text(""), Text("Next", style="heading")]
    for command in (f"faq --data {where} validate", f"faq --data {where} ask what happened at the depot"):
        rows.append(Text.assemble("  ", text(command, "command")))
    return Group(*rows)


def _highlighted(snippet: str, spans: Sequence[tuple[int, int]], style: str = "") -> Text:
    """The snippet as inert text with its matched words styled by range (never via markup)."""
    shown = Text(one_line(snippet), style=style)
    if shown.plain == snippet:  # spans index the snippet; only style them when nothing was escaped
        for start, end in spans:
            shown.stylize("hit", start, end)
    return shown


def search_hits(result: q.SearchResult, prog: str = PROG) -> RenderableType:
    """`faq search`: score, kind, then the title, the snippet (when it says more) and the command to see it."""
    if not result.hits:
        return Text("no matches")
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="score", no_wrap=True)
    table.add_column(style="kind", no_wrap=True)
    table.add_column(ratio=1)
    for n, hit in enumerate(result.hits):
        if hit.snippet == hit.title:
            lines = [_highlighted(hit.title, hit.highlights, "name")]
        else:
            lines = [text(hit.title, "name"), _highlighted(hit.snippet, hit.highlights)]
        command = f"{prog} {VERB_FOR[hit.type]} {hit.id}" if hit.type in VERB_FOR else hit.id
        lines.append(Text(one_line(command), style="hint"))
        if n:
            table.add_row("", "", "")
        table.add_row(f"{hit.score:.0f}", hit.type, Group(*lines))
    return table


# ---- the catalogues added on top of the bundled one ---------------------------------------------------

KIND_LABEL = {"bundled": "shipped with faq", "git": "from git", "local": "local folder", "path": "--data"}
SECTION_NOUNS = (
    ("questions", "question"),
    ("incidents", "incident"),
    ("events", "event"),
    ("people", "person"),
    ("sources", "source"),
)


def catalogue_list(rows: Sequence[LayerRow], unused: int = 0, prog: str = PROG) -> RenderableType:
    """`faq catalogue list`: a block per layer, lowest first: name and kind, path, origin, date, counts."""
    blocks: list[RenderableType] = []
    for row in rows:
        head = Text.assemble(text(row.name, "name"), "  ", Text(KIND_LABEL.get(row.kind, row.kind), style="kind"))
        if row.problems:
            noun = "problem" if row.problems == 1 else "problems"
            head.append_text(Text.assemble("  ", Text(f"{row.problems} {noun} ({prog} validate)", style="error")))
        lines: list[Text] = [Text(one_line(row.path), style="hint", overflow="fold")]
        if row.source:
            origin = text(row.source, "source")
            origin.overflow = "fold"
            if row.updated:
                origin.append(f" · updated {row.updated[:10]}", style="hint")
            lines.append(origin)
        dated = Text.assemble(text(row.title, "title")) if row.title else Text("")
        if row.as_of:
            dated.append(" · " if row.title else "", style="hint")
            dated.append(f"as of {PartialDate.parse(row.as_of).human()}", style="date")
            if row.age_days is not None:
                dated.append(f" ({row.age_days} day{'s' if row.age_days != 1 else ''} ago)", style="hint")
        if dated.plain:
            lines.append(dated)
        counts = [f"{row.entries.get(s, 0)} {noun if row.entries.get(s, 0) == 1 else s}" for s, noun in SECTION_NOUNS]
        lines.append(Text(" · ".join(counts), style="count"))
        grid = Table.grid(padding=(0, 0))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for line in lines:
            grid.add_row("  ", line)
        blocks.append(Group(head, grid))
    if unused:
        noun = "catalogue" if unused == 1 else "catalogues"
        blocks.append(Text(f"{unused} added {noun} not in use: --data or FAQ_CLI_DATA chooses the layers", style="hint"))
    elif all(row.kind not in ("git", "local") for row in rows):
        blocks.append(Text("Add one on top: faq catalogue add NAME URL_OR_PATH", style="hint"))
    return Group(*_spaced(blocks))


def catalogue_added(added: Registered, data_given: bool) -> RenderableType:
    """What `faq catalogue add` did, and what to try next."""
    what = "cloned" if added.kind == "git" else "added the folder"
    rows: list[RenderableType] = [
        Text.assemble(Text(f"{what} ", style="heading"), text(added.name, "name"), Text(" → ", style="hint"), text(added.path))
    ]
    if data_given:
        rows.append(Text("it is used when neither --data nor FAQ_CLI_DATA is given", style="hint"))
    rows.append(Text.assemble("  ", Text("faq catalogue list", style="command")))
    return Group(*rows)


def plain_line(message: str) -> RenderableType:
    return text(message)


def print_problem(message: str) -> None:
    """A problem on stderr as `path:line:col: message`, never wrapped (as `faq validate` prints them)."""
    console(stderr=True).print(Text(one_line(message)), soft_wrap=True)
