"""The `faq` command line: parse options, run a query, hand the result to a renderer, map errors to exit statuses.

Heavy modules (the catalogue loader, the fuzzy matcher, Rich) are imported
inside the commands that use them, so `faq --help` and `faq --version` stay fast.
"""

from __future__ import annotations

import enum
import io
import os
import signal
import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from faq_cli import __version__

if TYPE_CHECKING:
    from faq_cli.model import Catalogue

EXIT_OK, EXIT_NO_MATCH, EXIT_USAGE, EXIT_INTERNAL, EXIT_IO, EXIT_INTERRUPTED = 0, 1, 2, 70, 74, 130

app = typer.Typer(
    name="faq",
    add_completion=True,
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _complete(name: str) -> Any:
    """A Tab-completion callback that imports faq_cli.completion only when the shell asks."""

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        from faq_cli import completion

        found: list[tuple[str, str]] = getattr(completion, name)(ctx, incomplete)
        return found

    return complete


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (one document) instead of text.")]
YearOpt = Annotated[list[str] | None, typer.Option("--year", "-y", help="Only this year (repeatable).", metavar="YEAR")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="From this date on: 2025, 2025-04 or 2025-04-25.", metavar="DATE")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to this date: 2025, 2025-04 or 2025-04-25.", metavar="DATE")]
PersonOpt = Annotated[
    str | None,
    typer.Option(
        "--person", "-p", help="Only entries involving this person (any spelling).", autocompletion=_complete("person_names")
    ),
]


class OutputFormat(enum.StrEnum):
    text = "text"
    markdown = "markdown"


FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="text for the terminal, or markdown for notes and reports.")
]


class State:
    data: list[str] | None = None
    pager: bool = True


def _version(value: bool) -> None:
    if value:
        typer.echo(f"faq {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            help="Catalogue directory or file (repeatable; replaces the bundled one). Env: FAQ_CLI_DATA.",
            metavar="PATH",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page long output (otherwise $FAQ_CLI_PAGER, $PAGER or less on a terminal).")
    ] = False,
) -> None:
    """Answers from a curated YAML catalogue: ask a question, list incidents, read a timeline, print a profile.

    Example: faq ask "who is alekseyev"
    """
    State.data = data
    State.pager = not no_pager
    if ctx.invoked_subcommand is None:
        _overview()


def _overview() -> None:
    """`faq` alone: what the active catalogue holds and commands to try."""
    from faq_cli import stats
    from faq_cli.render import charts

    _show(charts.overview(stats.overview(_catalogue())))


# ---- helpers ------------------------------------------------------------------------------------


def _fail(message: str, status: int = EXIT_USAGE) -> NoReturn:
    from faq_cli.render.terminal import print_error

    print_error(message)
    raise typer.Exit(status)


def _catalogue() -> Catalogue:
    """The active catalogue, or exit 2 with the first problem and a count of the rest."""
    from faq_cli import index
    from faq_cli.errors import CatalogueError
    from faq_cli.files import active_paths
    from faq_cli.render.progress import index_progress

    try:
        return index.load(active_paths(State.data), progress=index_progress())
    except CatalogueError as exc:
        import shlex

        more = len(exc.problems) - 1
        command = " ".join(["faq validate", *(shlex.quote(p) for p in State.data or ())])
        suffix = f" (and {more} more problem{'s' if more != 1 else ''}; run '{command}' to list them)" if more > 0 else ""
        _fail(f"{exc.problems[0]}{suffix}")


def _emit_json(document: Any) -> None:
    from faq_cli.render.json import dumps

    sys.stdout.write(dumps(document) + "\n")


def _markdown(output: OutputFormat, as_json: bool) -> bool:
    """Whether to print Markdown; `--json` and `--format markdown` together are a usage error."""
    if output is OutputFormat.markdown and as_json:
        raise typer.BadParameter("--json and --format markdown cannot be combined", param_hint="--format")
    return output is OutputFormat.markdown


def _emit_markdown(document: str) -> None:
    sys.stdout.write(document)


def _show(renderable: Any) -> None:
    from faq_cli.render.terminal import out

    out(renderable, page=State.pager)


def _date(value: str | None, option: str) -> Any:
    """A partial date from an option; a bad one is a one-line usage error (exit 2)."""
    if value is None:
        return None
    from faq_cli.model import DateError, PartialDate

    try:
        return PartialDate.parse(value)
    except DateError as exc:
        _fail(f"{option}: {exc}")


def _dates(year: list[str] | None, since: str | None, until: str | None) -> Any:
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


def _person(catalogue: Catalogue, name: str | None, as_json: bool) -> Any:
    """Resolve `--person`; an unknown or ambiguous name exits 1 with candidates."""
    if name is None:
        return None
    from faq_cli import query

    found = query.find_person(catalogue, name)
    if isinstance(found, query.NoMatch):
        _no_match(found, as_json)
    return found


def _no_match(result: Any, as_json: bool, markdown: bool = False) -> NoReturn:
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.no_match(result))
    elif markdown:
        from faq_cli.render import markdown as md

        _emit_markdown(md.no_match(result))
    else:
        from faq_cli.render import terminal

        terminal.console(stderr=False).print(terminal.no_match(result))
    raise typer.Exit(EXIT_NO_MATCH)


# ---- commands -----------------------------------------------------------------------------------


@app.command()
def ask(
    question: Annotated[
        list[str],
        typer.Argument(
            help="Your question, in your own words (or a question's id or number).",
            metavar="QUESTION...",
            autocompletion=_complete("question_ids"),
        ),
    ],
    top: Annotated[int, typer.Option("--top", "-n", min=0, max=50, help="Also list the next N candidates with scores.")] = 0,
    as_json: JsonOpt = False,
    output: FormatOpt = OutputFormat.text,
) -> None:
    """Answer a question from the catalogue.

    Example: faq ask who shot alekseyev
    """
    from faq_cli import query

    text = " ".join(question)
    markdown = _markdown(output, as_json)
    result = query.ask(_catalogue(), text, top=top or 3)
    # Without --top an answer stands alone; with no answer, the closest candidates are the point.
    if not top and result.question is not None:
        result = result._replace(alternatives=[])
    missed = query.NoMatch(text, "question", result.alternatives) if result.question is None else None
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.answer(result))
    elif markdown:
        from faq_cli.render import markdown as md

        _emit_markdown(md.no_match(missed) if missed else md.answer(result))
    else:
        from faq_cli.render import terminal

        _show(terminal.no_match(missed) if missed else terminal.answer(result))
    if result.question is None:
        raise typer.Exit(EXIT_NO_MATCH)


@app.command()
def questions(
    tag: Annotated[
        str | None, typer.Option("--tag", "-t", help="Only questions with this tag.", autocompletion=_complete("tags"))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List every question, numbered (the number works with `faq ask`).

    Example: faq questions --tag gru
    """
    from faq_cli import query

    numbered = query.numbered_questions(_catalogue(), tag)
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.questions(numbered))
        return
    from faq_cli.render import terminal

    _show(terminal.questions(numbered) if numbered else "no questions")


class SearchKind(enum.StrEnum):
    question = "question"
    incident = "incident"
    event = "event"
    person = "person"


@app.command()
def search(
    words: Annotated[list[str], typer.Argument(help="Words to look for, in any spelling.", metavar="TEXT")],
    kind: Annotated[SearchKind | None, typer.Option("--kind", "-k", help="Only entries of this kind.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=200, help="Show at most this many hits.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Search questions, incidents, events and people; each hit shows a snippet with the matched words.

    Example: faq search car bomb --kind incident
    """
    from faq_cli import query

    result = query.search_entries(_catalogue(), " ".join(words), kind.value if kind else None, limit)
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.search(result))
        return
    from faq_cli.render import terminal

    _show(terminal.search_hits(result))


@app.command()
def incidents(
    year: YearOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help="Only this kind (car-bomb, shooting…).", autocompletion=_complete("kinds")),
    ] = None,
    person: PersonOpt = None,
    place: Annotated[str | None, typer.Option("--place", help="Only incidents whose place contains this.")] = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    as_json: JsonOpt = False,
    output: FormatOpt = OutputFormat.text,
) -> None:
    """List incidents as a table, oldest first.

    Example: faq incidents --year 2025
    """
    from faq_cli import query

    markdown = _markdown(output, as_json)
    dates = _dates(year, since, until)
    catalogue = _catalogue()
    who = _person(catalogue, person, as_json)
    items = query.incidents(catalogue, dates, kind, who, place, reverse)
    if as_json:
        from faq_cli.render import json as jr

        _emit_json([jr.incident(catalogue, i) for i in items])
        return
    if markdown:
        from faq_cli.render import markdown as md

        _emit_markdown(md.incidents(catalogue, items))
        return
    from faq_cli.render import terminal

    _show(terminal.incidents(catalogue, items))


@app.command()
def incident(
    id_or_text: Annotated[
        list[str],
        typer.Argument(
            help="An incident id, or words from its title, place or people.",
            metavar="ID_OR_TEXT",
            autocompletion=_complete("incident_ids"),
        ),
    ],
    as_json: JsonOpt = False,
    output: FormatOpt = OutputFormat.text,
) -> None:
    """Show one incident in full.

    Example: faq incident kirillov
    """
    from faq_cli import query

    markdown = _markdown(output, as_json)
    catalogue = _catalogue()
    found = query.find_incident(catalogue, " ".join(id_or_text))
    if isinstance(found, query.NoMatch):
        _no_match(found, as_json, markdown)
    view = query.incident_view(catalogue, found)
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.incident_view(catalogue, view))
        return
    if markdown:
        from faq_cli.render import markdown as md

        _emit_markdown(md.incident(view))
        return
    from faq_cli.render import terminal

    _show(terminal.incident(view))


@app.command()
def timeline(
    year: YearOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    person: PersonOpt = None,
    as_json: JsonOpt = False,
    output: FormatOpt = OutputFormat.text,
) -> None:
    """Incidents and events in date order, grouped by year.

    Example: faq timeline --person alekseyev
    """
    from faq_cli import query

    markdown = _markdown(output, as_json)
    dates = _dates(year, since, until)
    catalogue = _catalogue()
    who = _person(catalogue, person, as_json)
    items = query.timeline(catalogue, dates, who)
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.timeline(catalogue, items))
        return
    if markdown:
        from faq_cli.render import markdown as md

        _emit_markdown(md.timeline(items))
        return
    from faq_cli.render import terminal

    _show(terminal.timeline(items))


@app.command()
def profile(
    name: Annotated[
        list[str],
        typer.Argument(help="A name in any spelling: alekseyev, Алексеев, kirilov…", autocompletion=_complete("person_names")),
    ],
    as_json: JsonOpt = False,
    output: FormatOpt = OutputFormat.text,
) -> None:
    """Print one person's profile: names, positions, honours, sanctions, status, incidents.

    Example: faq profile alexeyev
    """
    from faq_cli import query

    markdown = _markdown(output, as_json)
    catalogue = _catalogue()
    found = query.find_person(catalogue, " ".join(name))
    if isinstance(found, query.NoMatch):
        _no_match(found, as_json, markdown)
    result = query.profile(catalogue, found)
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.profile(result))
        return
    if markdown:
        from faq_cli.render import markdown as md

        _emit_markdown(md.profile(result))
        return
    from faq_cli.render import terminal

    _show(terminal.profile(result))


@app.command()
def people(as_json: JsonOpt = False) -> None:
    """List everyone in the catalogue with their main position.

    Example: faq people --json | jq -r '.[].name'
    """
    from faq_cli import query

    items = query.people(_catalogue())
    if as_json:
        from faq_cli.render import json as jr

        _emit_json([jr.person(p) for p in items])
        return
    from faq_cli.render import terminal

    _show(terminal.people(items))


@app.command()
def sources(as_json: JsonOpt = False) -> None:
    """List the sources and how many entries cite each.

    Example: faq sources
    """
    from faq_cli import query

    uses = query.source_uses(_catalogue())
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.sources(uses))
        return
    from faq_cli.render import terminal

    _show(terminal.sources(uses))


@app.command()
def validate(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or directories (default: the active catalogue).", metavar="[PATH]...")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check catalogue files and print every problem as path:line:col: message.

    Example: faq validate my-catalogue/
    """
    from faq_cli import index
    from faq_cli.files import active_paths
    from faq_cli.render.progress import index_progress

    # Through the index: only files changed since the last check are parsed again.
    found, file_count = index.check(paths or active_paths(State.data), progress=index_progress())
    if as_json:
        _emit_json([p.to_json() for p in found])
    else:
        from faq_cli.render import terminal

        # One problem a line, never wrapped: editors and grep read path:line:col from each line.
        terminal.console().print(terminal.problems(found, file_count), soft_wrap=True)
    if found:
        raise typer.Exit(EXIT_NO_MATCH)


@app.command()
def schema() -> None:
    """Print the catalogue's JSON Schema, for editors' YAML validation.

    Example: faq schema > catalogue.schema.json
    """
    import json

    from faq_cli.schema import catalogue_schema

    sys.stdout.write(json.dumps(catalogue_schema(), indent=2) + "\n")


@app.command()
def stats(as_json: JsonOpt = False) -> None:
    """Chart the catalogue: incidents per year and per kind, entries per verification level.

    Example: faq stats
    """
    from faq_cli import stats as st

    result = st.stats(_catalogue())
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.stats(result))
        return
    from faq_cli.render import charts

    _show(charts.stats(result))


@app.command()
def init(
    directory: Annotated[str, typer.Argument(help="Where to write it (created if missing).", metavar="DIR")],
) -> None:
    """Write a small, valid starter catalogue to begin your own (never overwrites a file).

    Example: faq init my-catalogue && faq --data my-catalogue validate
    """
    from pathlib import Path

    from faq_cli.init import InitError
    from faq_cli.init import init as write_starter

    try:
        written = write_starter(Path(directory))
    except InitError as exc:
        _fail(str(exc))
    from faq_cli.render import terminal

    terminal.out(terminal.written(written, directory), page=State.pager, soft_wrap=True)


# ---- entry point ---------------------------------------------------------------------------------


def main() -> NoReturn:
    """Run the app; turn a closed pipe, a full disk, Ctrl-C or an internal bug into one line and an exit status."""
    _usable_streams()
    # Typer turns KeyboardInterrupt into a silent exit 130; a signal handler of our own keeps the message.
    signal.signal(signal.SIGINT, _interrupt)
    status: int | str | None = EXIT_OK
    try:
        try:
            app(prog_name="faq")
        except SystemExit as done:
            status = done.code
        sys.stdout.flush()  # what is still buffered must be written before the exit status claims success
    except BrokenPipeError:  # the reader went away (`faq timeline | head -1`): that is not an error
        _silence_stdout()
        sys.exit(EXIT_OK)
    except (_Interrupted, KeyboardInterrupt):
        _silence_stdout()
        sys.stderr.write("faq: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    except OSError as exc:  # the system refused to take the output: a full disk, a vanished terminal…
        if os.environ.get("FAQ_CLI_DEBUG"):
            raise
        _silence_stdout()
        sys.stderr.write(f"faq: cannot write the output: {exc.strerror or exc}\n")
        sys.exit(EXIT_IO)
    except Exception as exc:  # an internal bug: one line, the traceback on request
        if os.environ.get("FAQ_CLI_DEBUG"):
            raise
        from faq_cli.render.text import one_line

        what = one_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:300]
        sys.stderr.write(f"faq: internal error: {what} (run with FAQ_CLI_DEBUG=1 for the traceback)\n")
        sys.exit(EXIT_INTERNAL)
    sys.exit(status)


class _Interrupted(BaseException):
    """Ctrl-C, raised by our SIGINT handler: not a KeyboardInterrupt, so Typer cannot swallow it."""


def _interrupt(signum: int, frame: object) -> None:
    raise _Interrupted


def _usable_streams() -> None:
    """Streams that cannot fail on what we write: closed ones go to /dev/null, odd text is escaped."""
    if sys.stdout is None:  # started with stdout closed (`faq people >&-`)
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        # A name typed in a non-UTF-8 locale arrives as lone surrogates; print them escaped, never crash on them.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; point it at /dev/null so that flush cannot fail.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no file descriptor behind stdout: nothing to flush into
        pass
