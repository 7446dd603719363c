"""`--format markdown`: the same query results the terminal shows, as GitHub-flavoured Markdown for notes and reports.

Catalogue text is untrusted here too. Plain fields (titles, names, places) are
made inert, folded onto one line and escaped, so they cannot open a link, a
table cell or an HTML tag; Markdown fields (answers, summaries) keep their
Markdown but lose control characters, raw HTML and character references
(`&#x202e;` stays those eight characters), and a link of theirs stays a link
only to an http(s) or mailto URL (any other is shown as the text it is). Source
links are made only from http(s) URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from faq_cli import query as q
from faq_cli.catalogue.model import PartialDate, Source
from faq_cli.text.inert import inert, one_line

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^([-+#>=]|\d+(?=[.)]))")
_HTML_START = re.compile(r"<(?!(?:https?://|mailto:)[^\s<>]*>)")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^\s)>]*)")  # where an inline link or image points: `[text](url` or `](<url`
_DEFINITION = re.compile(r"^( {0,3})\[([^\]\n]+)\]:[ \t]*\n?[ \t]*<?([^\s>]*)", re.MULTILINE)  # `[label]: url`
_LINKABLE = ("http://", "https://", "mailto:")
_URL_UNSAFE = re.compile(r"[\s()<>\[\]\\`\"']")
# The command that opens each kind of entry; every command shown starts with the call's own `faq --data …` (`prog`).
VERB_FOR = {"person": "profile", "incident": "incident", "event": "event", "question": "ask"}
PROG = "faq"


# ---- escaping ---------------------------------------------------------------------------------


def plain(value: object) -> str:
    """Catalogue text as literal Markdown inline text: one line, every special character escaped."""
    escaped = _ENTITY.sub("&amp;", _SPECIAL.sub(r"\\\1", one_line(value)))
    return _LINE_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1), escaped)


def body(value: object) -> str:
    """A Markdown field of the catalogue: its Markdown kept; control characters, HTML tags, character references and
    links to anything but http(s) and mailto made inert, for every renderer (not only those that refuse such links)."""
    text = _ENTITY.sub("&amp;", inert(value))
    text = _LINK_TARGET.sub(lambda m: m[0] if _linkable(m[1]) else "]\\(" + m[0][2:], text)
    text = _DEFINITION.sub(lambda m: m[0] if _linkable(m[3]) else m[1] + "\\" + m[0][len(m[1]) :], text)
    return _HTML_START.sub("&lt;", text).strip()


def _linkable(url: str) -> bool:
    return url.lower().startswith(_LINKABLE)


def code(value: object) -> str:
    """An inline code span that survives any backticks inside it."""
    content = one_line(value).replace("|", "\\|")
    fence = "`"
    while fence in content:
        fence += "`"
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def link(label: str, url: str | None) -> str:
    """`[label](url)` for an http(s) URL; the escaped label alone otherwise. `label` is already Markdown."""
    if not url or not url.startswith(("http://", "https://")):
        return label
    safe = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), one_line(url))
    return f"[{label}]({safe})"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _document(blocks: Iterable[str]) -> str:
    return "\n\n".join(b for b in blocks if b) + "\n"


def _section(title: str, lines: Sequence[str]) -> str:
    return f"## {title}\n\n" + "\n".join(lines) if lines else ""


def _mark(level: str) -> str:
    return "" if level == "confirmed" else f"*{plain(level)}*"


def _date(value: PartialDate | None) -> str:
    return value.human() if value else ""


# ---- shared blocks ----------------------------------------------------------------------------


def _source_item(source: Source) -> str:
    label = f"{plain(source.publisher)}, {source.date.human()}: {plain(source.title)}"
    return "- " + link(label, source.url)


def _sources(sources: Sequence[Source]) -> str:
    return _section("Sources", [_source_item(s) for s in sources])


def _cited(sources: Sequence[Source]) -> str:
    return ", ".join(link(f"{plain(s.publisher)}, {s.date.human()}", s.url) for s in sources)


def _disputes(disputes: Sequence[q.DisputeView], stated_elsewhere: str) -> str:
    """Each disagreement: the version the entry prefers, then the other one, each with its sources."""
    blocks = []
    for d in disputes:
        title = "Sources disagree" + (f" about {plain(d.about)}" if d.about else "")
        preferred = plain(d.stated) if d.stated else f"*{stated_elsewhere}*"
        if d.stated_sources:
            preferred += f" ({_cited(d.stated_sources)})"
        other = plain(d.claim) + (f" ({_cited(d.claim_sources)})" if d.claim_sources else "")
        blocks.append(f"## {title}\n\n- **Preferred:** {preferred}\n- **Other:** {other}")
    return "\n\n".join(blocks)


def _command(item: q.Related, prog: str) -> str:
    """The command that shows a related entry."""
    return f"{prog} {VERB_FOR.get(item.type, 'search')} {item.id}"


def _see_also(items: Sequence[q.Related], prog: str) -> str:
    lines = []
    for r in items:
        when = f"{r.date.human()}: " if r.date else ""
        lines.append(f"- {when}{plain(r.label)} — {code(_command(r, prog))}")
    return _section("See also", lines)


# ---- commands ---------------------------------------------------------------------------------


def answer(result: q.Answer, prog: str = PROG) -> str:
    """`faq ask --format markdown`: the question as a heading, its answer, sources and related entries; or the
    stated fact and the card of the person, incident or event it comes from."""
    alternatives = [
        f"- {plain(c.label)} — {code(' '.join((prog, VERB_FOR.get(c.kind, 'ask'), c.id)))} (score {c.score:.1f})"
        for c in result.alternatives
    ]
    if result.question is None:
        fact = ""
        if result.fact is not None:
            fact = f"> **{plain(result.fact.text)}**" + (f" ({_cited(result.fact.sources)})" if result.fact.sources else "")
        view = result.view
        if isinstance(view, q.Profile):
            card = profile(view, prog)
        elif isinstance(view, q.IncidentView):
            card = incident(view, prog)
        else:
            assert view is not None
            card = event(view, prog)
        return _document([fact, card.rstrip("\n"), _section("Other candidates", alternatives)])
    question = result.question
    verification = f"> **Verification:** {_mark(question.verification)}" if question.verification != "confirmed" else ""
    return _document(
        [
            f"# {plain(question.question)}",
            verification,
            body(question.answer),
            _disputes(result.disputes, "the answer above"),
            _sources(result.sources),
            _see_also(result.related, prog),
            _section("Other candidates", alternatives),
        ]
    )


def no_match(result: q.NoMatch, prog: str = PROG) -> str:
    """Nothing matched well enough: say so, and list the closest candidates with the command for each."""
    verb = VERB_FOR[result.what]
    if result.ambiguous:
        head = f"*{plain(result.query)}* could be more than one {result.what}:"
    elif result.what == "question":
        head = "No confident answer in this catalogue."
    else:
        head = f"No such {result.what}: *{plain(result.query)}*."
    lines = [f"- {plain(c.label)} — {code(' '.join((prog, VERB_FOR.get(c.kind, verb), c.id)))}" for c in result.candidates]
    hint = f"It names {plain(result.hint.label)}: {code(_command(result.hint, prog))}" if result.hint is not None else ""
    return _document([head, hint, _section("Closest" if not result.ambiguous else "Candidates", lines)])


def _people_cell(people: Sequence[q.PersonRole]) -> str:
    return "; ".join(f"{plain(r.name)} ({plain(r.involvement.outcome)})" for r in people)


def _source_links(sources: Sequence[Source]) -> str:
    return ", ".join(link(plain(s.publisher), s.url) for s in sources)


def incidents(items: Sequence[q.IncidentRow]) -> str:
    """`faq incidents --format markdown`: one table, a row an incident, with links to its sources (rows built
    `with_sources`)."""
    if not items:
        return _document(["# Incidents", "No incidents."])
    rows = [
        (
            r.incident.date.human(),
            " ".join(x for x in (plain(r.incident.title), _mark(r.incident.verification)) if x),
            plain(r.incident.kind),
            plain(r.incident.place),
            _people_cell(r.people),
            _source_links(r.sources),
            code(r.incident.id),
        )
        for r in items
    ]
    noun = "incident" if len(items) == 1 else "incidents"
    return _document(
        ["# Incidents", f"{len(items)} {noun}.", _table(("Date", "Incident", "Kind", "Place", "People", "Sources", "Id"), rows)]
    )


def incident(view: q.IncidentView, prog: str = PROG) -> str:
    """`faq incident --format markdown`: the facts as a list, then summary, people, sources."""
    i = view.incident
    facts = [f"- **When:** {i.date.human()}", f"- **Where:** {plain(i.place)}", f"- **Kind:** {plain(i.kind)}"]
    if i.verification != "confirmed":
        facts.append(f"- **Verification:** {_mark(i.verification)}")
    if i.casualties:
        c = i.casualties
        counts = ", ".join(f"{n} {label}" for n, label in ((c.killed, "killed"), (c.wounded, "wounded")) if n is not None)
        note = f"{counts}. {plain(c.note)}" if counts and c.note else counts or plain(c.note or "")
        facts.append(f"- **Casualties:** {note}")
    if i.attribution:
        a = i.attribution
        line = plain(a.status) + (f", by {plain(a.by)}" if a.by else "")
        facts.append(f"- **Attribution:** {line}" + (f". {plain(a.note)}" if a.note else ""))
    people = [f"- **{plain(r.name)}**: {plain(r.involvement.role)}, {plain(r.involvement.outcome)}" for r in view.people]
    return _document(
        [
            f"# {plain(i.title)}",
            "\n".join(facts),
            body(i.summary) if i.summary else "",
            _section("People", people),
            _disputes(view.disputes, "as above"),
            _sources(view.sources),
            _see_also([*view.incidents, *view.events, *view.questions], prog),
        ]
    )


def event(view: q.EventView, prog: str = PROG) -> str:
    """`faq event --format markdown`: when, people, summary, sources."""
    e = view.event
    when = e.date.human() if e.end is None else f"{e.date.human()} – {e.end.human()}"
    facts = [f"- **When:** {when}"]
    if e.kind:
        facts.append(f"- **Kind:** {plain(e.kind)}")
    if e.verification != "confirmed":
        facts.append(f"- **Verification:** {_mark(e.verification)}")
    if view.people:
        facts.append("- **People:** " + ", ".join(plain(p.label) for p in view.people))
    return _document(
        [
            f"# {plain(e.title)}",
            "\n".join(facts),
            body(e.summary) if e.summary else "",
            _disputes(view.disputes, "as above"),
            _sources(view.sources),
            _see_also([*view.people, *view.incidents, *view.questions], prog),
        ]
    )


def timeline(items: Sequence[q.TimelineItem]) -> str:
    """`faq timeline --format markdown`: a heading and a table for each year."""
    if not items:
        return _document(["# Timeline", "Nothing in this timeline."])
    blocks = ["# Timeline"]
    years: dict[int, list[q.TimelineItem]] = {}
    for item in items:
        years.setdefault(item.date.year, []).append(item)
    for year, group in years.items():
        rows = [
            (
                item.date.human() if item.end is None else f"{item.date.human()} – {item.end.human()}",
                item.type,
                " ".join(x for x in (plain(item.title), _mark(item.verification)) if x),
                code(item.id),
            )
            for item in group
        ]
        blocks += [f"## {year}", _table(("Date", "Type", "What", "Id"), rows)]
    return _document(blocks)


def profile(result: q.Profile, prog: str = PROG) -> str:
    """`faq profile --format markdown`: names and status, summary, then tables of positions, sanctions, incidents."""
    p = result.person
    facts = []
    if p.native_name:
        facts.append(f"- **Native name:** {plain(p.native_name)}")
    if p.aliases:
        facts.append(f"- **Also written:** {plain(', '.join(p.aliases))}")
    if p.born:
        facts.append(f"- **Born:** {p.born.human()}" + (f" in {plain(p.birthplace)}" if p.birthplace else ""))
    if p.status:
        mark = _mark(p.status.verification)
        facts.append(f"- **Status:** {plain(p.status.state)} (as of {p.status.as_of.human()})" + (f" {mark}" if mark else ""))
    positions = [(plain(x.title), plain(x.organisation), _date(x.start), _date(x.end)) for x in p.positions]
    sanctions = [(plain(s.by), s.date.human(), plain(s.reason)) for s in p.sanctions]
    honours = [f"- {plain(h.title)}" + (f" ({h.date.human()})" if h.date else "") for h in p.honours]
    incidents = [
        (i.date.human(), plain(i.title), plain(inv.role), plain(inv.outcome), code(f"{prog} incident {i.id}"))
        for i, inv in result.incidents
    ]
    questions = [f"- {plain(x.question)} — {code(f'{prog} ask {x.id}')}" for x in result.questions]
    if len(result.mentions) > len(result.questions):
        more = len(result.mentions) - len(result.questions)
        questions.append(f"- … and {more:,} earlier — {code(f'{prog} profile {p.id} --all')}")
    return _document(
        [
            f"# {plain(p.name)}",
            "\n".join(facts),
            body(p.summary) if p.summary else "",
            "## Positions\n\n" + _table(("Title", "Organisation", "From", "To"), positions) if positions else "",
            _section("Honours", honours),
            "## Sanctions\n\n" + _table(("By", "Date", "Reason"), sanctions) if sanctions else "",
            "## Incidents\n\n" + _table(("Date", "Incident", "Role", "Outcome", "Command"), incidents) if incidents else "",
            _section("Questions", questions),
            _disputes(result.disputes, "as above"),
            _sources(result.sources),
        ]
    )
