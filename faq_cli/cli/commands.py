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
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from faq_cli.errors import ExitStatus
from faq_cli.mirrors.argv import conflicting

if TYPE_CHECKING:
    from faq_cli.catalogue.layers import Layer
    from faq_cli.catalogue.model import Catalogue, PartialDate, Person
    from faq_cli.query import DateFilter, NoMatch, StaleNote, Unknown
    from faq_cli.render.protocols import JsonRenderer, MarkdownRenderer, Renderable, TerminalRenderer


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


class Env(NamedTuple):
    """What a command needs of its call besides its own options: the global options, given to every command."""

    data: list[str] | None = None  # the --data layers (None: FAQ_CLI_DATA, else the bundled and added catalogues)
    pager: bool = True  # long output may go through a pager (not --no-pager)


def _markdown(output: str, as_json: bool) -> bool:
    """Whether to print Markdown; `--json` and `--format markdown` together are a usage error."""
    if conflicting(as_json, output):
        raise Conflict("--json and --format markdown cannot be combined", "--format")
    return output == "markdown"


# ---- helpers ------------------------------------------------------------------------------------


def _fail(message: str, status: int = ExitStatus.USAGE) -> NoReturn:
    from faq_cli.render.terminal import print_error

    print_error(message)
    raise Exit(status)


def _layers(env: Env) -> list[Layer]:
    """The active layers (see `layers.active_layers`); an unreadable list of added catalogues is exit 2."""
    from faq_cli.catalogue.layers import LayerError, active_layers

    try:
        return active_layers(env.data)
    except LayerError as exc:
        _fail(str(exc))


def _prog(env: Env) -> str:
    """`faq` with this call's `--data` options: the start of every command the output suggests."""
    from faq_cli.catalogue.layers import invocation
    from faq_cli.text.inert import one_line

    return one_line(invocation(env.data))


def _catalogue(env: Env) -> Catalogue:
    """The active catalogue, or exit 2 with the first problem and a count of the rest."""
    from faq_cli import store as index
    from faq_cli.errors import CatalogueError
    from faq_cli.render.progress import index_progress

    layers = _layers(env)
    try:
        return index.load(layers, progress=index_progress(), derivers=derivers(), notice=_notice)
    except CatalogueError as exc:
        from faq_cli.catalogue.layers import shell_word

        more = len(exc.problems) - 1
        command = " ".join(["faq validate", *(shell_word(p) for p in env.data or ())])
        suffix = f" (and {more} more problem{'s' if more != 1 else ''}; run '{command}' to list them)" if more > 0 else ""
        _fail(f"{exc.problems[0]}{suffix}")


def _notice(message: str) -> None:
    """What the index says of a cache it will not trust: one line on stderr, the answer still comes."""
    from faq_cli.render.terminal import print_error

    print_error(message)


ENV_STALE_DAYS = "FAQ_CLI_STALE_DAYS"


def _stale(env: Env, catalogue: Catalogue, entry: object) -> StaleNote | None:
    """The "as of" note for an answer from a layer older than FAQ_CLI_STALE_DAYS (default 180; 0: never)."""
    import datetime as dt
    import os

    from faq_cli import query
    from faq_cli.catalogue.model import PartialDate

    layer = str(getattr(entry, "catalogue", ""))
    raw = os.environ.get(ENV_STALE_DAYS, "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
        _fail(f"{ENV_STALE_DAYS} must be a whole number of days (0 turns the 'as of' note off), not '{raw[:20]}'")
    days = int(raw) if raw else query.STALE_DAYS
    today = dt.date.today()
    update = None
    if any(x.name == layer and x.kind == "git" for x in _layers(env)) and not env.data:
        update = f"faq catalogue update {layer}"
    return query.stale_note(catalogue, layer, PartialDate(today.year, today.month, today.day), days, update)


def _search_rows(catalogue: Catalogue) -> Iterable[tuple[str, bytes]]:
    from faq_cli import search

    return search.derive(catalogue)


def _name_rows(catalogue: Catalogue) -> Iterable[tuple[str, bytes]]:
    from faq_cli.text import names

    return names.derive(catalogue)


def derivers() -> dict[str, Callable[[Catalogue], Iterable[tuple[str, bytes]]]]:
    """What the compiled index stores besides the entries, built with them: search's structures, people's names."""
    return {"search": _search_rows, "people-names": _name_rows}


def _emit_json(document: Any) -> None:
    from faq_cli.render.json import dumps

    sys.stdout.write(dumps(document) + "\n")


def _emit_markdown(document: str) -> None:
    sys.stdout.write(document)


def _show(env: Env, renderable: Renderable) -> None:
    from faq_cli.render.terminal import out

    out(renderable, page=env.pager)


def _output(
    env: Env,
    as_json: bool,
    document: Callable[[JsonRenderer], object],
    text: Callable[[TerminalRenderer], Renderable],
    markdown: Callable[[MarkdownRenderer], str] | None = None,
) -> None:
    """Print a result as JSON (`document` of render/json.py), as Markdown (`markdown` of render/markdown.py,
    when given) or for the terminal (`text` of render/terminal.py); only the renderer chosen is imported.
    Each is given its module, which mypy checks against the renderer's protocol (render/protocols.py)."""
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(document(jr))
    elif markdown is not None:
        from faq_cli.render import markdown as md

        _emit_markdown(markdown(md))
    else:
        from faq_cli.render import terminal

        _show(env, text(terminal))


def _date(value: str | None, option: str) -> PartialDate | None:
    """A partial date from an option; a bad one is a one-line usage error (exit 2)."""
    if value is None:
        return None
    from faq_cli.catalogue.model import DateError, PartialDate

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


def _person(env: Env, catalogue: Catalogue, name: str | None, as_json: bool) -> Person | None:
    """Resolve `--person`; an unknown or ambiguous name exits 1 with candidates."""
    if name is None:
        return None
    from faq_cli import query

    found = query.find_person(catalogue, name)
    if isinstance(found, query.NoMatch):
        _no_match(env, found, as_json)
    return found


def _no_match(env: Env, result: NoMatch, as_json: bool, markdown: bool = False) -> NoReturn:
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.no_match(result))
    elif markdown:
        from faq_cli.render import markdown as md

        _emit_markdown(md.no_match(result, _prog(env)))
    else:
        from faq_cli.render import terminal

        terminal.out(terminal.no_match(result, _prog(env)), page=False)
    raise Exit(ExitStatus.NO_MATCH)


# ---- commands -----------------------------------------------------------------------------------


def overview(env: Env) -> None:
    """`faq` alone: what the active catalogue holds and commands to try."""
    from faq_cli import stats
    from faq_cli.render import charts

    _show(env, charts.overview(stats.overview(_catalogue(env), _prog(env))))


def ask(env: Env, question: list[str], top: int = 0, as_json: bool = False, output: str = "text", full: bool = False) -> None:
    """`faq ask`: the entry that answers the question (a question's answer, a profile, an incident, an event
    or a fact stated in one), or the closest candidates; compact on the terminal unless `full`."""
    from faq_cli import query

    text = " ".join(question)
    markdown = _markdown(output, as_json)
    catalogue = _catalogue(env)
    number = query.question_number(text)
    if number is not None and not 1 <= number <= len(catalogue.questions) and text.strip() not in catalogue.questions:
        from faq_cli.render.terminal import print_error

        count = len(catalogue.questions)
        print_error(f"there is no question {number}: the questions are numbered 1 to {count} ({_prog(env)} questions lists them)")
        if as_json:
            _emit_json({"query": text, "match": None, "alternatives": []})
        raise Exit(ExitStatus.NO_MATCH)
    result = query.ask(catalogue, text, top=top or 3)
    # Without --top an answer stands alone; with no answer, the closest candidates are the point.
    if not top and result.kind is not None:
        result = result._replace(alternatives=[])
    missed = query.NoMatch(text, "question", result.alternatives, hint=result.hint) if result.kind is None else None

    def view(md: MarkdownRenderer) -> str:
        return md.no_match(missed, _prog(env)) if missed else md.answer(result, _prog(env))

    def card(terminal: TerminalRenderer) -> Renderable:
        if missed:
            return terminal.no_match(missed, _prog(env))
        return terminal.with_note(terminal.answer(result, full=full, prog=_prog(env)), _stale(env, catalogue, result.entry))

    _output(env, as_json, lambda jr: jr.answer(result), card, view if markdown else None)
    if result.kind is None:
        raise Exit(ExitStatus.NO_MATCH)


def questions(env: Env, tag: str | None = None, as_json: bool = False) -> None:
    """`faq questions`: every question, numbered."""
    from faq_cli import query

    catalogue = _catalogue(env)
    numbered = query.numbered_questions(catalogue, tag)
    if tag is not None and not numbered:
        _refuse_unknown(query.unknown_tag(catalogue, tag))
    _output(env, as_json, lambda jr: jr.questions(numbered), lambda t: t.questions(numbered) if numbered else "no questions")


def search(env: Env, words: list[str], kind: str | None = None, limit: int = 10, as_json: bool = False) -> None:
    """`faq search`: ranked hits across the catalogue, each with a snippet."""
    from faq_cli import query

    result = query.search_entries(_catalogue(env), " ".join(words), kind, limit)
    _output(env, as_json, lambda jr: jr.search(result), lambda t: t.search_hits(result, _prog(env)))


def incidents(
    env: Env,
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
    catalogue = _catalogue(env)
    _refuse_unknown(query.unknown_year(catalogue, dates.years, ("incidents",)))
    who = _person(env, catalogue, person, as_json)
    items = query.incidents(catalogue, dates, kind, who, place, reverse)
    if kind is not None and not items:  # a kind that matched something is known; only an empty result asks
        _refuse_unknown(query.unknown_kind(catalogue, kind))
    rows = query.incident_rows(catalogue, items, with_sources=markdown)

    _output(
        env,
        as_json,
        lambda jr: jr.incident_rows(rows),
        lambda terminal: terminal.incidents(rows),
        (lambda md: md.incidents(rows)) if markdown else None,
    )


def incident(env: Env, id_or_text: list[str], as_json: bool = False, output: str = "text", full: bool = False) -> None:
    """`faq incident`: one incident; compact on the terminal unless `full`."""
    from faq_cli import query

    markdown = _markdown(output, as_json)
    catalogue = _catalogue(env)
    text = " ".join(id_or_text)
    found = query.find_incident(catalogue, text)
    _other_kind(env, catalogue, text, "incident", found)
    if isinstance(found, query.NoMatch):
        _no_match(env, found, as_json, markdown)
    result = query.incident_view(catalogue, found)

    def view(md: MarkdownRenderer) -> str:
        return md.incident(result, _prog(env))

    def card(terminal: TerminalRenderer) -> Renderable:
        return terminal.with_note(terminal.incident(result, full=full, prog=_prog(env)), _stale(env, catalogue, found))

    _output(env, as_json, lambda jr: jr.incident_view(result), card, view if markdown else None)


def event(env: Env, id_or_text: list[str], as_json: bool = False, output: str = "text", full: bool = False) -> None:
    """`faq event`: one event; compact on the terminal unless `full`."""
    from faq_cli import query

    markdown = _markdown(output, as_json)
    catalogue = _catalogue(env)
    text = " ".join(id_or_text)
    found = query.find_event(catalogue, text)
    _other_kind(env, catalogue, text, "event", found)
    if isinstance(found, query.NoMatch):
        _no_match(env, found, as_json, markdown)
    result = query.event_view(catalogue, found)

    def view(md: MarkdownRenderer) -> str:
        return md.event(result, _prog(env))

    def card(terminal: TerminalRenderer) -> Renderable:
        return terminal.with_note(terminal.event(result, full=full, prog=_prog(env)), _stale(env, catalogue, found))

    _output(env, as_json, lambda jr: jr.event_view(result), card, view if markdown else None)


_OPENS = {
    "question": ("questions", "ask"),
    "person": ("people", "profile"),
    "incident": ("incidents", "incident"),
    "event": ("events", "event"),
}


def _other_kind(env: Env, catalogue: Catalogue, text: str, wanted: str, found: object = None) -> None:
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
            _fail(f"'{entry_id}' is {_a(kind)}, not {_a(wanted)}: {_prog(env)} {command} {entry_id}", ExitStatus.NO_MATCH)


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def timeline(
    env: Env,
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
    catalogue = _catalogue(env)
    _refuse_unknown(query.unknown_year(catalogue, dates.years, ("incidents", "events")))
    who = _person(env, catalogue, person, as_json)
    items = query.timeline(catalogue, dates, who, named=as_json)

    _output(
        env,
        as_json,
        lambda jr: jr.timeline(items),
        lambda terminal: terminal.timeline(items),
        (lambda md: md.timeline(items)) if markdown else None,
    )


def profile(
    env: Env, name: list[str], as_json: bool = False, output: str = "text", full: bool = False, every: bool = False
) -> None:
    """`faq profile`: one person; compact on the terminal unless `full`; with `every`, in full with every
    question that mentions them."""
    from faq_cli import query

    markdown = _markdown(output, as_json)
    catalogue = _catalogue(env)
    found = query.find_person(catalogue, " ".join(name))
    _other_kind(env, catalogue, " ".join(name), "person", found)
    if isinstance(found, query.NoMatch):
        _no_match(env, found, as_json, markdown)
    result = query.profile(catalogue, found, every)

    def view(md: MarkdownRenderer) -> str:
        return md.profile(result, _prog(env))

    def card(terminal: TerminalRenderer) -> Renderable:
        return terminal.with_note(terminal.profile(result, full=full or every, prog=_prog(env)), _stale(env, catalogue, found))

    _output(env, as_json, lambda jr: jr.profile(result), card, view if markdown else None)


def browse(env: Env) -> None:
    """`faq browse`: a full-screen picker over every entry, filtered as you type, with a preview."""
    import os

    if not (sys.stdin.isatty() and sys.stdout.isatty()) or os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        _fail("faq browse needs a terminal that can draw a full screen; without one, try faq search TEXT or faq questions")
    from faq_cli import query

    catalogue = _catalogue(env)
    from faq_cli.render import browse as picker
    from faq_cli.render import terminal

    def card(item: query.Related, full: bool) -> Any:
        return terminal.answer(query.entry_answer(catalogue, item.type, item.id), full=full, prog=_prog(env))

    status = picker.run(lambda text: query.matching_entries(catalogue, text), card, lambda text: _read(env, text))
    if status:
        raise Exit(status)


def _read(env: Env, text: str) -> None:
    """Show an entry `faq browse` opened: in the pager, or (paging turned off) printed, until Enter."""
    from faq_cli.render import pager

    command = pager.pager_command() if env.pager else None
    if command is None or not pager.page(text, command, to_read=True):
        sys.stdout.write(text)
        input("-- Enter to go back to the list --")


def people(env: Env, as_json: bool = False) -> None:
    """`faq people`: everyone with their main position."""
    from faq_cli import query

    items = query.people(_catalogue(env))
    _output(env, as_json, lambda jr: [jr.person(p) for p in items], lambda t: t.people(items))


def sources(env: Env, as_json: bool = False) -> None:
    """`faq sources`: the sources and the entries that cite each."""
    from faq_cli import query

    uses = query.source_uses(_catalogue(env))

    _output(env, as_json, lambda jr: jr.sources(uses), lambda terminal: terminal.sources(uses))


def validate(env: Env, paths: list[str] | None = None, as_json: bool = False) -> None:
    """`faq validate`: every problem in the catalogue's layers and in their merge, one a line."""
    from faq_cli import store as index
    from faq_cli.catalogue.layers import given_layer
    from faq_cli.render import terminal
    from faq_cli.render.progress import index_progress

    layers = [given_layer(p) for p in paths] if paths else _layers(env)
    # Through the index: only files changed since the last check are parsed again.
    checked = index.check(layers, progress=index_progress(), derivers=derivers(), notice=_notice)
    found = checked.problems
    for note in checked.notes:  # on stderr: stdout stays one problem a line
        terminal.print_note(str(note))
    if as_json:
        _emit_json([p.to_json() for p in found])
    else:
        # One problem a line, never wrapped: editors and grep read path:line:col from each line.
        terminal.out(terminal.problems(found, checked.files, len(checked.notes)), page=False, soft_wrap=True)
    if found:
        raise Exit(ExitStatus.NO_MATCH)


def schema(env: Env) -> None:
    """`faq schema`: the JSON Schema of the active catalogue's files, with the values its `vocabulary:` allow."""
    import json

    from faq_cli import store as index
    from faq_cli.catalogue.model import Catalogue, CatalogueInfo
    from faq_cli.catalogue.schema import catalogue_schema
    from faq_cli.render.progress import index_progress

    # A catalogue with problems still has its vocabulary: the schema is what helps to fix them.
    checked = index.check(_layers(env), progress=index_progress(), derivers=derivers(), notice=_notice)
    choices = Catalogue(info=CatalogueInfo(), layers=tuple(checked.layers)).choices()
    sys.stdout.write(json.dumps(catalogue_schema(choices), indent=2) + "\n")


def stats(env: Env, as_json: bool = False) -> None:
    """`faq stats`: incidents per year and kind, entries per verification level."""
    from faq_cli import stats as st

    result = st.stats(_catalogue(env))
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.stats(result))
        return
    from faq_cli.render import charts

    _show(env, charts.stats(result, _prog(env)))


def init(env: Env, directory: str) -> None:
    """`faq init`: a small, valid starter catalogue, never overwriting a file."""
    from pathlib import Path

    from faq_cli.catalogue.init import InitError
    from faq_cli.catalogue.init import init as write_starter

    if not directory:  # Path("") is the current directory: never write there unasked
        _fail("DIR must not be empty; write '.' for the current directory")
    try:
        written = write_starter(Path(directory))
    except InitError as exc:
        _fail(str(exc))
    from faq_cli.render import terminal

    terminal.out(terminal.written(written, directory), page=env.pager, soft_wrap=True)


# ---- the catalogues added on top of the bundled one ---------------------------------------------------


def catalogue_list(env: Env, as_json: bool = False) -> None:
    """`faq catalogue list`: each active layer with its path, entry counts, `as_of` date and age."""
    import datetime as dt

    from faq_cli import store as index
    from faq_cli.catalogue import registry as catalogues
    from faq_cli.catalogue.layers import LayerError, data_paths, read_registry
    from faq_cli.render.progress import index_progress

    layers = _layers(env)
    checked = index.check(layers, progress=index_progress(), derivers=derivers(), notice=_notice)
    try:
        registry = read_registry()
    except LayerError:
        registry = []
    rows = catalogues.listing(layers, checked.layers, checked.counts, checked.problems, registry, dt.date.today())
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.catalogue_list(rows))
        return
    from faq_cli.render import terminal

    unused = len(registry) if data_paths(env.data) is not None else 0
    _show(env, terminal.catalogue_list(rows, unused, _prog(env)))


def catalogue_add(env: Env, name: str, source: str) -> None:
    """`faq catalogue add`: clone a git repository, or register a local folder, as a layer on top."""
    from faq_cli.catalogue import registry as catalogues
    from faq_cli.catalogue.layers import LayerError, data_paths
    from faq_cli.render import terminal

    try:
        added = catalogues.add(name, source)
    except catalogues.NotACatalogue as exc:
        _problems_then_fail(exc.problems, str(exc))
    except (catalogues.CataloguesError, LayerError) as exc:
        _fail(str(exc))
    terminal.out(terminal.catalogue_added(added, data_paths(env.data) is not None), page=False, soft_wrap=True)


def catalogue_update(name: str | None = None) -> None:
    """`faq catalogue update`: fetch and fast-forward git catalogues, keeping any new version that does not validate."""
    from faq_cli.catalogue import registry as catalogues
    from faq_cli.catalogue.layers import LayerError
    from faq_cli.render import terminal

    try:
        results = catalogues.update(name)
    except (catalogues.CataloguesError, LayerError) as exc:
        _fail(str(exc))
    if not results:
        terminal.out(terminal.plain_line("no catalogue from git to update (faq catalogue add NAME URL adds one)"), page=False)
        return
    failed = False
    for result in results:
        if result.status in ("kept", "failed"):
            failed = True
            for problem in result.problems:
                terminal.print_problem(str(problem))
            terminal.print_error(result.message)
        else:
            terminal.out(terminal.plain_line(result.message), page=False, soft_wrap=True)
    if failed:
        raise Exit(ExitStatus.NO_MATCH)


def catalogue_remove(name: str) -> None:
    """`faq catalogue remove`: forget a catalogue; a clone is deleted, a local folder is left where it is."""
    from faq_cli.catalogue import registry as catalogues
    from faq_cli.catalogue.layers import LayerError
    from faq_cli.render import terminal

    try:
        removed = catalogues.remove(name)
    except (catalogues.CataloguesError, LayerError) as exc:
        _fail(str(exc))
    kept = "" if removed.kind == "git" else f" (the folder {removed.path} is left as it is)"
    terminal.out(terminal.plain_line(f"removed {removed.name}{kept}"), page=False, soft_wrap=True)


def _problems_then_fail(problems: list[Any], message: str) -> NoReturn:
    """Each problem on a line of stderr (path:line:col: message), then the error line; exit 2."""
    from faq_cli.render import terminal

    for problem in problems:
        terminal.print_problem(str(problem))
    _fail(message)


# ---- writing and changing entries ---------------------------------------------------------------------


def _stack_with(env: Env, into: str | None) -> tuple[list[Layer], int]:
    """The active layers, with `--into PATH` on top when it is not one of them; and the number of the layer
    to write to (`--into`, else the last layer)."""
    import os

    from faq_cli.catalogue.layers import given_layer

    layers = _layers(env)
    if into is None:
        return layers, len(layers) - 1
    wanted = os.path.abspath(into)
    for n, layer in enumerate(layers):
        if os.path.abspath(layer.path) == wanted:
            return layers, n
    return [*layers, given_layer(into)], len(layers)


def _writable(layer: Layer, what: str) -> None:
    if layer.writable:
        return
    if layer.kind == "bundled":
        why = "the bundled catalogue is read-only"
    else:
        why = f"'{layer.name}' is a clone that faq catalogue update keeps, so it is read-only"
    _fail(f"cannot {what} there: {why}; give --into DIR (a folder of your own; it is made if missing)")


def _fresh_id(kind: str, taken: set[str]) -> str:
    n, entry_id = 1, f"new-{kind}"
    while entry_id in taken:
        n += 1
        entry_id = f"new-{kind}-{n}"
    return entry_id


def new(env: Env, kind: str, into: str | None = None) -> None:
    """`faq new KIND`: write an entry in the editor; checked against the catalogue and added to the right file."""
    import datetime as dt

    from faq_cli import store as index
    from faq_cli.catalogue import editing
    from faq_cli.catalogue.model import Catalogue, CatalogueInfo

    layers, target = _stack_with(env, into)
    _writable(layers[target], "write a new entry")
    progress, derive = _quiet_progress(), derivers()
    checked = index.check(layers, progress=progress, derivers=derive, notice=_notice)
    choices = Catalogue(info=CatalogueInfo(), layers=tuple(checked.layers[: target + 1])).choices()
    section = editing.KINDS[kind]
    try:
        spot = editing.spot_for(layers[target], section)
        editor = editing.editor_command()
        text = editing.template(
            kind, _fresh_id(kind, index.known_ids(layers, progress, derive)), str(spot.path), choices, dt.date.today()
        )
        draft = editing.new_draft(kind, text)
    except editing.EditError as exc:
        _fail(str(exc))
    skip = editing.template_comments(text)
    _compose(
        env,
        draft,
        layers,
        target,
        spot,
        section,
        skip,
        checked.problems,
        editor,
        editing.first_blank_field(text),
        kind,
        None,
    )


def _compose(
    env: Env,
    draft: Any,
    layers: list[Layer],
    target: int,
    spot: Any,
    section: str,
    skip: set[str],
    before: list[Any],
    editor: list[str],
    line: int,
    kind: str,
    replaces: str | None,
) -> None:
    """The rounds of editing a draft entry until it can be added to `spot`; then add it, or keep the draft."""
    import os
    import tempfile
    from pathlib import Path

    from faq_cli import store as index
    from faq_cli.catalogue import editing
    from faq_cli.catalogue.merge import read_file_as
    from faq_cli.catalogue.yamlfile import parse_file
    from faq_cli.render import terminal

    ready: dict[str, Any] = {}  # what the last check placed: the file's new text, the entry's line and id

    def check(body: str) -> tuple[list[tuple[int, str]], list[str]]:
        ready.clear()
        with tempfile.TemporaryDirectory(prefix="faq-new-") as folder:
            copy = Path(folder, "draft.yaml")
            copy.write_bytes(body.encode("utf-8", "surrogateescape"))
            read = read_file_as(copy, "draft")
            if read.problems:
                return [(p.line, p.message) for p in read.problems], []
            data = parse_file(copy).data
            wrong = [k for k in (data or {}) if k != section]
            if data is None or wrong or section not in data:
                where = data.key_marks[wrong[0]][0] if data is not None and wrong else 1
                return [(where, f"write one {kind} under '{section}:' and nothing else here")], []
            entry = editing.draft_entry(body, data, section, skip)
            if entry is None:
                return [
                    (data.key_marks[section][0], f"write exactly one {kind} under '{section}:' (faq new again for the next)")
                ], []
            placed = editing.place(spot, entry)
            candidate = Path(folder, "candidate.yaml")
            candidate.write_bytes(placed.text.encode("utf-8", "surrogateescape"))
            after = index.check_replacing(layers, target, str(spot.path), candidate, _quiet_progress(), derivers())
        here = os.path.abspath(spot.path)

        def mine(p: Any) -> bool:
            return bool(os.path.abspath(p.path) == here and placed.first <= p.line < placed.first + placed.lines)

        located, elsewhere = [], []
        for p in editing.introduced(before, after, mine):
            if mine(p):
                located.append((entry.draft_lines[p.line - placed.first], p.message))
            else:
                elsewhere.append(str(p))
        if not located and not elsewhere:
            ready.update(text=placed.text, first=placed.first, id=entry.entry_id or "")
        return located, elsewhere

    head = f"not added yet: fix what is listed and save, or save without a change to give up ({draft})"
    try:
        with editing.stop_on_signals():
            outcome = editing.rounds(draft, check, editor, line, head)
    except editing.Stopped as stop:
        terminal.print_error(f"stopped: the {kind} was not added; your draft is kept in {draft}")
        raise Exit(128 + stop.signum) from None
    except editing.EditError as exc:
        terminal.print_note(f"your draft is kept in {draft}")
        _fail(str(exc))
    if outcome.how == "unchanged":
        draft.unlink(missing_ok=True)
        terminal.out(terminal.plain_line(f"nothing added: the {kind} was not changed"), page=False)
        return
    if outcome.how == "gave_up":
        terminal.print_error(f"the {kind} was not added; your draft is kept in {draft}")
        raise Exit(ExitStatus.NO_MATCH)
    try:
        editing.write_text(spot.path, ready["text"])
    except editing.EditError as exc:
        terminal.print_note(f"your draft is kept in {draft}")
        _fail(str(exc))
    draft.unlink(missing_ok=True)
    done = f"added {kind} '{ready['id']}' to {spot.path}:{ready['first']}"
    if replaces:
        done += f"; it replaces the one in '{replaces}'"
    terminal.out(terminal.plain_line(done), page=False, soft_wrap=True)
    active = {os.path.abspath(layer.path) for layer in _layers(env)}
    if os.path.abspath(layers[target].path) not in active:
        where = layers[target].path
        terminal.print_note(f"{where} is not an active catalogue: read it with --data {where}, or faq catalogue add NAME {where}")


def _quiet_progress() -> Any:
    from faq_cli.render.progress import index_progress

    return index_progress()


def edit(env: Env, entry_id: str, kind: str | None = None, into: str | None = None) -> None:
    """`faq edit ID`: change an entry in the editor at its line; a change that does not validate is not kept."""
    import difflib

    from faq_cli import store as index
    from faq_cli.catalogue import editing

    layers, target = _stack_with(env, into)
    progress, derive = _quiet_progress(), derivers()
    places = index.locate(layers, entry_id, progress, derive)
    if kind is not None:
        places = [p for p in places if p.section == editing.KINDS[kind]]
    if not places:
        close = difflib.get_close_matches(entry_id, sorted(index.known_ids(layers, progress, derive)), n=1, cutoff=0.7)
        hint = f" (did you mean '{close[0]}'?)" if close else " (faq search WORDS finds entries and their ids)"
        _fail(f"no entry has the id '{entry_id}'{hint}", ExitStatus.NO_MATCH)
    sections = sorted({p.section for p in places})
    if len(sections) > 1:
        kinds = " and ".join(k for k, s in editing.KINDS.items() if s in sections)
        _fail(f"'{entry_id}' names a {kinds}: say which with --kind")
    place = places[-1]  # the version the catalogue shows: the one in the highest layer
    checked = index.check(layers, progress=progress, derivers=derive, notice=_notice)
    try:
        editor = editing.editor_command()
    except editing.EditError as exc:
        _fail(str(exc))
    if into is None and layers[place.layer].writable:
        _edit_in_place(place, layers, checked.problems, editor)
        return
    if into is None:  # from a read-only layer: the new version goes on top, in the last layer that can take it
        target = max((n for n, layer in enumerate(layers) if layer.writable), default=-1)
        if target < place.layer:
            _writable(layers[place.layer], "change it")
    _writable(layers[target], "write it")
    if target <= place.layer:
        _fail(
            f"'{entry_id}' is in '{layers[place.layer].name}', above {layers[target].path}: a version there would not replace it"
        )
    from pathlib import Path

    section = place.section
    noun = next(k for k, s in editing.KINDS.items() if s == section)
    try:
        spot = editing.spot_for(layers[target], section)
        body = editing.entry_text(Path(place.path), section, entry_id)
        note = f"Your version of {noun} '{entry_id}' from '{layers[place.layer].name}': it replaces that one."
        text = editing.draft_for(section, body, str(spot.path), note)
        draft = editing.new_draft(noun, text)
    except editing.EditError as exc:
        _fail(str(exc))
    skip = editing.template_comments(text)
    _compose(env, draft, layers, target, spot, section, skip, checked.problems, editor, 4, noun, layers[place.layer].name)


def _restore_on_stop(path: Any, original: bytes, signum: int) -> NoReturn:
    """faq was stopped while `path` was being edited: keep what is in it as a draft, then put back its old text."""
    from faq_cli.catalogue import editing
    from faq_cli.render import terminal

    text = editing.read_text(path)
    if text.encode("utf-8", "surrogateescape") == original:
        terminal.print_error(f"stopped: {path} was not changed")
        raise Exit(128 + signum)
    try:
        draft = editing.new_draft(path.stem, editing.strip_block(text))
        editing.write_file(path, original)
    except editing.EditError as exc:
        _fail(f"stopped: {exc}; your edit is left in {path}", 128 + signum)
    terminal.print_error(f"stopped: {path} is as it was before; your edit is kept in {draft}")
    raise Exit(128 + signum)


def _edit_in_place(place: Any, layers: list[Layer], before: list[Any], editor: list[str]) -> None:
    """Edit the file holding the entry; a change that leaves a new problem is reopened, or undone on giving up."""
    import os
    from pathlib import Path

    from faq_cli import store as index
    from faq_cli.catalogue import editing
    from faq_cli.render import terminal

    path = Path(place.path)
    try:
        original = path.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror or exc}")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        _fail(f"cannot edit {path}: it may not be written (its permissions)")
    here = os.path.abspath(path)

    def check(body: str) -> tuple[list[tuple[int, str]], list[str]]:
        editing.write_text(path, body)
        after = index.check(layers, progress=_quiet_progress(), derivers=derivers()).problems
        located, elsewhere = [], []
        for p in editing.introduced(before, after, lambda p: os.path.abspath(p.path) == here):
            if os.path.abspath(p.path) == here and p.line:
                located.append((p.line, p.message))
            else:
                elsewhere.append(str(p))
        return located, elsewhere

    head = "not kept yet: fix what is listed and save, or save without a change to give up (the file is then restored)"
    try:
        with editing.stop_on_signals():
            outcome = editing.rounds(path, check, editor, place.line, head)
    except editing.Stopped as stop:  # killed, or the terminal closed: the file as it was, the edit as a draft
        _restore_on_stop(path, original, stop.signum)
    except editing.EditError as exc:
        changed = editing.read_text(path).encode("utf-8", "surrogateescape") != original
        _fail(f"{exc}; {path} holds your edit as it stands" if changed else str(exc))
    if outcome.how == "unchanged":
        terminal.out(terminal.plain_line(f"no change to {path}"), page=False, soft_wrap=True)
        return
    if outcome.how == "gave_up":
        try:  # the edit is saved before the file is restored: if it cannot be, the edit stays in the file
            draft = editing.new_draft(path.stem, outcome.text)
        except editing.EditError as exc:
            _fail(f"{exc}; your edit is left in {path}")
        try:
            editing.write_file(path, original)
        except editing.EditError as exc:
            _fail(f"{exc}; your edit is kept in {draft}")
        terminal.print_error(f"{path} is as it was before; your edit is kept in {draft}")
        raise Exit(ExitStatus.NO_MATCH)
    try:
        editing.write_text(path, outcome.text)
    except editing.EditError as exc:
        _fail(str(exc))
    terminal.out(terminal.plain_line(f"saved {path}"), page=False, soft_wrap=True)
