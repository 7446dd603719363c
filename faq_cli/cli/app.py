"""The `faq` command line as a Typer app: every command, option and help text, completion and usage error.

This is the definition of the command line. Each command parses its options
here and runs its body in `commands.py`; the entry point (`cli.main`) sends
well-formed lookups to the same bodies without importing Typer (`argv.py`
parses them, and a test holds its table to this app), and everything else here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from faq_cli import __version__
from faq_cli.cli import commands

app = typer.Typer(
    name="faq",
    add_completion=True,
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _complete(name: str) -> Any:
    """A Tab-completion callback that imports faq_cli.cli.completion only when the shell asks."""

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        from faq_cli.cli import completion

        found: list[tuple[str, str]] = getattr(completion, name)(ctx, incomplete)
        return found

    return complete


@contextmanager
def _running() -> Iterator[None]:
    """Run a command body: its early exit becomes Typer's, a conflict of options a usage error."""
    try:
        yield
    except commands.Exit as done:
        raise typer.Exit(done.status) from None
    except commands.Conflict as exc:
        raise typer.BadParameter(exc.message, param_hint=exc.option) from None


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (one document) instead of text.")]
YearOpt = Annotated[list[str] | None, typer.Option("--year", "-y", help="Only this year (repeatable).", metavar="YEAR")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="From this date on: 2025, 2025-04 or 2025-04-25.", metavar="DATE")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to this date: 2025, 2025-04 or 2025-04-25.", metavar="DATE")]
PersonOpt = Annotated[
    str | None,
    typer.Option(
        "--person",
        "-p",
        help="Only entries involving this person (any spelling).",
        metavar="NAME",
        autocompletion=_complete("person_names"),
    ),
]


class OutputFormat(enum.StrEnum):
    text = "text"
    markdown = "markdown"


FullOpt = Annotated[bool, typer.Option("--full", help="Everything: disputes, every source with its link, every related entry.")]
FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="text for the terminal, or markdown for notes and reports.")
]


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
    ctx.obj = commands.Env(data, not no_pager)
    if ctx.invoked_subcommand is None:
        with _running():
            commands.overview(ctx.obj)


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[
        list[str],
        typer.Argument(
            help="Your question, in your own words (or a question's id or number).",
            metavar="QUESTION...",
            autocompletion=_complete("question_ids"),
        ),
    ],
    top: Annotated[
        int, typer.Option("--top", "-n", min=0, max=50, help="Also list the next N candidates with scores.", metavar="N")
    ] = 0,
    as_json: JsonOpt = False,
    output: FormatOpt = OutputFormat.text,
    full: FullOpt = False,
) -> None:
    """Answer a question from the catalogue: a screenful, or everything with --full.

    Example: faq ask who shot alekseyev
    """
    with _running():
        commands.ask(ctx.obj, question, top, as_json, output.value, full)


@app.command()
def questions(
    ctx: typer.Context,
    tag: Annotated[
        str | None,
        typer.Option("--tag", "-t", help="Only questions with this tag.", metavar="TAG", autocompletion=_complete("tags")),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List every question, numbered (the number works with `faq ask`).

    Example: faq questions --tag gru
    """
    with _running():
        commands.questions(ctx.obj, tag, as_json)


class SearchKind(enum.StrEnum):
    question = "question"
    incident = "incident"
    event = "event"
    person = "person"


@app.command()
def search(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(help="Words to look for, in any spelling.", metavar="TEXT")],
    kind: Annotated[SearchKind | None, typer.Option("--kind", "-k", help="Only entries of this kind.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=200, help="Show at most this many hits.", metavar="N")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Search questions, incidents, events and people; each hit shows a snippet with the matched words.

    Example: faq search car bomb --kind incident
    """
    with _running():
        commands.search(ctx.obj, words, kind.value if kind else None, limit, as_json)


@app.command()
def incidents(
    ctx: typer.Context,
    year: YearOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", "-k", help="Only this kind (car-bomb, shooting…).", metavar="KIND", autocompletion=_complete("kinds")
        ),
    ] = None,
    person: PersonOpt = None,
    place: Annotated[
        str | None, typer.Option("--place", help="Only incidents whose place contains this.", metavar="TEXT")
    ] = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    as_json: JsonOpt = False,
    output: FormatOpt = OutputFormat.text,
) -> None:
    """List incidents as a table, oldest first.

    Example: faq incidents --year 2025
    """
    with _running():
        commands.incidents(ctx.obj, year, since, until, kind, person, place, reverse, as_json, output.value)


@app.command()
def incident(
    ctx: typer.Context,
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
    full: FullOpt = False,
) -> None:
    """Show one incident: a screenful, or everything with --full.

    Example: faq incident kirillov
    """
    with _running():
        commands.incident(ctx.obj, id_or_text, as_json, output.value, full)


@app.command()
def event(
    ctx: typer.Context,
    id_or_text: Annotated[
        list[str],
        typer.Argument(
            help="An event id, or words from its title or people.",
            metavar="ID_OR_TEXT",
            autocompletion=_complete("event_ids"),
        ),
    ],
    as_json: JsonOpt = False,
    output: FormatOpt = OutputFormat.text,
    full: FullOpt = False,
) -> None:
    """Show one event: when, who, what happened, sources (everything with --full).

    Example: faq event wagner mutiny
    """
    with _running():
        commands.event(ctx.obj, id_or_text, as_json, output.value, full)


@app.command()
def timeline(
    ctx: typer.Context,
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
    with _running():
        commands.timeline(ctx.obj, year, since, until, person, as_json, output.value)


@app.command()
def profile(
    ctx: typer.Context,
    name: Annotated[
        list[str],
        typer.Argument(help="A name in any spelling: alekseyev, Алексеев, kirilov…", autocompletion=_complete("person_names")),
    ],
    as_json: JsonOpt = False,
    output: FormatOpt = OutputFormat.text,
    full: FullOpt = False,
    every: Annotated[
        bool, typer.Option("--all", help="Every question that mentions them, not only the 15 most recent (implies --full).")
    ] = False,
) -> None:
    """Print one person's profile: names, status, position; positions, honours, sanctions with --full.

    Example: faq profile alexeyev
    """
    with _running():
        commands.profile(ctx.obj, name, as_json, output.value, full, every)


@app.command()
def browse(ctx: typer.Context) -> None:
    """Pick an entry from a full-screen list filtered as you type, with a preview; Enter reads it whole.

    Example: faq browse
    """
    with _running():
        commands.browse(ctx.obj)


@app.command()
def people(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List everyone in the catalogue with their main position.

    Example: faq people --json | jq -r '.[].name'
    """
    with _running():
        commands.people(ctx.obj, as_json)


@app.command()
def sources(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the sources and the entries that cite each.

    Example: faq sources
    """
    with _running():
        commands.sources(ctx.obj, as_json)


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or directories (default: the active catalogue).", metavar="[PATH]...")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check catalogue files and print every problem as path:line:col: message.

    Example: faq validate my-catalogue/
    """
    with _running():
        commands.validate(ctx.obj, paths, as_json)


@app.command()
def schema(ctx: typer.Context) -> None:
    """Print the catalogue's JSON Schema, for editors' YAML validation.

    Example: faq schema > catalogue.schema.json
    """
    with _running():
        commands.schema(ctx.obj)


@app.command()
def stats(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Chart the catalogue: incidents per year and per kind, entries per verification level.

    Example: faq stats
    """
    with _running():
        commands.stats(ctx.obj, as_json)


@app.command()
def init(
    ctx: typer.Context,
    directory: Annotated[str, typer.Argument(help="Where to write it (created if missing).", metavar="DIR")],
) -> None:
    """Write a small, valid starter catalogue to begin your own (never overwrites a file).

    Example: faq init my-catalogue && faq --data my-catalogue validate
    """
    with _running():
        commands.init(ctx.obj, directory)


class EntryKind(enum.StrEnum):
    question = "question"
    person = "person"
    incident = "incident"
    event = "event"
    source = "source"


IntoOpt = Annotated[
    str | None,
    typer.Option(
        "--into",
        help="Write into this catalogue folder or file (made if missing) instead of the last layer.",
        metavar="PATH",
    ),
]


@app.command()
def new(
    ctx: typer.Context,
    kind: Annotated[
        EntryKind, typer.Argument(help="What to write: question, person, incident, event or source.", metavar="KIND")
    ],
    into: IntoOpt = None,
) -> None:
    """Write a new entry in your editor ($VISUAL, $EDITOR), checked on save and added to the right file.

    Example: faq new question --into my-notes
    """
    with _running():
        commands.new(ctx.obj, kind.value, into)


@app.command()
def edit(
    ctx: typer.Context,
    entry_id: Annotated[
        str, typer.Argument(help="The id of the entry to change.", metavar="ID", autocompletion=_complete("entry_ids"))
    ],
    kind: Annotated[EntryKind | None, typer.Option("--kind", "-k", help="Which entry, when two kinds share the id.")] = None,
    into: IntoOpt = None,
) -> None:
    """Change an entry in your editor at its line; a change that does not validate is not kept.

    An entry of the bundled catalogue or of a git clone is not changed where it is: your version goes
    into the last layer you can write to (or --into PATH) and replaces it.

    Example: faq edit alekseyev --into my-notes
    """
    with _running():
        commands.edit(ctx.obj, entry_id, kind.value if kind else None, into)


catalogue_app = typer.Typer(
    name="catalogue",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(catalogue_app, name="catalogue")


@catalogue_app.callback()
def catalogue() -> None:
    """Add, update, list and remove the catalogues read on top of the bundled one.

    Example: faq catalogue list
    """


@catalogue_app.command("list")
def catalogue_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the active catalogues, lowest layer first: path, entry counts, as-of date and age.

    Example: faq catalogue list --json
    """
    with _running():
        commands.catalogue_list(ctx.obj, as_json)


@catalogue_app.command("add")
def catalogue_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="What to call it: lower-case letters, digits and hyphens.", metavar="NAME")],
    source: Annotated[
        str,
        typer.Argument(help="A git URL (https://, ssh://, file://, user@host:path) or a local folder.", metavar="URL_OR_PATH"),
    ],
) -> None:
    """Add a catalogue on top of the others: clone a git repository, or register a local folder.

    Example: faq catalogue add team https://example.org/team-faq.git
    """
    with _running():
        commands.catalogue_add(ctx.obj, name, source)


@catalogue_app.command("update")
def catalogue_update(
    name: Annotated[
        str | None, typer.Argument(help="Only this catalogue (default: every one from git).", metavar="[NAME]")
    ] = None,
) -> None:
    """Fetch and fast-forward catalogues from git; a new version that does not validate is not switched in.

    Example: faq catalogue update team
    """
    with _running():
        commands.catalogue_update(name)


@catalogue_app.command("remove")
def catalogue_remove(
    name: Annotated[str, typer.Argument(help="The catalogue to forget (a clone is deleted; a folder is kept).", metavar="NAME")],
) -> None:
    """Forget an added catalogue; a clone is deleted with it, a local folder is left where it is.

    Example: faq catalogue remove team
    """
    with _running():
        commands.catalogue_remove(name)


def _whole_purpose_in_the_command_list() -> None:
    """`faq --help` lists each command with the whole first paragraph of its docstring, wrapped, never cut
    with "..." (Click shortens it to fit one line unless a command has a short help of its own)."""
    for info in [*app.registered_commands, *catalogue_app.registered_commands]:
        doc = (info.callback.__doc__ if info.callback else None) or ""
        info.short_help = " ".join(doc.strip().split("\n\n")[0].split())
    for group in app.registered_groups:  # `faq catalogue`: its purpose is the docstring of its callback
        callback = group.typer_instance.registered_callback if group.typer_instance else None
        doc = (callback.callback.__doc__ if callback and callback.callback else None) or ""
        group.short_help = " ".join(doc.strip().split("\n\n")[0].split())


_whole_purpose_in_the_command_list()
