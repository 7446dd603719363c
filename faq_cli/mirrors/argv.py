"""The lookups' command lines, parsed without Typer: a well-formed lookup, or None for the Typer app to handle.

Importing Typer costs about 30 ms, a third of a warm lookup. This parser reads
only the command lines it fully understands, the way the Typer app in `app.py`
would: the global options `--data`/`-d` and `--no-pager`, a lookup command,
its options as `--opt VALUE`, `--opt=VALUE` or `-o VALUE`, flags, repeatable
options, words, and `--`. Values are converted and checked as Typer does (a
whole number in range, one of the choices). Anything else (help, the version,
no command, an unknown command or option, a missing or bad value, a repeated
option that does not repeat, Tab completion) returns None, and the Typer app
runs instead: every help text and usage error is Typer's own. The table below
is written by hand; a test derives each command's parameters from the app and
holds the table to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Set by the shell when it asks for Tab completions: Typer's business.
COMPLETE_VAR = "_FAQ_COMPLETE"


# Plain slotted classes: NamedTuples or records would add about 2 ms to every call's start-up, help included.


class Text:
    """Any string, as given."""

    __slots__ = ()


class Whole:
    """A whole number from `low` to `high` (click's IntRange)."""

    __slots__ = ("high", "low")

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high


class OneOf:
    """Exactly one of these strings (a Typer enum's values, case-sensitive)."""

    __slots__ = ("choices",)

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices


class Option:
    """An option: its spellings, the keyword of the command function it fills, and its value (None: a flag)."""

    __slots__ = ("flags", "name", "repeat", "value")

    def __init__(self, flags: tuple[str, ...], name: str, value: Text | Whole | OneOf | None, repeat: bool = False) -> None:
        self.flags, self.name, self.value, self.repeat = flags, name, value, repeat


class Command:
    """A command's options, and the keyword that takes its words (None: it takes none)."""

    __slots__ = ("options", "words", "words_required")

    def __init__(self, options: tuple[Option, ...], words: str | None = None, words_required: bool = True) -> None:
        self.options, self.words, self.words_required = options, words, words_required


class Lookup:
    """A parsed command line: the command, the global options and the command function's keyword arguments."""

    __slots__ = ("command", "data", "pager", "values")

    def __init__(self, command: str, data: list[str] | None, pager: bool, values: dict[str, object]) -> None:
        self.command, self.data, self.pager, self.values = command, data, pager, values

    def __repr__(self) -> str:
        return f"Lookup({self.command!r}, data={self.data!r}, pager={self.pager!r}, {self.values!r})"


DATA = Option(("--data", "-d"), "data", Text(), repeat=True)
NO_PAGER = Option(("--no-pager",), "no_pager", None)
GLOBAL = (DATA, NO_PAGER)

JSON = Option(("--json",), "as_json", None)
FORMAT = Option(("--format", "-f"), "output", OneOf(("text", "markdown")))
YEAR = Option(("--year", "-y"), "year", Text(), repeat=True)
SINCE = Option(("--since",), "since", Text())
UNTIL = Option(("--until",), "until", Text())
PERSON = Option(("--person", "-p"), "person", Text())
FULL = Option(("--full",), "full", None)

LOOKUPS: dict[str, Command] = {
    "ask": Command((Option(("--top", "-n"), "top", Whole(0, 50)), JSON, FORMAT, FULL), words="question"),
    "questions": Command((Option(("--tag", "-t"), "tag", Text()), JSON)),
    "search": Command(
        (
            Option(("--kind", "-k"), "kind", OneOf(("question", "incident", "event", "person"))),
            Option(("--limit", "-n"), "limit", Whole(1, 200)),
            JSON,
        ),
        words="words",
    ),
    "incidents": Command(
        (
            YEAR,
            SINCE,
            UNTIL,
            Option(("--kind", "-k"), "kind", Text()),
            PERSON,
            Option(("--place",), "place", Text()),
            Option(("--reverse", "-r"), "reverse", None),
            JSON,
            FORMAT,
        )
    ),
    "incident": Command((JSON, FORMAT, FULL), words="id_or_text"),
    "event": Command((JSON, FORMAT, FULL), words="id_or_text"),
    "timeline": Command((YEAR, SINCE, UNTIL, PERSON, JSON, FORMAT)),
    "profile": Command((JSON, FORMAT, FULL, Option(("--all",), "every", None)), words="name"),
    "people": Command((JSON,)),
    "sources": Command((JSON,)),
    "stats": Command((JSON,)),
    "validate": Command((JSON,), words="paths", words_required=False),
    "schema": Command(()),
}


def parse(args: Sequence[str], environ: Mapping[str, str]) -> Lookup | None:
    """The lookup `args` ask for, exactly as the Typer app would parse it; None for anything this parser does not own."""
    if COMPLETE_VAR in environ:
        return None
    found: dict[str, object] = {}
    at = _options(GLOBAL, args, 0, found, stop_at_word=True)
    if at is None or (at < len(args) and args[at] not in LOOKUPS):
        return None
    data, pager = found.pop("data", None), not found.pop("no_pager", False)
    if at == len(args):  # `faq` alone (with global options at most): the overview
        return Lookup("overview", data if isinstance(data, list) else None, pager, {})
    command = LOOKUPS[args[at]]
    words: list[str] = []
    rest = _options(command.options, args, at + 1, found, stop_at_word=False, words=words)
    if rest is None:
        return None
    words.extend(args[rest:])  # after `--`, everything is a word
    if command.words is None:
        if words:
            return None  # Typer: "Got unexpected extra argument"
    elif words or not command.words_required:
        found[command.words] = words or None
    else:
        return None  # Typer: "Missing argument"
    if conflicting(bool(found.get("as_json")), str(found.get("output", "text"))):
        return None  # a usage error, worded by Typer
    return Lookup(args[at], data if isinstance(data, list) else None, pager, found)


def _options(
    options: tuple[Option, ...],
    args: Sequence[str],
    at: int,
    found: dict[str, object],
    *,
    stop_at_word: bool,
    words: list[str] | None = None,
) -> int | None:
    """Read options from `args[at:]` into `found`; the index where they end (a word, or after `--`), or None if not ours."""
    by_flag = {flag: option for option in options for flag in option.flags}
    while at < len(args):
        arg = args[at]
        if arg == "--":
            return None if stop_at_word else at + 1
        if arg == "-" or not arg.startswith("-"):
            if stop_at_word or words is None:
                return at
            words.append(arg)
            at += 1
            continue
        # Long options may carry their value after "="; a short one is exactly "-x" (no "-xVALUE", no "-xy").
        flag, equals, attached = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        option = by_flag.get(flag)
        if option is None or (option.name in found and not option.repeat):
            return None
        if option.value is None:
            if equals:
                return None  # Typer: "Option '--json' does not take a value"
            found[option.name] = True
            at += 1
            continue
        if equals:
            given, at = attached, at + 1
        elif at + 1 < len(args) and not (args[at + 1].startswith("-") and args[at + 1] != "-"):
            given, at = args[at + 1], at + 2
        else:
            return None  # a missing value, or one that looks like an option: Typer decides
        value = _convert(option.value, given)
        if value is None:
            return None
        if option.repeat:
            previous = found.setdefault(option.name, [])
            assert isinstance(previous, list)
            previous.append(value)
        else:
            found[option.name] = value
    return at


def _convert(kind: Text | Whole | OneOf, given: str) -> str | int | None:
    """The value Typer would pass for `given`, or None where Typer would refuse it (or might read it otherwise)."""
    if isinstance(kind, Whole):
        # Plain ASCII digits only: int() also takes "+5", " 5", "5_0" and other scripts' digits, which Typer is left to judge.
        if not (given.isascii() and given.isdigit()):
            return None
        number = int(given)
        return number if kind.low <= number <= kind.high else None
    if isinstance(kind, OneOf):
        return given if given in kind.choices else None
    return given


def conflicting(as_json: bool, output: str) -> bool:
    """`--json` and `--format markdown` together: the one combination of a command's own options that is refused."""
    return as_json and output == "markdown"
