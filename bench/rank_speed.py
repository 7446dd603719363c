"""How fast `faq ask` ranks a large catalogue: build the index once, then time each query, in-process.

    python bench/rank_speed.py              # 10,000 synthetic questions
    python bench/rank_speed.py 50000        # any size

The catalogue is synthetic and deterministic: questions built from the
bundled catalogue's words and random Russian-style names (each with a
Cyrillic spelling), each with three other phrasings, three tags, a related
person and incident, and a paragraph of answer. The queries are the labelled
set of bench/ask_eval.yaml (paraphrases, typos, Cyrillic, off-topic), so
every path (spelling correction, synonyms, reranking) is exercised. Figures:
index build time (paid once per process), then per-query ranking time
(median, 95th percentile, worst) for `rank_questions` and for `faq search`.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from faq_cli import search  # noqa: E402
from faq_cli.catalogue import active_paths, load_catalogue  # noqa: E402
from faq_cli.model import Catalogue, Incident, Involvement, PartialDate, Person, Question  # noqa: E402

SYLLABLES = ("ka", "ro", "vi", "len", "mir", "sko", "dan", "tor", "ga", "li", "nov", "ev", "sha", "pol", "zar", "in", "ko")
CYRILLIC = dict(
    zip(
        SYLLABLES,
        ("ка", "ро", "ви", "лен", "мир", "ско", "дан", "тор", "га", "ли", "нов", "ев", "ша", "пол", "зар", "ин", "ко"),
        strict=True,
    )
)
FIRST = ("Ivan", "Pavel", "Oleg", "Sergei", "Yuri", "Mikhail", "Andrei", "Dmitry", "Nikolai", "Viktor", "Anna", "Olga")
STEMS = ("Who is", "What happened to", "Why was", "When did", "How did", "What role did", "Where was", "Who attacked")


def synthetic(size: int, base: Catalogue) -> Catalogue:
    rng = random.Random(size)
    words = sorted({w for q in base.questions.values() for w in (q.question + " " + q.answer).split() if w.isalpha()})
    cat = Catalogue(synonyms=base.synonyms)
    for n in range(size // 4):
        parts = [rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))]
        surname = "".join(parts).capitalize() + "ov"
        native = "".join(CYRILLIC[p] for p in parts).capitalize() + "ов"
        pid = f"person-{n}"
        cat.people[pid] = Person(pid, f"{rng.choice(FIRST)} {surname}", native_name=native, aliases=(surname,))
        iid = f"incident-{n}"
        cat.incidents[iid] = Incident(
            iid, PartialDate(2020 + n % 6, 1 + n % 12), f"{surname} {rng.choice(words)} in {rng.choice(words)}", "car-bomb",
            rng.choice(words), ("s",), (Involvement(pid, "target", "killed"),),
        )  # fmt: skip
    people = list(cat.people.values())
    for n in range(size):
        person = people[n % len(people)]
        subject = " ".join(rng.sample(words, 3))
        cat.questions[f"q-{n}"] = Question(
            f"q-{n}",
            f"{rng.choice(STEMS)} {person.name} {subject}?",
            " ".join(rng.choices(words, k=60)),
            also=tuple(" ".join(rng.sample(words, 4)) for _ in range(3)),
            tags=tuple(rng.sample(words, 3)),
            related=(person.id, f"incident-{n % len(people)}"),
        )
    return cat


def timed(fn: object, queries: list[str]) -> list[float]:
    out = []
    for text in queries:
        started = time.perf_counter()
        fn(text)  # type: ignore[operator]
        out.append((time.perf_counter() - started) * 1000)
    return out


def report(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"{label:<28} median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   worst {ms[-1]:6.1f} ms")


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    base = load_catalogue(active_paths(None, environ={}))
    cat = synthetic(size, base)
    doc = yaml.safe_load((HERE / "ask_eval.yaml").read_text(encoding="utf-8"))
    queries = [item["query"] for item in doc["on_topic"]] + list(doc["off_topic"])
    queries += ["Ivan Kalenov", "Иван Каленов", "kalenof", *(q.question for q in list(cat.questions.values())[:50])]

    started = time.perf_counter()
    search.question_index(cat)
    print(f"{size:,} questions, {len(cat.people):,} people, {len(cat.incidents):,} incidents; {len(queries)} queries")
    print(f"{'question index build (once)':<28} {(time.perf_counter() - started) * 1000:8.0f} ms")
    report("rank_questions", timed(lambda t: search.rank_questions(t, cat), queries))
    started = time.perf_counter()
    search.search_index(cat)
    print(f"{'search index build (once)':<28} {(time.perf_counter() - started) * 1000:8.0f} ms")
    report("search (all kinds)", timed(lambda t: search.search(t, cat)[0], queries))


if __name__ == "__main__":
    main()
