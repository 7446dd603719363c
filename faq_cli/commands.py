"""What each command does, once its options are parsed: plain values in, output and an exit status out.

Both ways into a command call these functions: the Typer app (`app.py`), which
parses any command line and owns help, completion and usage errors, and the
fast path of `cli.py`, which parses only the lookups it fully understands
(`argv.py`) so that they run without importing Typer. Nothing here imports
Typer; a command ends early by raising `Exit`, which each caller turns into its
own exit. Heavy modules are imported inside the functions that use them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn

from faq_cli.cli import EXIT_NO_MATCH, EXIT_USAGE

if TYPE_CHECKING:
    from faq_cli.model import Catalogue, PartialDate
    from faq_cli.query import DateFilter, NoMatch, Unknown


class Exit(Exception):
    """End the command with this exit status (its output, if any, already printed)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Conflict(Exception):
    """Options that cannot go together: a usage error, reported by the Typer app against `option`."""

    def __init__(self, message: str, option: str) -> None:
        super().__init__(message)
        self.message = message
        self.option = option


class State:
    """The global options, set before a command runs."""

    data: list[str] | None = None
    pager: bool = True


def conflicting(as_json: bool, output: str) -> bool:
    """`--json` and `--format markdown` together: the one combination of a command's own options that is refused."""
    return as_json and output == "markdown"


def _markdown(output: str, as_json: bool) -> bool:
    """Whether to print Markdown; `--json` and `--format markdown` together are a usage error."""
    if conflicting(as_json, output):
        raise Conflict("--json and --format markdown cannot be combined", "--format")
    return output == "markdown"


# ---- helpers ------------------------------------------------------------------------------------


def _fail(message: str, status: int = EXIT_USAGE) -> NoReturn:
    from faq_cli.render.terminal import print_error

    print_error(message)
    raise Exit(status)


def _catalogue() -> Catalogue:
    """The active catalogue, or exit 2 with the first problem and a count of the rest."""
    from faq_cli import index
    from faq_cli.errors import CatalogueError
    from faq_cli.files import active_paths
    from faq_cli.render.progress import index_progress

    try:
        return index.load(active_paths(State.data), progress=index_progress(), derivers=derivers(), notice=_notice)
    except CatalogueError as exc:
        import shlex

        more = len(exc.problems) - 1
        command = " ".join(["faq validate", *(shlex.quote(p) for p in State.data or ())])
        suffix = f" (and {more} more problem{'s' if more != 1 else ''}; run '{command}' to list them)" if more > 0 else ""
        _fail(f"{exc.problems[0]}{suffix}")


def _notice(message: str) -> None:
    """What the index says of a cache it will not trust: one line on stderr, the answer still comes."""
    from faq_cli.render.terminal import print_error

    print_error(message)


def _search_rows(catalogue: Catalogue) -> Iterable[tuple[str, bytes]]:
    from faq_cli import search

    return search.derive(catalogue)


def _name_rows(catalogue: Catalogue) -> Iterable[tuple[str, bytes]]:
    from faq_cli import names

    return names.derive(catalogue)


def derivers() -> dict[str, Callable[[Catalogue], Iterable[tuple[str, bytes]]]]:
    """What the compiled index stores besides the entries, built with them: search's structures, people's names."""
    return {"search": _search_rows, "people-names": _name_rows}


def _emit_json(document: Any) -> None:
    from faq_cli.render.json import dumps

    sys.stdout.write(dumps(document) + "\n")


def _emit_markdown(document: str) -> None:
    sys.stdout.write(document)


def _show(renderable: Any) -> None:
    from faq_cli.render.terminal import out

    out(renderable, page=State.pager)


def _output(
    as_json: bool,
    document: Callable[[ModuleType], Any],
    text: Callable[[ModuleType], Any],
    markdown: Callable[[ModuleType], str] | None = None,
) -> None:
    """Print a result as JSON (`document` of render/json.py), as Markdown (`markdown` of render/markdown.py,
    when given) or for the terminal (`text` of render/terminal.py); only the renderer chosen is imported."""
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(document(jr))
    elif markdown is not None:
        from faq_cli.render import markdown as md

        _emit_markdown(markdown(md))
    else:
        from faq_cli.render import terminal

        _show(text(terminal))


def _date(value: str | None, option: str) -> PartialDate | None:
    """A partial date from an option; a bad one is a one-line usage error (exit 2)."""
    if value is None:
        return None
    from faq_cli.model import DateError, PartialDate

    try:
        return PartialDate.parse(value)
    except DateError as exc:
        _fail(f"{option}: {exc}")


def _dates(year: list[str] | None, since: str | None, until: str | None) -> DateFilter:
    """`--year`/`--since`/`--until` as one filter; bad values and an empty span are usage errors."""
    from faq_cli.query import DateFilter, parse_years

    try:
        years = parse_years(year or [])
    except ValueError as exc:
        _fail(f"--year: {exc}")
    dates = DateFilter(years, _date(since, "--since"), _date(until, "--until"))
    if dates.since and dates.until and dates.since > dates.until.end():
        _fail(f"--since {dates.since} is after --until {dates.until}: no date can match")
    return dates


def _refuse_unknown(found: Unknown | None) -> None:
    """A filter value the catalogue does not know: a usage error (exit 2) naming the known values."""
    if found is None:
        return
    shown = found.known[:KNOWN_SHOWN]
    rest = f" and {len(found.known) - len(shown)} more" if len(found.known) > len(shown) else ""
    known = f"known: {', '.join(shown)}{rest}" if shown else "the catalogue has none"
    guess = f"; did you mean '{found.suggestion}'?" if found.suggestion else ""
    _fail(f"{found.option} '{found.value}': {found.missing}{guess} ({known})")


KNOWN_SHOWN = 20  # an error line lists at most this many known values


def _person(catalogue: Catalogue, name: str | None, as_json: bool) -> Any:
    """Resolve `--person`; an unknown or ambiguous name exits 1 with candidates."""
    if name is None:
        return None
    from faq_cli import query

    found = query.find_person(catalogue, name)
    if isinstance(found, query.NoMatch):
        _no_match(found, as_json)
    return found


def _no_match(result: NoMatch, as_json: bool, markdown: bool = False) -> NoReturn:
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.no_match(result))
    elif markdown:
        from faq_cli.render import markdown as md

        _emit_markdown(md.no_match(result))
    else:
        from faq_cli.render import terminal

        terminal.out(terminal.no_match(result), page=False)
    raise Exit(EXIT_NO_MATCH)


# ---- commands -----------------------------------------------------------------------------------


def overview() -> None:
    """`faq` alone: what the active catalogue holds and commands to try."""
    from faq_cli import stats
    from faq_cli.render import charts

    _show(charts.overview(stats.overview(_catalogue())))


def ask(question: list[str], top: int = 0, as_json: bool = False, output: str = "text", full: bool = False) -> None:
    """`faq ask`: the entry that answers the question (a question's answer, a profile, an incident, an event
    or a fact stated in one), or the closest candidates; compact on the terminal unless `full`."""
    from faq_cli import query

    text = " ".join(question)
    markdown = _markdown(output, as_json)
    catalogue = _catalogue()
    number = query.question_number(text)
    if number is not None and not 1 <= number <= len(catalogue.questions) and text.strip() not in catalogue.questions:
        from faq_cli.render.terminal import print_error

        count = len(catalogue.questions)
        print_error(f"there is no question {number}: the questions are numbered 1 to {count} (faq questions lists them)")
        if as_json:
            _emit_json({"query": text, "match": None, "alternatives": []})
        raise Exit(EXIT_NO_MATCH)
    result = query.ask(catalogue, text, top=top or 3)
    # Without --top an answer stands alone; with no answer, the closest candidates are the point.
    if not top and result.kind is not None:
        result = result._replace(alternatives=[])
    missed = query.NoMatch(text, "question", result.alternatives, hint=result.hint) if result.kind is None else None

    def view(renderer: ModuleType) -> Any:
        return renderer.no_match(missed) if missed else renderer.answer(result)

    def card(t: ModuleType) -> Any:
        return t.no_match(missed) if missed else t.answer(result, full=full)

    _output(as_json, lambda jr: jr.answer(result), card, view if markdown else None)
    if result.kind is None:
        raise Exit(EXIT_NO_MATCH)


def questions(tag: str | None = None, as_json: bool = False) -> None:
    """`faq questions`: every question, numbered."""
    from faq_cli import query

    catalogue = _catalogue()
    numbered = query.numbered_questions(catalogue, tag)
    if tag is not None and not numbered:
        _refuse_unknown(query.unknown_tag(catalogue, tag))
    _output(as_json, lambda jr: jr.questions(numbered), lambda t: t.questions(numbered) if numbered else "no questions")


def search(words: list[str], kind: str | None = None, limit: int = 10, as_json: bool = False) -> None:
    """`faq search`: ranked hits across the catalogue, each with a snippet."""
    from faq_cli import query

    result = query.search_entries(_catalogue(), " ".join(words), kind, limit)
    _output(as_json, lambda jr: jr.search(result), lambda t: t.search_hits(result))


def incidents(
    year: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    person: str | None = None,
    place: str | None = None,
    reverse: bool = False,
    as_json: bool = False,
    output: str = "text",
) -> None:
    """`faq incidents`: incidents as a table, oldest first."""
    from faq_cli import query

    markdown = _markdown(output, as_json)
    dates = _dates(year, since, until)
    catalogue = _catalogue()
    _refuse_unknown(query.unknown_year(catalogue, dates.years, ("incidents",)))
    who = _person(catalogue, person, as_json)
    items = query.incidents(catalogue, dates, kind, who, place, reverse)
    if kind is not None and not items:  # a kind that matched something is known; only an empty result asks
        _refuse_unknown(query.unknown_kind(catalogue, kind))

    def view(renderer: ModuleType) -> Any:
        return renderer.incidents(catalogue, items)

    _output(as_json, lambda jr: [jr.incident(catalogue, i) for i in items], view, view if markdown else None)


def incident(id_or_text: list[str], as_json: bool = False, output: str = "text", full: bool = False) -> None:
    """`faq incident`: one incident; compact on the terminal unless `full`."""
    from faq_cli import query

    markdown = _markdown(output, as_json)
    catalogue = _catalogue()
    text = " ".join(id_or_text)
    found = query.find_incident(catalogue, text)
    _other_kind(catalogue, text, "incident", found)
    if isinstance(found, query.NoMatch):
        _no_match(found, as_json, markdown)
    result = query.incident_view(catalogue, found)

    def view(renderer: ModuleType) -> Any:
        return renderer.incident(result)

    _output(
        as_json,
        lambda jr: jr.incident_view(catalogue, result),
        lambda t: t.incident(result, full=full),
        view if markdown else None,
    )


def event(id_or_text: list[str], as_json: bool = False, output: str = "text", full: bool = False) -> None:
    """`faq event`: one event; compact on the terminal unless `full`."""
    from faq_cli import query

    markdown = _markdown(output, as_json)
    catalogue = _catalogue()
    text = " ".join(id_or_text)
    found = query.find_event(catalogue, text)
    _other_kind(catalogue, text, "event", found)
    if isinstance(found, query.NoMatch):
        _no_match(found, as_json, markdown)
    result = query.event_view(catalogue, found)

    def view(renderer: ModuleType) -> Any:
        return renderer.event(result)

    _output(as_json, lambda jr: jr.event_view(result), lambda t: t.event(result, full=full), view if markdown else None)


_OPENS = {
    "question": ("questions", "faq ask"),
    "person": ("people", "faq profile"),
    "incident": ("incidents", "faq incident"),
    "event": ("events", "faq event"),
}


def _other_kind(catalogue: Catalogue, text: str, wanted: str, found: object = None) -> None:
    """An id of another kind of entry given to a command for one kind: say what it is and which command opens
    it (exit 1), never show another entry in its place. A single word that is also an id ('kirillov', a
    person) is read as words first: only when no entry of the wanted kind matches is it taken for the id."""
    from faq_cli import query

    entry_id = text.strip()
    if entry_id in getattr(catalogue, _OPENS[wanted][0]):
        return
    if "-" not in entry_id and found is not None and not isinstance(found, query.NoMatch):
        return
    for kind, (section, command) in _OPENS.items():
        if kind != wanted and entry_id in getattr(catalogue, section):
            _fail(f"'{entry_id}' is {_a(kind)}, not {_a(wanted)}: {command} {entry_id}", EXIT_NO_MATCH)


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def timeline(
    year: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    person: str | None = None,
    as_json: bool = False,
    output: str = "text",
) -> None:
    """`faq timeline`: incidents and events in date order, grouped by year."""
    from faq_cli import query

    markdown = _markdown(output, as_json)
    dates = _dates(year, since, until)
    catalogue = _catalogue()
    _refuse_unknown(query.unknown_year(catalogue, dates.years, ("incidents", "events")))
    who = _person(catalogue, person, as_json)
    items = query.timeline(catalogue, dates, who)

    def view(renderer: ModuleType) -> Any:
        return renderer.timeline(items)

    _output(as_json, lambda jr: jr.timeline(catalogue, items), view, view if markdown else None)


def profile(name: list[str], as_json: bool = False, output: str = "text", full: bool = False, every: bool = False) -> None:
    """`faq profile`: one person; compact on the terminal unless `full`; with `every`, in full with every
    question that mentions them."""
    from faq_cli import query

    markdown = _markdown(output, as_json)
    catalogue = _catalogue()
    found = query.find_person(catalogue, " ".join(name))
    _other_kind(catalogue, " ".join(name), "person", found)
    if isinstance(found, query.NoMatch):
        _no_match(found, as_json, markdown)
    result = query.profile(catalogue, found, every)

    def view(renderer: ModuleType) -> Any:
        return renderer.profile(result)

    _output(as_json, view, lambda t: t.profile(result, full=full or every), view if markdown else None)


def browse() -> None:
    """`faq browse`: a full-screen picker over every entry, filtered as you type, with a preview."""
    import os

    if not (sys.stdin.isatty() and sys.stdout.isatty()) or os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        _fail("faq browse needs a terminal that can draw a full screen; without one, try faq search TEXT or faq questions")
    from faq_cli import query

    catalogue = _catalogue()
    from faq_cli.render import browse as picker
    from faq_cli.render import terminal

    def card(item: query.Related, full: bool) -> Any:
        return terminal.answer(query.entry_answer(catalogue, item.type, item.id), full=full)

    status = picker.run(lambda text: query.matching_entries(catalogue, text), card, _read)
    if status:
        raise Exit(status)


def _read(text: str) -> None:
    """Show an entry `faq browse` opened: in the pager, or (paging turned off) printed, until Enter."""
    from faq_cli.render import pager

    command = pager.pager_command() if State.pager else None
    if command is None or not pager.page(text, command, to_read=True):
        sys.stdout.write(text)
        input("-- Enter to go back to the list --")


def people(as_json: bool = False) -> None:
    """`faq people`: everyone with their main position."""
    from faq_cli import query

    items = query.people(_catalogue())
    _output(as_json, lambda jr: [jr.person(p) for p in items], lambda t: t.people(items))


def sources(as_json: bool = False) -> None:
    """`faq sources`: the sources and the entries that cite each."""
    from faq_cli import query

    uses = query.source_uses(_catalogue())

    def view(renderer: ModuleType) -> Any:
        return renderer.sources(uses)

    _output(as_json, view, view)


def validate(paths: list[str] | None = None, as_json: bool = False) -> None:
    """`faq validate`: every problem in the catalogue files, one a line."""
    from faq_cli import index
    from faq_cli.files import active_paths
    from faq_cli.render.progress import index_progress

    # Through the index: only files changed since the last check are parsed again.
    found, file_count = index.check(
        paths or active_paths(State.data), progress=index_progress(), derivers=derivers(), notice=_notice
    )
    if as_json:
        _emit_json([p.to_json() for p in found])
    else:
        from faq_cli.render import terminal

        # One problem a line, never wrapped: editors and grep read path:line:col from each line.
        terminal.out(terminal.problems(found, file_count), page=False, soft_wrap=True)
    if found:
        raise Exit(EXIT_NO_MATCH)


def schema() -> None:
    """`faq schema`: the catalogue's JSON Schema."""
    import json

    from faq_cli.schema import catalogue_schema

    sys.stdout.write(json.dumps(catalogue_schema(), indent=2) + "\n")


def stats(as_json: bool = False) -> None:
    """`faq stats`: incidents per year and kind, entries per verification level."""
    from faq_cli import stats as st

    result = st.stats(_catalogue())
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.stats(result))
        return
    from faq_cli.render import charts

    _show(charts.stats(result))


def init(directory: str) -> None:
    """`faq init`: a small, valid starter catalogue, never overwriting a file."""
    from pathlib import Path

    from faq_cli.init import InitError
    from faq_cli.init import init as write_starter

    if not directory:  # Path("") is the current directory: never write there unasked
        _fail("DIR must not be empty; write '.' for the current directory")
    try:
        written = write_starter(Path(directory))
    except InitError as exc:
        _fail(str(exc))
    from faq_cli.render import terminal

    terminal.out(terminal.written(written, directory), page=State.pager, soft_wrap=True)
