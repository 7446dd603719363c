"""Every fact issue 2 asks of the bundled catalogue is reachable through `--json`, at its stated precision."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT


def _json(faq: Any, *args: str) -> Any:
    run = faq(*args, "--json")
    assert run.status == 0, run.err
    return json.loads(run.out)


@pytest.fixture
def people(faq: Any) -> dict[str, Any]:
    return {p["id"]: p for p in _json(faq, "people")}


@pytest.fixture
def incidents(faq: Any) -> dict[str, Any]:
    return {i["id"]: i for i in _json(faq, "incidents")}


@pytest.fixture
def timeline(faq: Any) -> list[dict[str, Any]]:
    return list(_json(faq, "timeline"))


def test_the_articles_ten_questions_are_canonical(faq: Any) -> None:
    questions = [q["question"] for q in _json(faq, "questions")]
    for asked in (
        "Who is Vladimir Alekseyev?",
        "What exactly happened during the attack?",
        "Why is this assassination attempt particularly significant?",
        "What role did Alekseyev play during the Wagner mutiny?",
        "Who might be behind the attack?",
        "Why are intelligence and military figures being targeted?",
        "What does this mean for Russia’s internal security?",
        "How does timing influence interpretations of the attack?",
        "What are the implications going forward?",
    ):
        assert any(q.replace("'", "’") == asked for q in questions), asked
    assert any(q.startswith("How does this incident fit into") for q in questions)


def test_every_question_is_complete(faq: Any) -> None:
    for q in _json(faq, "questions"):
        assert len(q["answer"].split()) >= 40, q["id"]
        assert q["sources"] and q["tags"] and q["related"], q["id"]
        assert len(q["also"]) >= 3, q["id"]
        assert q["verification"] in ("confirmed", "reported", "unverified")


def test_alekseyev_profile_facts(people: dict[str, Any]) -> None:
    a = people["alekseyev"]
    assert a["native_name"] == "Владимир Степанович Алексеев"
    assert {"Alexeyev", "Alekseev"} <= set(a["aliases"])
    assert a["born"] == "1961"
    assert any(p["start"] == "2011" and "GRU" in p["organisation"] for p in a["positions"])
    assert {(s["date"], s["by"].split()[0]) for s in a["sanctions"]} >= {("2016-12-29", "United"), ("2019-01-21", "European")}
    assert any(h["date"] == "2017" and "Hero" in h["title"] for h in a["honours"])
    assert a["status"]["as_of"] == "2026-02-09" and a["status"]["verification"] == "reported"


def test_the_people_the_article_names(people: dict[str, Any]) -> None:
    for pid, native in (
        ("sarvarov", "Фаниль Сарваров"),
        ("kirillov", "Игорь Кириллов"),
        ("moskalik", "Ярослав Москалик"),
        ("prigozhin", "Евгений Пригожин"),
    ):
        assert people[pid]["native_name"] == native
    assert {"skripal", "witkoff", "putin"} <= set(people)


@pytest.mark.parametrize(
    ("incident_id", "date", "kind", "person", "outcome"),
    [
        ("alekseyev-shooting-2026", "2026-02-06", "shooting", "alekseyev", "wounded"),
        ("sarvarov-car-bomb-2025", "2025-12-22", "car-bomb", "sarvarov", "killed"),
        ("yeletskaya-explosion-2025", "2025-12-24", "explosion", None, None),
        ("moskalik-car-bomb-2025", "2025-04-25", "car-bomb", "moskalik", "killed"),
        ("kirillov-scooter-bomb-2024", "2024-12-17", "explosive-device", "kirillov", "killed"),
    ],
)
def test_incidents(
    incidents: dict[str, Any], incident_id: str, date: str, kind: str, person: str | None, outcome: str | None
) -> None:
    i = incidents[incident_id]
    assert i["date"] == date
    assert i["kind"] == kind
    assert i["attribution"]["status"] in ("unattributed", "alleged", "claimed", "confirmed") if i["attribution"] else True
    if person:
        roles = {p["person"]: p for p in i["people"]}
        assert roles[person]["outcome"] == outcome
        assert roles[person]["name"]  # computed beside the id


def test_kirillov_and_his_assistant_were_both_killed(incidents: dict[str, Any]) -> None:
    outcomes = {p["person"]: p["outcome"] for p in incidents["kirillov-scooter-bomb-2024"]["people"]}
    assert outcomes == {"kirillov": "killed", "kirillov-assistant": "killed"}


@pytest.mark.parametrize(
    ("event_id", "date", "end"),
    [
        ("alekseyev-appointed-2011", "2011", None),
        ("us-sanctions-alekseyev-2016", "2016-12-29", None),
        ("skripal-poisoning-2018", "2018-03-04", None),
        ("eu-sanctions-alekseyev-2019", "2019-01-21", None),
        ("wagner-mutiny-2023", "2023-06-23", "2023-06-24"),
        ("alekseyev-prigozhin-talks-2023", "2023-06", None),
        ("witkoff-putin-meeting-2025", "2025-04-25", None),
        ("abu-dhabi-talks-round-1", "2026-01-23", "2026-01-24"),
        ("abu-dhabi-talks-round-2", "2026-02-04", "2026-02-05"),
    ],
)
def test_timeline_events_at_stated_precision(timeline: list[dict[str, Any]], event_id: str, date: str, end: str | None) -> None:
    entry = next(e for e in timeline if e["id"] == event_id)
    assert entry["type"] == "event"
    assert entry["date"] == date
    assert entry["end"] == end


def test_the_three_disagreements_are_kept(incidents: dict[str, Any], people: dict[str, Any]) -> None:
    yeletskaya = " ".join(d["claim"] for d in incidents["yeletskaya-explosion-2025"]["disputes"]).lower()
    assert "injur" in yeletskaya
    kirillov = incidents["kirillov-scooter-bomb-2024"]
    assert kirillov["attribution"]["status"] == "claimed"
    assert kirillov["disputes"]
    assert any("deputy head" in d["claim"] for d in people["alekseyev"]["disputes"])


def test_rumoured_female_attacker_is_unverified(faq: Any) -> None:
    shooting = _json(faq, "incident", "alekseyev-shooting-2026")
    text = json.dumps(shooting).lower()
    assert "woman" in text or "female" in text
    assert "unverified" in text


def test_sources_cite_the_article_and_background(faq: Any) -> None:
    sources = {s["id"]: s for s in _json(faq, "sources")}
    assert sources["newsaz-2026-02-09"]["publisher"] == "News.Az"
    assert sources["newsaz-2026-02-09"]["date"] == "2026-02-09"
    for sid in ("reuters-2024-12-17", "tass-2025-12-22", "tass-2025-12-24", "tass-2026-02-06", "tass-2016-12-29"):
        assert sid in sources
    assert all(s["cited_by"] for s in sources.values()), "every source is cited by something"


def test_catalogue_copies_no_run_of_the_article() -> None:
    tool = ROOT.parent / "shared" / "tools" / "copied-runs"
    if not tool.exists():
        pytest.skip("shared/tools/copied-runs is not beside this checkout")
    proc = subprocess.run([sys.executable, str(tool), str(ROOT / "data")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    assert Path(ROOT / "data").is_dir()
