"""The `faq` command line: parse options, run a query, hand the result to a renderer, map errors to exit statuses.

Heavy modules (the catalogue loader, the fuzzy matcher, Rich) are imported
inside the commands that use them, so `faq --help` and `faq --version` stay fast.
"""

from __future__ import annotations

import io
import os
import signal
import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from faq_cli import __version__

if TYPE_CHECKING:
    from faq_cli.model import Catalogue

EXIT_OK, EXIT_NO_MATCH, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130

app = typer.Typer(
    name="faq",
    help="Answers from a curated YAML catalogue: ask a question, list incidents, read a timeline, print a profile.",
    add_completion=True,
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (one document) instead of text.")]
YearOpt = Annotated[list[str] | None, typer.Option("--year", "-y", help="Only this year (repeatable).", metavar="YEAR")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="From this date on: 2025, 2025-04 or 2025-04-25.", metavar="DATE")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to this date: 2025, 2025-04 or 2025-04-25.", metavar="DATE")]
PersonOpt = Annotated[str | None, typer.Option("--person", "-p", help="Only entries involving this person (any spelling).")]


class State:
    data: list[str] | None = None


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
) -> None:
    """Answers from a curated YAML catalogue: ask a question, list incidents, read a timeline, print a profile.

    Example: faq ask "who is alekseyev"
    """
    State.data = data
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


# ---- helpers ------------------------------------------------------------------------------------


def _fail(message: str, status: int = EXIT_USAGE) -> NoReturn:
    from faq_cli.render.terminal import print_error

    print_error(message)
    raise typer.Exit(status)


def _catalogue() -> Catalogue:
    """The active catalogue, or exit 2 with the first problem and a count of the rest."""
    from faq_cli.catalogue import active_paths, load_catalogue
    from faq_cli.errors import CatalogueError

    try:
        return load_catalogue(active_paths(State.data))
    except CatalogueError as exc:
        import shlex

        more = len(exc.problems) - 1
        command = " ".join(["faq validate", *(shlex.quote(p) for p in State.data or ())])
        suffix = f" (and {more} more problem{'s' if more != 1 else ''}; run '{command}' to list them)" if more > 0 else ""
        _fail(f"{exc.problems[0]}{suffix}")


def _emit_json(document: Any) -> None:
    from faq_cli.render.json import dumps

    sys.stdout.write(dumps(document) + "\n")


def _show(renderable: Any) -> None:
    from faq_cli.render.terminal import out

    out(renderable)


def _date(value: str | None, option: str) -> Any:
    if value is None:
        return None
    from faq_cli.model import DateError, PartialDate

    try:
        return PartialDate.parse(value)
    except DateError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def _dates(year: list[str] | None, since: str | None, until: str | None) -> Any:
    from faq_cli.query import DateFilter, parse_years

    try:
        years = parse_years(year or [])
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--year") from None
    return DateFilter(years, _date(since, "--since"), _date(until, "--until"))


def _person(catalogue: Catalogue, name: str | None, as_json: bool) -> Any:
    """Resolve `--person`; an unknown or ambiguous name exits 1 with candidates."""
    if name is None:
        return None
    from faq_cli import query

    found = query.find_person(catalogue, name)
    if isinstance(found, query.NoMatch):
        _no_match(found, as_json)
    return found


def _no_match(result: Any, as_json: bool) -> NoReturn:
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.no_match(result))
    else:
        from faq_cli.render import terminal

        terminal.console(stderr=False).print(terminal.no_match(result))
    raise typer.Exit(EXIT_NO_MATCH)


# ---- commands -----------------------------------------------------------------------------------


@app.command()
def ask(
    question: Annotated[list[str], typer.Argument(help="Your question, in your own words (or a question's id or number).")],
    top: Annotated[int, typer.Option("--top", "-n", min=0, max=50, help="Also list the next N candidates with scores.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question from the catalogue.

    Example: faq ask who shot alekseyev
    """
    from faq_cli import query

    text = " ".join(question)
    result = query.ask(_catalogue(), text, top=top or 3)
    if as_json:
        from faq_cli.render import json as jr

        doc = jr.answer(result)
        if top == 0 and result.question is not None:
            doc["alternatives"] = doc["alternatives"][:0]
        _emit_json(doc)
    elif result.question is None:
        from faq_cli.render import terminal

        candidates = [query.Candidate(c.id, c.label, c.score) for c in result.alternatives]
        _show(terminal.no_match(query.NoMatch(text, "question", candidates)))
    else:
        from faq_cli.render import terminal

        shown = result if top else query.Answer(result.query, result.question, result.score, [], result.sources, result.related)
        _show(terminal.answer(shown))
    if result.question is None:
        raise typer.Exit(EXIT_NO_MATCH)


@app.command()
def questions(
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only questions with this tag.")] = None,
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


@app.command()
def incidents(
    year: YearOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Only this kind (car-bomb, shooting…).")] = None,
    person: PersonOpt = None,
    place: Annotated[str | None, typer.Option("--place", help="Only incidents whose place contains this.")] = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List incidents as a table, oldest first.

    Example: faq incidents --year 2025
    """
    from faq_cli import query

    dates = _dates(year, since, until)
    catalogue = _catalogue()
    who = _person(catalogue, person, as_json)
    items = query.incidents(catalogue, dates, kind, who, place, reverse)
    if as_json:
        from faq_cli.render import json as jr

        _emit_json([jr.incident(catalogue, i) for i in items])
        return
    from faq_cli.render import terminal

    _show(terminal.incidents(catalogue, items))


@app.command()
def incident(
    id_or_text: Annotated[
        list[str], typer.Argument(help="An incident id, or words from its title, place or people.", metavar="ID_OR_TEXT")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Show one incident in full.

    Example: faq incident kirillov
    """
    from faq_cli import query

    catalogue = _catalogue()
    found = query.find_incident(catalogue, " ".join(id_or_text))
    if isinstance(found, query.NoMatch):
        _no_match(found, as_json)
    view = query.incident_view(catalogue, found)
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.incident_view(catalogue, view))
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
) -> None:
    """Incidents and events in date order, grouped by year.

    Example: faq timeline --person alekseyev
    """
    from faq_cli import query

    dates = _dates(year, since, until)
    catalogue = _catalogue()
    who = _person(catalogue, person, as_json)
    items = query.timeline(catalogue, dates, who)
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.timeline(items))
        return
    from faq_cli.render import terminal

    _show(terminal.timeline(items))


@app.command()
def profile(
    name: Annotated[list[str], typer.Argument(help="A name in any spelling: alekseyev, Алексеев, kirilov…")],
    as_json: JsonOpt = False,
) -> None:
    """Print one person's profile: names, positions, honours, sanctions, status, incidents.

    Example: faq profile alexeyev
    """
    from faq_cli import query

    catalogue = _catalogue()
    found = query.find_person(catalogue, " ".join(name))
    if isinstance(found, query.NoMatch):
        _no_match(found, as_json)
    result = query.profile(catalogue, found)
    if as_json:
        from faq_cli.render import json as jr

        _emit_json(jr.profile(result))
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
    from faq_cli.catalogue import active_paths, build_catalogue, catalogue_files, read_file
    from faq_cli.errors import CatalogueError, Problem

    files, problems = catalogue_files(paths or active_paths(State.data))
    found: list[Problem] = []
    try:
        build_catalogue((read_file(f) for f in files), problems)
    except CatalogueError as exc:
        found = exc.problems
    if as_json:
        _emit_json([p.to_json() for p in found])
    else:
        from faq_cli.render import terminal

        # One problem a line, never wrapped: editors and grep read path:line:col from each line.
        terminal.console().print(terminal.problems(found, len(files)), soft_wrap=True)
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


# ---- entry point ---------------------------------------------------------------------------------


def main() -> NoReturn:
    """Run the app; turn a closed pipe, Ctrl-C or an internal bug into one line and an exit status."""
    for stream in (sys.stdout, sys.stderr):
        # A name typed in a non-UTF-8 locale arrives as lone surrogates; print them escaped, never crash on them.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    # Typer turns KeyboardInterrupt into a silent exit 130; a signal handler of our own keeps the message.
    signal.signal(signal.SIGINT, _interrupt)
    try:
        app(prog_name="faq")
    except SystemExit:
        _flush_quietly()
        raise
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_OK)
    except (_Interrupted, KeyboardInterrupt):
        _flush_quietly()
        sys.stderr.write("faq: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # an internal bug: one line, the traceback on request
        if os.environ.get("FAQ_CLI_DEBUG"):
            raise
        from faq_cli.render.text import one_line

        what = one_line(f"{type(exc).__name__}: {exc}")[:300]
        sys.stderr.write(f"faq: internal error: {what} (run with FAQ_CLI_DEBUG=1 for the traceback)\n")
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_OK)


class _Interrupted(BaseException):
    """Ctrl-C, raised by our SIGINT handler: not a KeyboardInterrupt, so Typer cannot swallow it."""


def _interrupt(signum: int, frame: object) -> None:
    raise _Interrupted


def _flush_quietly() -> None:
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):  # a closed pipe, or stdout already closed
        _silence_stdout()


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; point it at /dev/null so that flush cannot fail.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
