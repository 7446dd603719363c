"""Write a valid synthetic catalogue of N incidents, split across files, for the benchmark.

    python bench/generate.py 200000 bench/out/cat-200000
    python bench/generate.py 48000 bench/out/one-file-48000 --one-file   # everything in one 31 MB file

Deterministic (seeded by N): the same N always gives the same files. For N
incidents it writes N/10 people, N/5 events, N/50 questions and N/20 sources
(each at least a few dozen), 1,000 entries a file, so editing one file of a
large catalogue is a realistic change; `--one-file` writes the same entries
into a single `catalogue.yaml` (the case of one very large file). Every reference resolves, so
`faq validate` passes. Text values are written as JSON strings, which YAML
reads as they are.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

PER_FILE = 1000
KINDS = ("car-bomb", "shooting", "explosive-device", "drone-strike", "arson", "poisoning", "stabbing", "kidnapping")
ROLES = ("target", "driver", "bodyguard", "bystander", "assistant")
OUTCOMES = ("killed", "wounded", "unharmed", "unknown")
STATUSES = ("unattributed", "alleged", "claimed", "confirmed")
VERIFICATION = ("confirmed", "confirmed", "confirmed", "reported", "unverified")
EVENT_KINDS = ("talks", "sanctions", "visit", "appointment", "statement", "mutiny")
SYLLABLES = ("ka", "ro", "vi", "len", "mir", "sko", "dan", "tor", "ga", "li", "nov", "ev", "sha", "pol", "zar", "in", "ko")
CYRILLIC = {
    "ka": "ка", "ro": "ро", "vi": "ви", "len": "лен", "mir": "мир", "sko": "ско", "dan": "дан", "tor": "тор",
    "ga": "га", "li": "ли", "nov": "нов", "ev": "ев", "sha": "ша", "pol": "пол", "zar": "зар", "in": "ин", "ko": "ко",
}  # fmt: skip
FIRST = ("Ivan", "Pavel", "Oleg", "Sergei", "Yuri", "Mikhail", "Andrei", "Dmitry", "Nikolai", "Viktor", "Anna", "Olga")
FIRST_CYR = ("Иван", "Павел", "Олег", "Сергей", "Юрий", "Михаил", "Андрей", "Дмитрий", "Николай", "Виктор", "Анна", "Ольга")
CITIES = ("Moscow", "Kursk", "Belgorod", "Donetsk", "Sevastopol", "Kazan", "Tver", "Omsk", "Samara", "Rostov", "Perm", "Tula")
STREETS = ("Lenin Street", "Garden Ring", "Victory Avenue", "Station Square", "River Embankment", "Market Lane")
ORGS = ("General Staff", "GRU", "Ministry of Defence", "Black Sea Fleet", "Airborne Forces", "National Guard")
TITLES = ("Lieutenant General", "Major General", "Colonel", "Deputy Minister", "Chief of Staff", "Commander")
TOPICS = ("biography", "attack", "sanctions", "career", "wounded", "background")


def q(text: str) -> str:
    """A YAML scalar that reads back as exactly `text`."""
    return json.dumps(text, ensure_ascii=False)


def day(rng: random.Random, first: int = 1970, last: int = 2025) -> str:
    """A partial date: mostly full days, some months, a few bare years; recent years far more often."""
    year = first + int((last - first + 1) * rng.random() ** 0.4)
    roll = rng.random()
    if roll < 0.05:
        return str(year)
    month = rng.randint(1, 12)
    if roll < 0.15:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"


class Catalogue:
    """The sizes and the shared random stream of one synthetic catalogue."""

    def __init__(self, incidents: int) -> None:
        self.rng = random.Random(incidents)
        self.incidents = incidents
        self.people = max(40, incidents // 10)
        self.events = max(40, incidents // 5)
        self.questions = max(40, incidents // 50)
        self.sources = max(20, incidents // 20)
        self.names: list[tuple[str, str, str]] = [self._name(i) for i in range(self.people)]

    def _name(self, i: int) -> tuple[str, str, str]:
        """Latin name, Cyrillic name, and an alternative transliteration, unique by a number suffix."""
        rng = self.rng
        parts = []  # the number i in base len(SYLLABLES): every surname is different
        while i or len(parts) < 2:
            i, digit = divmod(i, len(SYLLABLES))
            parts.append(SYLLABLES[digit])
        first = rng.randrange(len(FIRST))
        surname = "".join(parts).capitalize()
        latin = f"{FIRST[first]} {surname}"
        cyrillic = f"{FIRST_CYR[first]} {''.join(CYRILLIC[p] for p in parts).capitalize()}"
        alias = surname.replace("ev", "eyev").replace("v", "w")
        return latin, cyrillic, alias

    def source_ids(self, n: int) -> list[str]:
        return [f"src-{self.rng.randrange(self.sources) + 1}" for _ in range(n)]

    def person_id(self, i: int) -> str:
        return f"person-{i + 1}"

    # ---- sections, one generator of text lines each -------------------------------------------

    def catalogue_file(self) -> Iterator[str]:
        yield "catalogue:"
        yield f"  name: {q(f'Synthetic catalogue of {self.incidents} incidents')}"
        yield "  as_of: 2026-01-01"
        yield "synonyms:"
        yield "  - [gru, main intelligence directorate, military intelligence]"
        yield "  - [car bomb, vehicle bomb, ied, explosive device, bomb]"
        yield "  - [killed, assassinated, murdered, died, dead]"

    def source_lines(self, start: int, stop: int) -> Iterator[str]:
        yield "sources:"
        for i in range(start, stop):
            yield f"  - id: src-{i + 1}"
            yield f"    title: {q(f'Report number {i + 1} on security incidents')}"
            yield f"    publisher: {q(self.rng.choice(('Wire Service', 'Daily Ledger', 'Ministry Bulletin', 'Radio Free')))}"
            yield f"    date: {day(self.rng, 1990)}"
            yield f"    url: https://example.org/reports/{i + 1}"

    def person_lines(self, start: int, stop: int) -> Iterator[str]:
        rng = self.rng
        yield "people:"
        for i in range(start, stop):
            latin, cyrillic, alias = self.names[i]
            yield f"  - id: {self.person_id(i)}"
            yield f"    name: {q(latin)}"
            yield f"    native_name: {q(cyrillic)}"
            yield f"    aliases: [{q(alias)}]"
            yield f"    born: {rng.randint(1940, 1980)}"
            yield f"    summary: {q(f'{latin} is a synthetic officer generated for the benchmark.')}"
            yield "    positions:"
            for _ in range(rng.randint(1, 2)):
                yield f"      - title: {q(rng.choice(TITLES))}"
                yield f"        organisation: {q(rng.choice(ORGS))}"
                yield f"        start: {day(rng, 1995, 2020)}"
                yield f"        sources: [{', '.join(self.source_ids(1))}]"
            if rng.random() < 0.2:
                yield "    sanctions:"
                yield f"      - by: {q(rng.choice(('EU', 'US Treasury', 'UK')))}"
                yield f"        date: {day(rng, 2014, 2025)}"
                yield f"        reason: {q('Involvement in actions the sanctioning body condemned.')}"
                yield f"        sources: [{', '.join(self.source_ids(1))}]"
            yield f"    sources: [{', '.join(self.source_ids(2))}]"
            yield f"    tags: [{q(rng.choice(ORGS).lower())}]"

    def incident_lines(self, start: int, stop: int) -> Iterator[str]:
        rng = self.rng
        yield "incidents:"
        for i in range(start, stop):
            kind = rng.choice(KINDS)
            how = kind.replace("-", " ")
            city = rng.choice(CITIES)
            who = sorted({rng.randrange(self.people) for _ in range(rng.randint(1, 2))})
            target = self.names[who[0]][0]
            killed = rng.randint(0, 5)
            yield f"  - id: incident-{i + 1}"
            yield f"    date: {day(rng)}"
            yield f"    title: {q(f'{target} targeted by {how} in {city}')}"
            yield f"    kind: {kind}"
            yield f"    place: {q(f'{rng.choice(STREETS)}, {city}')}"
            yield f"    sources: [{', '.join(self.source_ids(rng.randint(1, 2)))}]"
            yield "    people:"
            for n, p in enumerate(who):
                yield f"      - person: {self.person_id(p)}"
                yield f"        role: {ROLES[0] if n == 0 else rng.choice(ROLES[1:])}"
                yield f"        outcome: {rng.choice(OUTCOMES)}"
            yield "    casualties:"
            yield f"      killed: {killed}"
            yield f"      wounded: {rng.randint(0, 9)}"
            yield "    attribution:"
            yield f"      status: {rng.choice(STATUSES)}"
            yield f"      sources: [{', '.join(self.source_ids(1))}]"
            yield f"    summary: {q(f'A {how} in {city} aimed at {target}; {killed} killed.')}"
            yield f"    verification: {rng.choice(VERIFICATION)}"
            yield f"    tags: [{q(city.lower())}, {q(kind)}]"

    def event_lines(self, start: int, stop: int) -> Iterator[str]:
        rng = self.rng
        yield "events:"
        for i in range(start, stop):
            kind = rng.choice(EVENT_KINDS)
            date = day(rng)
            yield f"  - id: event-{i + 1}"
            yield f"    date: {date}"
            if rng.random() < 0.1 and len(date) == 10:
                yield f"    end: {date[:8]}28"
            yield f"    title: {q(f'{kind.capitalize()} number {i + 1} in {rng.choice(CITIES)}')}"
            yield f"    kind: {kind}"
            yield f"    people: [{', '.join(self.person_id(rng.randrange(self.people)) for _ in range(rng.randint(0, 2)))}]"
            yield f"    sources: [{', '.join(self.source_ids(1))}]"
            yield f"    verification: {rng.choice(VERIFICATION)}"

    def question_lines(self, start: int, stop: int) -> Iterator[str]:
        rng = self.rng
        yield "questions:"
        for i in range(start, stop):
            p = i % self.people
            latin, _, alias = self.names[p]
            topic = TOPICS[(i // self.people) % len(TOPICS)] if i >= self.people else "biography"
            incident = rng.randrange(self.incidents) + 1
            yield f"  - id: question-{i + 1}"
            asked = f"Who is {latin}?" if topic == "biography" else f"What is known about the {topic} of {latin}?"
            yield f"    question: {q(asked)}"
            yield f"    answer: {q(f'**{latin}** is a synthetic person; see incident {incident} for the {topic}.')}"
            yield f"    also: [{q(f'{alias} {topic}')}]"
            yield f"    tags: [{q(topic)}]"
            yield f"    related: [{self.person_id(p)}, incident-{incident}]"
            yield f"    sources: [{', '.join(self.source_ids(1))}]"


def write(incidents: int, out: Path, one_file: bool = False) -> list[Path]:
    """Write the catalogue under `out` (in one file with `one_file`); return the files written."""
    cat = Catalogue(incidents)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def emit(name: str, lines: Iterator[str]) -> None:
        path = out / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)

    sections = (
        ("sources", cat.sources, cat.source_lines),
        ("people", cat.people, cat.person_lines),
        ("incidents", cat.incidents, cat.incident_lines),
        ("events", cat.events, cat.event_lines),
        ("questions", cat.questions, cat.question_lines),
    )
    if one_file:
        whole = (line for _, count, lines in sections for line in lines(0, count))
        emit("catalogue.yaml", itertools.chain(cat.catalogue_file(), whole))
        return written
    emit("catalogue.yaml", cat.catalogue_file())
    for name, count, lines in sections:
        for n, start in enumerate(range(0, count, PER_FILE), start=1):
            emit(f"{name}-{n:04d}.yaml", lines(start, min(start + PER_FILE, count)))
    return written


def main(argv: list[str]) -> int:
    one_file = "--one-file" in argv
    argv = [a for a in argv if a != "--one-file"]
    if not argv or not argv[0].isdigit():
        print("usage: python bench/generate.py N [DIR] [--one-file]", file=sys.stderr)
        return 2
    n = int(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "out" / f"cat-{n}"
    files = write(n, out, one_file)
    size = sum(f.stat().st_size for f in files)
    print(f"{out}: {len(files)} files, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
