"""The terminal view: Rich renderables built from query results.

Catalogue text only ever enters Rich as `Text` (never as markup) after
`inert()`, so markup, escape sequences and control characters in the data are
shown, not obeyed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from faq_cli import query as q
from faq_cli.errors import Problem
from faq_cli.model import Catalogue, Dispute, Incident, Source
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


def _source_line(source: Source) -> Text:
    line = Text.assemble(text(source.publisher, "name"), ", ", text(source.date.human(), "date"), " — ", text(source.title))
    if source.url and source.url.startswith(("http://", "https://")):
        line.append("  ")
        line.append(one_line(source.url), style=Style(link=one_line(source.url)))
    return line


def _sources_block(sources: Sequence[Source]) -> RenderableType:
    rows = [Text("Sources", style="heading")]
    rows += [Text.assemble("  • ", _source_line(s)) for s in sources]
    return Group(*rows)


def _disputes_block(disputes: Sequence[Dispute]) -> RenderableType:
    rows = [Text("Sources disagree", style="heading")]
    for d in disputes:
        about = f" ({one_line(d.about)})" if d.about else ""
        rows.append(
            Text.assemble(
                "  ≠ ", Text(one_line(d.claim) + about, style="dispute"), Text(f"  [{', '.join(d.sources)}]", style="source")
            )
        )
    return Group(*rows)


def markdown(body: str) -> RenderableType:
    return _Scrubbed(Markdown(inert(body), hyperlinks=False))


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


COMMAND_FOR = {"person": "faq profile", "incident": "faq incident", "event": "faq timeline --since", "question": "faq ask"}


def answer(result: q.Answer) -> RenderableType:
    assert result.question is not None
    question = result.question
    parts: list[RenderableType] = [markdown(question.answer)]
    if question.verification != "confirmed":
        parts.insert(0, Text.assemble("Verification: ", verification_mark(question.verification)))
    if question.disputes:
        parts.append(_disputes_block(question.disputes))
    if result.sources:
        parts.append(_sources_block(result.sources))
    if result.related:
        rows = [Text("See also", style="heading")]
        for r in result.related:
            rows.append(
                Text.assemble("  → ", text(r.label, "name"), "  ", Text(f"{COMMAND_FOR.get(r.type, 'faq')} {r.id}", style="hint"))
            )
        parts.append(Group(*rows))
    title = text(question.question, "bold")
    body = Group(*_spaced(parts))
    renderables: list[RenderableType] = [Panel(body, title=title, title_align="left", border_style="cyan", padding=(0, 1))]
    if result.alternatives:
        renderables.append(_alternatives(result.alternatives))
    return Group(*renderables)


def _alternatives(candidates: Sequence[q.Candidate]) -> RenderableType:
    rows = [Text("Other candidates", style="heading")]
    for c in candidates:
        rows.append(Text.assemble(f"  {c.score:5.1f}  ", text(c.label), "  ", Text(f"faq ask {c.id}", style="hint")))
    return Group(*rows)


def _spaced(parts: Iterable[RenderableType]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for part in parts:
        if out:
            out.append(Text(""))
        out.append(part)
    return out


def no_match(result: q.NoMatch) -> RenderableType:
    if result.ambiguous:
        head = Text.assemble(f"'{one_line(result.query)}' could be more than one {result.what}:")
    elif result.what == "question":
        head = Text("No confident answer in this catalogue.", style="bold")
    else:
        head = Text(f"No such {result.what}: '{one_line(result.query)}'.", style="bold")
    rows: list[RenderableType] = [head]
    if result.candidates:
        rows.append(Text("Closest:" if not result.ambiguous else "", style="hint"))
        command = {"person": "faq profile", "incident": "faq incident", "question": "faq ask"}[result.what]
        for c in result.candidates:
            rows.append(Text.assemble("  ", text(c.label, "name"), "  ", Text(f"{command} {c.id}", style="hint")))
    return Group(*[r for r in rows if not (isinstance(r, Text) and not r.plain)])


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


def _people_cell(catalogue: Catalogue, incident: Incident) -> Text:
    cell = Text()
    for n, p in enumerate(incident.people):
        if n:
            cell.append("; ")
        cell.append(one_line(catalogue.people[p.person].name), style="name")
        cell.append(f" ({one_line(p.outcome)})", style=p.outcome if p.outcome in THEME.styles else "")
    return cell


def incidents(catalogue: Catalogue, items: Sequence[Incident]) -> RenderableType:
    if not items:
        return Text("no incidents")
    table = Table(show_lines=False, expand=False, header_style="heading", box=None, pad_edge=False, padding=(0, 1))
    table.add_column("Date", style="date", no_wrap=True)
    table.add_column("Incident", ratio=3)
    table.add_column("Kind", style="kind", ratio=1)
    table.add_column("Place", ratio=2)
    table.add_column("People", ratio=3)
    for i in items:
        title = text(i.title)
        if i.verification != "confirmed":
            title.append("  ")
            title.append_text(verification_mark(i.verification))
        table.add_row(text(i.date.human()), title, text(i.kind), text(i.place), _people_cell(catalogue, i))
    return table


def incident(view: q.IncidentView) -> RenderableType:
    i = view.incident
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="heading", no_wrap=True)
    facts.add_column()
    facts.add_row("When", text(i.date.human(), "date"))
    facts.add_row("Where", text(i.place))
    facts.add_row("Kind", text(i.kind, "kind"))
    if i.verification != "confirmed":
        facts.add_row("Verification", verification_mark(i.verification))
    for role in view.people:
        inv = role.involvement
        facts.add_row(
            "Person", Text.assemble(text(role.name, "name"), f" — {one_line(inv.role)}, ", text(inv.outcome, inv.outcome))
        )
    if i.casualties:
        c = i.casualties
        counts = ", ".join(f"{n} {label}" for n, label in ((c.killed, "killed"), (c.wounded, "wounded")) if n is not None)
        facts.add_row("Casualties", text(" ".join(x for x in (counts, one_line(c.note or "")) if x)))
    if i.attribution:
        a = i.attribution
        line = Text.assemble(text(a.status, "kind"))
        if a.by:
            line.append(f" — {one_line(a.by)}")
        facts.add_row("Attribution", line)
        if a.note:
            facts.add_row("", text(a.note, "hint"))
    parts: list[RenderableType] = [facts]
    if i.summary:
        parts.append(markdown(i.summary))
    if i.disputes:
        parts.append(_disputes_block(i.disputes))
    if view.sources:
        parts.append(_sources_block(view.sources))
    see = [*view.questions, *view.events]
    if see:
        rows = [Text("See also", style="heading")]
        rows += [Text.assemble("  → ", text(r.label), "  ", Text(f"{COMMAND_FOR[r.type]} {r.id}", style="hint")) for r in see]
        parts.append(Group(*rows))
    return Panel(Group(*_spaced(parts)), title=text(i.title, "bold"), title_align="left", border_style="cyan", padding=(0, 1))


def timeline(items: Sequence[q.TimelineItem]) -> RenderableType:
    if not items:
        return Text("nothing in this timeline")
    rows: list[RenderableType] = []
    year = None
    for item in items:
        if item.date.year != year:
            year = item.date.year
            if rows:
                rows.append(Text(""))
            rows.append(Text(str(year), style="heading"))
        when = item.date.human() if item.end is None else f"{item.date.human()} – {item.end.human()}"
        line = Text.assemble("  ", Text(f"{when:<26}", style="date"), Text(f"{item.type:<9}", style="kind"), text(item.title))
        if item.verification != "confirmed":
            line.append("  ")
            line.append_text(verification_mark(item.verification))
        rows.append(line)
    return Group(*rows)


def profile(result: q.Profile) -> RenderableType:
    p = result.person
    head = Table.grid(padding=(0, 2))
    head.add_column(style="heading", no_wrap=True)
    head.add_column()
    if p.native_name:
        head.add_row("Native name", text(p.native_name))
    if p.aliases:
        head.add_row("Also written", text(", ".join(p.aliases)))
    if p.born:
        head.add_row("Born", text(" in ".join(x for x in (p.born.human(), p.birthplace or "") if x)))
    if p.status:
        status = Text.assemble(text(p.status.state, "name"), Text(f" (as of {p.status.as_of.human()})", style="date"))
        if p.status.verification != "confirmed":
            status.append("  ")
            status.append_text(verification_mark(p.status.verification))
        head.add_row("Status", status)
    parts: list[RenderableType] = [head]
    if p.summary:
        parts.append(markdown(p.summary))
    if p.positions:
        rows = [Text("Positions", style="heading")]
        for pos in p.positions:
            span = "–".join(d.human() for d in (pos.start, pos.end) if d) if pos.start or pos.end else ""
            if pos.start and not pos.end:
                span = f"since {pos.start.human()}"
            rows.append(
                Text.assemble("  • ", text(pos.title, "name"), ", ", text(pos.organisation), "  ", Text(span, style="date"))
            )
        parts.append(Group(*rows))
    if p.honours:
        rows = [Text("Honours", style="heading")]
        rows += [
            Text.assemble("  • ", text(h.title, "name"), "  ", text(h.date.human() if h.date else "", "date")) for h in p.honours
        ]
        parts.append(Group(*rows))
    if p.sanctions:
        rows = [Text("Sanctions", style="heading")]
        for s in p.sanctions:
            rows.append(Text.assemble("  • ", text(s.by, "name"), ", ", text(s.date.human(), "date"), ": ", text(s.reason)))
        parts.append(Group(*rows))
    if result.incidents:
        rows = [Text("Incidents", style="heading")]
        for i, inv in result.incidents:
            rows.append(
                Text.assemble(
                    "  • ",
                    text(i.date.human(), "date"),
                    "  ",
                    text(i.title),
                    " — ",
                    text(inv.role),
                    ", ",
                    text(inv.outcome, inv.outcome),
                    "  ",
                    Text(f"faq incident {i.id}", style="hint"),
                )
            )
        parts.append(Group(*rows))
    if result.questions:
        rows = [Text("Questions", style="heading")]
        rows += [Text.assemble("  → ", text(x.question), "  ", Text(f"faq ask {x.id}", style="hint")) for x in result.questions]
        parts.append(Group(*rows))
    if p.disputes:
        parts.append(_disputes_block(p.disputes))
    if result.sources:
        parts.append(_sources_block(result.sources))
    title = Text.assemble(text(p.name, "bold"))
    return Panel(Group(*_spaced(parts)), title=title, title_align="left", border_style="cyan", padding=(0, 1))


def people(items: Sequence[object]) -> RenderableType:
    table = Table(header_style="heading", box=None, pad_edge=False, padding=(0, 1))
    table.add_column("Name", style="name", ratio=2)
    table.add_column("Main position", ratio=3)
    table.add_column("Status", ratio=2)
    table.add_column("Id", style="id", no_wrap=True)
    for p in items:
        main = p.main_position  # type: ignore[attr-defined]
        position = f"{main.title}, {main.organisation}" if main else ""
        status = p.status  # type: ignore[attr-defined]
        state = Text.assemble(text(status.state), Text(f" ({status.as_of.human()})", style="date")) if status else Text("")
        table.add_row(text(p.name), text(position), state, text(p.id))  # type: ignore[attr-defined]
    return table


def sources(uses: Sequence[q.SourceUse]) -> RenderableType:
    table = Table(header_style="heading", box=None, pad_edge=False, padding=(0, 1))
    table.add_column("Publisher", style="name", ratio=2)
    table.add_column("Date", style="date", no_wrap=True)
    table.add_column("Title", ratio=4)
    table.add_column("Cited by", justify="right", no_wrap=True)
    table.add_column("Id", style="id", no_wrap=True)
    for use in uses:
        s = use.source
        title = text(s.title)
        if s.url and s.url.startswith(("http://", "https://")):
            title.append("\n")
            title.append(one_line(s.url), style=Style(link=one_line(s.url)))
        table.add_row(text(s.publisher), text(s.date.human()), title, str(len(use.cited_by)), text(s.id))
    return table


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
