"""Shell completion of names, ids, tags and kinds from the active catalogue.

Typer calls these while the user presses Tab, with whatever is on the command
line so far. A completion must never print into the shell, so every function
returns an empty list rather than raise, whatever the catalogue or the input.
Candidates are what a user would type: a surname such as "Alekseyev" (or
"alekseyev" when the word was begun in lower case), an incident id, a tag.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from faq_cli.model import Catalogue

Candidates = list[tuple[str, str]]
MAX_CANDIDATES = 200


def _quietly(ctx: typer.Context, incomplete: str, complete: Callable[[Catalogue, str], Iterable[tuple[str, str]]]) -> Candidates:
    """Run `complete` on the catalogue the command line names; any failure gives no candidates."""
    try:
        return _starts(complete(_catalogue(ctx), incomplete), incomplete)[:MAX_CANDIDATES]
    except Exception:  # a broken catalogue or odd input must not spill a traceback into the shell
        return []


def _catalogue(ctx: typer.Context) -> Catalogue:
    from faq_cli.catalogue import load_catalogue
    from faq_cli.layers import active_layers

    data = ctx.find_root().params.get("data")
    return load_catalogue(active_layers(list(data) if data else None))


def _starts(options: Iterable[tuple[str, str]], incomplete: str) -> Candidates:
    """Options that begin with `incomplete` as typed (the shells compare so), in order, without repeats."""
    seen: set[str] = set()
    found: Candidates = []
    for value, help_text in options:
        if value not in seen and value.startswith(incomplete):
            seen.add(value)
            found.append((value, help_text))
    return found


def _typed(ctx: typer.Context, name: str) -> list[str]:
    """The words already given to an argument of the command being completed."""
    value = ctx.params.get(name)
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def person_names(ctx: typer.Context, incomplete: str) -> Candidates:
    """Surnames and other name words in every spelling the catalogue lists, and ids; lower case if the user began so."""
    lower = bool(incomplete) and incomplete == incomplete.lower()

    def complete(catalogue: Catalogue, _: str) -> Iterable[tuple[str, str]]:
        for person in catalogue.people.values():
            words = [w.strip(',.;:()"') for name in person.names for w in reversed(name.split())]
            names = [w for w in words if len(w) > 1 and w[:1].isupper() and "'" not in w and "’" not in w]
            for word in [*names, person.id]:
                yield (word.lower() if lower else word), person.name

    return _quietly(ctx, incomplete, complete)


def incident_ids(ctx: typer.Context, incomplete: str) -> Candidates:
    """Incident ids, each with its title as help; only for the first word."""
    if _typed(ctx, "id_or_text"):
        return []
    return _quietly(ctx, incomplete, lambda c, _: ((i.id, i.title) for i in c.incidents.values()))


def event_ids(ctx: typer.Context, incomplete: str) -> Candidates:
    """Event ids, each with its title as help; only for the first word."""
    if _typed(ctx, "id_or_text"):
        return []
    return _quietly(ctx, incomplete, lambda c, _: ((e.id, e.title) for e in c.events.values()))


def question_ids(ctx: typer.Context, incomplete: str) -> Candidates:
    """Question ids, only for a first word begun by the user: after that they are typing a question in words."""
    if _typed(ctx, "question") or not incomplete:
        return []
    return _quietly(ctx, incomplete, lambda c, _: ((q.id, q.question) for q in c.questions.values()))


def entry_ids(ctx: typer.Context, incomplete: str) -> Candidates:
    """The id of every entry, with what it is as help (for `faq edit`)."""

    def complete(c: Catalogue, _: str) -> Iterable[tuple[str, str]]:
        yield from ((q.id, q.question) for q in c.questions.values())
        yield from ((p.id, p.name) for p in c.people.values())
        yield from ((i.id, i.title) for i in c.incidents.values())
        yield from ((e.id, e.title) for e in c.events.values())
        yield from ((s.id, s.title) for s in c.sources.values())

    return _quietly(ctx, incomplete, complete)


def tags(ctx: typer.Context, incomplete: str) -> Candidates:
    """Every tag the questions use."""
    return _quietly(ctx, incomplete, lambda c, _: ((t, "tag") for q in c.questions.values() for t in q.tags))


def kinds(ctx: typer.Context, incomplete: str) -> Candidates:
    """Every incident kind."""
    return _quietly(ctx, incomplete, lambda c, _: ((i.kind, "kind") for i in c.incidents.values()))
