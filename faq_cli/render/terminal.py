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
from faq_cli.errors import Problem
from faq_cli.model import OUTCOMES, Casualties, Catalogue, Incident, PartialDate, Person, Source, Status
from faq_cli.render.text import UNSAFE, inert, one_line

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
COMMAND_FOR = {"person": "faq profile", "incident": "faq incident", "event": "faq event", "question": "faq ask"}


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
        from faq_cli.render.parsed_markdown import from_tokens

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


def command_for(item: q.Related) -> str:
    """The command that shows a related entry."""
    return f"{COMMAND_FOR.get(item.type, 'faq search')} {item.id}"


def _related_label(item: q.Related) -> Text:
    if item.date is None:
        return text(item.label)
    return Text.assemble(text(item.date.human(), "date"), "  ", text(item.label))


def _see_also(items: Sequence[q.Related]) -> RenderableType:
    return _section("See also", _pointers([(_related_label(r), command_for(r)) for r in items]))


def answer(result: q.Answer) -> RenderableType:
    """The answer: a question's card; or a person's, incident's or event's, under the stated fact the query
    asked for; then, with --top, the other candidates."""
    if result.question is None:
        return _entry_answer(result)
    question = result.question
    parts: list[RenderableType] = []
    if question.verification != "confirmed":
        parts.append(_verification(question.verification))
    parts.append(markdown(question.answer, result.parsed))
    if result.disputes:
        parts.append(_disputes_block(result.disputes, "the answer above"))
    if result.sources:
        parts.append(_sources_block(result.sources))
    if result.related:
        parts.append(_see_also(result.related))
    renderables: list[RenderableType] = [_panel(text(question.question, "bold"), parts)]
    if result.alternatives:
        renderables.append(_alternatives(result.alternatives))
    return Group(*renderables)


def _entry_answer(result: q.Answer) -> RenderableType:
    renderables: list[RenderableType] = []
    if result.fact is not None:
        parts: list[RenderableType] = [text(result.fact.text)]
        if result.fact.sources:
            parts.append(Text.assemble(Text("Sources: ", style="hint"), _cited(result.fact.sources)))
        renderables.append(_panel(text(result.query, "bold"), parts))
    view = result.view
    if isinstance(view, q.Profile):
        renderables.append(profile(view))
    elif isinstance(view, q.IncidentView):
        renderables.append(incident(view))
    elif isinstance(view, q.EventView):
        renderables.append(event(view))
    if result.alternatives:
        renderables.append(_alternatives(result.alternatives))
    return Group(*renderables)


def _alternatives(candidates: Sequence[q.Candidate]) -> RenderableType:
    items = [(text(c.label), f"{COMMAND_FOR.get(c.kind, 'faq ask')} {c.id}") for c in candidates]
    return _section("Other candidates", _pointers(items, [f"  {c.score:5.1f}" for c in candidates]))


def no_match(result: q.NoMatch) -> RenderableType:
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
                Text(command_for(result.hint), style="command"),
            )
        )
    if not result.candidates:
        return Group(*rows) if len(rows) > 1 else head
    command = COMMAND_FOR[result.what]
    items = [
        (text(c.label, "name"), f"{COMMAND_FOR.get(c.kind, command) if result.what == 'question' else command} {c.id}")
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


def _involved(catalogue: Catalogue, incident: Incident) -> Text:
    """Each person on a line with their outcome; unnamed casualties as a count."""
    cell = Text()
    for p in incident.people:
        person = catalogue.people.get(p.person)
        if cell:
            cell.append("\n")
        cell.append_text(Text.assemble(text(person.name if person else p.person, "name"), " (", _outcome(p.outcome), ")"))
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


def incidents(catalogue: Catalogue, items: Sequence[Incident]) -> RenderableType:
    """The incidents table: a column each on a wide terminal; kind and place (then people) folded under the title."""
    if not items:
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
        for i in items:
            when, title, people = text(i.date.human()), _titled(i.title, i.verification), _involved(catalogue, i)
            where = Text.assemble(text(i.kind, "kind"), Text(" · ", style="hint"), text(i.place, "hint"))
            if width >= FULL:
                table.add_row(when, title, text(i.kind), text(i.place), people, *([text(i.id)] if width >= WIDE else []))
            elif width >= NARROW:
                table.add_row(when, Text.assemble(title, "\n", where), people)
            else:
                table.add_row(when, Text.assemble(title, "\n", where, "\n" if people else "", people))
        return _with_legend(table, (i.verification for i in items))

    return _Fit(build)


def incident(view: q.IncidentView) -> RenderableType:
    """One incident in full: facts, people, what happened, disputes, sources, where to read on."""
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
        note = f" — {one_line(i.casualties.note)}" if i.casualties.note else ""
        facts.append(("Casualties", Text.assemble(Text(counts, style="killed" if i.casualties.killed else ""), note)))
    if i.attribution:
        a = i.attribution
        line = Text.assemble(text(a.status, "kind"), f" — {one_line(a.by)}" if a.by else "")
        if a.note:
            line.append_text(Text.assemble("\n", text(a.note, "hint")))
        facts.append(("Attribution", line))
    parts: list[RenderableType] = [_labelled(facts)]
    if i.summary:
        parts.append(_section("What happened", markdown(i.summary, view.parsed)))
    if view.disputes:
        parts.append(_disputes_block(view.disputes, "as above"))
    if view.sources:
        parts.append(_sources_block(view.sources))
    people = [q.Related(r.involvement.person, "person", r.name) for r in view.people]
    see = [*people, *view.incidents, *view.events, *view.questions]
    if see:
        parts.append(_see_also(see))
    return _panel(text(i.title, "bold"), parts)


def event(view: q.EventView) -> RenderableType:
    """One event: when, its people, what happened, disputes, sources, where to read on."""
    e = view.event
    facts: list[tuple[str, RenderableType]] = [("When", text(span(e.date, e.end), "date"))]
    if e.kind:
        facts.append(("Kind", text(e.kind, "kind")))
    if e.verification != "confirmed":
        facts.append(("Verification", _verification(e.verification)))
    for n, person in enumerate(view.people):
        facts.append(("People" if n == 0 else "", text(person.label, "name")))
    parts: list[RenderableType] = [_labelled(facts)]
    if e.summary:
        parts.append(_section("What happened", markdown(e.summary, view.parsed)))
    if view.disputes:
        parts.append(_disputes_block(view.disputes, "as above"))
    if view.sources:
        parts.append(_sources_block(view.sources))
    see = [*view.people, *view.incidents, *view.questions]
    if see:
        parts.append(_see_also(see))
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


def profile(result: q.Profile) -> RenderableType:
    """One person: names, status, summary, positions, honours, sanctions, incidents, questions, disputes, sources."""
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
        if p.status.note:
            status.append_text(Text.assemble("\n", text(p.status.note, "hint")))
        facts.append(("Status", status))
    if p.verification != "confirmed":
        facts.append(("Verification", _verification(p.verification)))
    parts: list[RenderableType] = [_labelled(facts)] if facts else []
    if p.summary:
        parts.append(markdown(p.summary, result.parsed))
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
            items.append((label, f"faq incident {i.id}"))
        parts.append(_section("Incidents", _pointers(items)))
    if result.incidents or result.events or any(pos.start for pos in p.positions):
        parts.append(Text.assemble(Text("Timeline", style="heading"), "  ", Text(f"faq timeline --person {p.id}", style="hint")))
    if result.questions:
        items = [(text(x.question), f"faq ask {x.id}") for x in result.questions]
        more = len(result.mentions) - len(result.questions)
        if more > 0:  # the most recent are shown: the count, and the command that lists them all
            items.append((Text(f"… and {more:,} earlier", style="hint"), f"faq profile {p.id} --all"))
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
    """Each source: publisher, date, title, link, and how many entries cite it."""
    if not uses:
        return Text("no sources")

    def build(width: int) -> RenderableType:
        table = _table()
        if width >= NARROW:
            table.add_column("Publisher", style="name", max_width=30 if width >= FULL else 20)
            table.add_column("Date", style="date", no_wrap=True)
            table.add_column("Title", ratio=1)
        else:
            table.add_column("Source", ratio=1)
        table.add_column("Cited by", justify="right", no_wrap=True)
        if width >= WIDE:
            table.add_column("Id", style="id", no_wrap=True)
        for use in uses:
            s = use.source
            title = text(s.title)
            link = _link(s)
            if link is not None:
                title.append_text(Text.assemble("\n", link))
            cited = Text(str(len(use.cited_by)))
            if width < NARROW:
                head = Text.assemble(text(s.publisher, "name"), ", ", text(s.date.human(), "date"))
                table.add_row(Text.assemble(head, "\n", title), cited)
            else:
                table.add_row(text(s.publisher), text(s.date.human()), title, cited, *([text(s.id)] if width >= WIDE else []))
        return table

    return _Fit(build)


def problems(items: Sequence[Problem], files: int) -> RenderableType:
    rows: list[RenderableType] = [Text(one_line(str(p))) for p in items]
    if items:
        noun = "problem" if len(items) == 1 else "problems"
        rows.append(Text(f"{len(items)} {noun} in {files} file{'s' if files != 1 else ''}", style="error"))
    else:
        rows.append(Text(f"catalogue is valid ({files} file{'s' if files != 1 else ''})", style="bold green"))
    return Group(*rows)


def print_error(message: str) -> None:
    """One line on stderr, styled where stderr is a terminal."""
    err = console(stderr=True)
    # soft_wrap: one line however narrow the terminal, so `2>&1 | grep` sees the whole message.
    err.print(Text.assemble(Text("faq: ", style="error"), Text(one_line(message))), soft_wrap=True)


def out(renderable: RenderableType, *, page: bool = True, soft_wrap: bool = False) -> None:
    """Print to stdout; on a terminal, output taller than the screen goes through the pager (unless `page` is False).

    `soft_wrap` leaves long lines to the terminal instead of wrapping them, for paths and commands to copy.
    """
    from faq_cli.render import pager

    con = console()
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


_SEARCH_COMMAND = {"question": "faq ask", "incident": "faq incident", "person": "faq profile"}


def _highlighted(snippet: str, spans: Sequence[tuple[int, int]], style: str = "") -> Text:
    """The snippet as inert text with its matched words styled by range (never via markup)."""
    shown = Text(one_line(snippet), style=style)
    if shown.plain == snippet:  # spans index the snippet; only style them when nothing was escaped
        for start, end in spans:
            shown.stylize("hit", start, end)
    return shown


def search_hits(result: q.SearchResult) -> RenderableType:
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
        command = f"{_SEARCH_COMMAND[hit.type]} {hit.id}" if hit.type in _SEARCH_COMMAND else hit.id
        lines.append(Text(one_line(command), style="hint"))
        if n:
            table.add_row("", "", "")
        table.add_row(f"{hit.score:.0f}", hit.type, Group(*lines))
    return table
