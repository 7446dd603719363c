"""Shell completion of names, ids, tags and kinds from the active catalogue.

Typer calls these while the user presses Tab, with whatever is on the command
line so far. A completion must never print into the shell, so every function
returns an empty list rather than raise, whatever the catalogue or the input.
Candidates are what a user would type: a surname such as "Alekseyev" (or
"alekseyev" when the word was begun in lower case), an incident id, a tag. A
prefix only one entry fits gives one candidate, so the shell completes it.
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
    """One name per person, so that a prefix only one person's names share completes to a name: their surname
    as the catalogue spells it ('Ale' gives 'Alekseyev', not his three transliterations), else the first of
    their other spellings that fits ('Alex' gives 'Alexeyev'). Other words of their names (first names,
    patronymics) and ids only when no surname fits. Lower case if the user began so."""
    lower = bool(incomplete) and incomplete == incomplete.lower()
    begun = incomplete.casefold()

    def fits(word: str) -> bool:
        return word.casefold().startswith(begun)

    def complete(catalogue: Catalogue, _: str) -> Iterable[tuple[str, str]]:
        surnames: Candidates = []
        others: Candidates = []
        for person in catalogue.people.values():
            spellings = [name.split() for name in person.names if name.split()]
            last = [_name_word(words[-1]) for words in spellings]
            rest = [_name_word(w) for words in spellings for w in words[:-1]]
            surname = next((w for w in last if _typable(w) and fits(w)), None)
            if surname is not None:
                surnames.append((surname, person.name))
                continue
            other = next((w for w in [*rest, person.id] if (_typable(w) or w == person.id) and fits(w)), None)
            if other is not None:
                others.append((other, person.name))
        return [(v.lower() if lower else v, h) for v, h in surnames or others]

    return _quietly(ctx, incomplete, complete)


def _name_word(word: str) -> str:
    return word.strip(',.;:()"')


def _typable(word: str) -> bool:
    """A word of a name a user would type as the name: capitalised, no possessive ('Kirillov's assistant')."""
    return len(word) > 1 and word[:1].isupper() and "'" not in word and "’" not in word


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
    """For the first word: question ids (each with its question as help), or question numbers once a digit
    is typed (`faq ask 3`). After it the user is typing a question in words: the next word of the questions'
    own phrasings that begin with the words typed so far, else any word of theirs that begins as typed."""
    typed = _typed(ctx, "question")
    if typed:
        return _quietly(ctx, incomplete, lambda c, _: _next_words(c, typed, incomplete))
    if incomplete.isdigit():
        numbered = lambda c, _: ((str(n), q.question) for n, q in enumerate(c.questions.values(), start=1))  # noqa: E731
        return _quietly(ctx, incomplete, numbered)
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


def _next_words(catalogue: Catalogue, typed: list[str], incomplete: str) -> Iterable[tuple[str, str]]:
    import re

    said = [w.casefold() for w in typed]
    begun = incomplete.casefold()
    following: Candidates = []
    anywhere: Candidates = []
    for q in catalogue.questions.values():
        for phrasing in (q.question, *q.also):
            words = re.findall(r"[\w'’-]+", phrasing.casefold())
            if words[: len(said)] == said and len(words) > len(said) and words[len(said)].startswith(begun):
                following.append((words[len(said)], q.question))
            if begun:
                anywhere += [(w, q.question) for w in words if w.startswith(begun)]
    return following or anywhere


def tags(ctx: typer.Context, incomplete: str) -> Candidates:
    """Every tag the questions use."""
    return _quietly(ctx, incomplete, lambda c, _: ((t, "tag") for q in c.questions.values() for t in q.tags))


def kinds(ctx: typer.Context, incomplete: str) -> Candidates:
    """Every incident kind."""
    return _quietly(ctx, incomplete, lambda c, _: ((i.kind, "kind") for i in c.incidents.values()))
