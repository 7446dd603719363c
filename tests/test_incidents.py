"""`faq incidents`, `incident`, `timeline`, `profile`, `people` and `sources`: filters, exit statuses, --json shapes.

The bundled catalogue is the one the issue's "done when" speaks of; tests/fixtures/views holds a
small catalogue for what the bundled one lacks (links, marks, a position start, a span across months).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from conftest import FIXTURES, Run

VIEWS = str(FIXTURES / "views")
KIRILLOV = "kirillov-scooter-bomb-2024"
MOSKALIK = "moskalik-car-bomb-2025"
SARVAROV = "sarvarov-car-bomb-2025"
YELETSKAYA = "yeletskaya-explosion-2025"
ALEKSEYEV = "alekseyev-shooting-2026"
# the series added for issue 16, oldest first
DUGINA, TATARSKY, PRILEPIN = "dugina-car-bomb-2022", "tatarsky-cafe-bomb-2023", "prilepin-car-bomb-2023"
RZHITSKY, TSARYOV, KYVA = "rzhitsky-shooting-2023", "tsaryov-shooting-2023", "kyva-shooting-2023"
TORGASHOV, KLENKOV, TRANKOVSKY = "torgashov-car-bomb-2024", "klenkov-shooting-2024", "trankovsky-car-bomb-2024"
SHATSKY, SARKISYAN, GURTSIEV = "shatsky-shooting-2024", "sarkisyan-bombing-2025", "gurtsiev-explosion-2025"
Y2023 = [TATARSKY, PRILEPIN, RZHITSKY, TSARYOV, KYVA]
Y2024 = [TORGASHOV, KLENKOV, TRANKOVSKY, SHATSKY, KIRILLOV]
Y2025 = [SARKISYAN, MOSKALIK, GURTSIEV, SARVAROV, YELETSKAYA]
PARTIAL_ISO = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _json(run: Run) -> Any:
    assert run.status == 0, run.out + run.err
    return json.loads(run.out)


def _ids(faq, *args: str) -> list[str]:
    return [entry["id"] for entry in _json(faq(*args, "--json"))]


# ---- the "done when" -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        ("2025", Y2025),
        ("2024", Y2024),
        ("2026", [ALEKSEYEV]),
        ("2023", Y2023),
    ],
)
def test_incidents_of_a_year(faq, year: str, expected: list[str]) -> None:
    assert _ids(faq, "incidents", "--year", year) == expected


def test_incidents_2025_table_shows_exactly_the_moskalik_bombing_and_the_december_explosions(faq) -> None:
    run = faq("incidents", "--year", "2025")
    assert run.status == 0
    assert re.findall(r"^(\d+ \w{3} \d{4})", run.out, re.M) == ["3 Feb 2025", "25 Apr 2025", "22 Dec 2025", "24 Dec 2025"]
    assert "Yaroslav Moskalik" in run.out and "Fanil Sarvarov (killed)" in run.out
    assert "Yeletskaya Street" in run.out
    assert "Kirillov" not in run.out and "Alekseyev" not in run.out


def test_filters_that_meet_no_incident_say_so_and_succeed(faq) -> None:
    run = faq("incidents", "--year", "2022", "--kind", "shooting")
    assert (run.status, run.out.strip(), run.err) == (0, "no incidents", "")
    assert _json(faq("incidents", "--year", "2022", "--kind", "shooting", "--json")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("incidents", "--year", "2021"), "faq: --year '2021': no incident is from this year (known: 2022–2026)"),
        (
            ("incidents", "--year", "2025", "--year", "2052"),
            "faq: --year '2052': no incident is from this year; did you mean '2025'? (known: 2022–2026)",
        ),
        (
            ("timeline", "--year", "2020"),
            "faq: --year '2020': no incident or event is from this year (known: 2011, 2016–2019, 2022–2026)",
        ),
        (
            ("incidents", "--kind", "carbomb"),
            "faq: --kind 'carbomb': no incident has this kind; did you mean 'car-bomb'? "
            "(known: car-bomb, explosion, explosive-device, shooting)",
        ),
        (("incidents", "--kind", "poisoning", "--json"), "faq: --kind 'poisoning': no incident has this kind (known: car-bomb, "),
    ],
)
def test_an_unknown_year_or_kind_is_a_usage_error_naming_the_known_ones(faq, args: tuple[str, ...], message: str) -> None:
    run = faq(*args)
    assert (run.status, run.out) == (2, "")
    assert run.err.startswith(message) and run.err.count("\n") == 1, run.err


def test_timeline_runs_from_the_mutiny_through_the_killings_to_the_february_2026_talks_and_shooting(faq) -> None:
    ids = _ids(faq, "timeline")
    order = ["wagner-mutiny-2023", KIRILLOV, MOSKALIK, SARVAROV, YELETSKAYA, "abu-dhabi-talks-round-2", ALEKSEYEV]
    positions = [ids.index(i) for i in order]
    assert positions == sorted(positions)
    out = faq("timeline").out
    titles = ("Wagner mutiny", "Kirillov killed", "Moskalik killed", "Second round", "Alekseyev shot")
    assert [out.index(title) for title in titles] == sorted(out.index(title) for title in titles)
    headings = re.findall(r"^(\d{4})\s*$", out, re.M)
    assert headings == sorted(headings) and {"2023", "2024", "2025", "2026"} <= set(headings)


def test_a_persons_timeline_is_theirs_alone(faq) -> None:
    entries = _json(faq("timeline", "--person", "alexeyev", "--json"))
    assert entries
    for entry in entries:
        involved = [p["person"] for p in entry["people"]] if entry["type"] == "incident" else entry["people"]
        assert "alekseyev" in involved, entry["id"]
    ids = [e["id"] for e in entries]
    assert ALEKSEYEV in ids and "wagner-mutiny-2023" in ids and "us-sanctions-alekseyev-2016" in ids
    assert KIRILLOV not in ids and "witkoff-putin-meeting-2025" not in ids
    out = faq("timeline", "--person", "alexeyev").out
    assert "Alekseyev shot" in out and "Kirillov" not in out and "Moskalik" not in out


@pytest.mark.parametrize(
    ("name", "person", "incident", "title"),
    [
        ("alexeyev", "alekseyev", ALEKSEYEV, "Vladimir Alekseyev"),
        ("Алексеев", "alekseyev", ALEKSEYEV, "Vladimir Alekseyev"),
        ("kirilov", "kirillov", KIRILLOV, "Igor Kirillov"),
        ("Moskalik", "moskalik", MOSKALIK, "Yaroslav Moskalik"),
    ],
)
def test_profile_finds_the_person_by_any_spelling_with_their_incidents(faq, name, person, incident, title) -> None:
    doc = _json(faq("profile", name, "--json"))
    assert doc["id"] == person
    assert doc["incidents"] == [incident]
    run = faq("profile", name)
    assert run.status == 0
    assert run.out.splitlines()[0].startswith(f"╭─ {title} ")
    assert f"faq incident {incident}" in run.out


# ---- incidents: every filter -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--year", "2024", "--year", "2026"), [*Y2024, ALEKSEYEV]),
        (("--since", "2025-12"), [SARVAROV, YELETSKAYA, ALEKSEYEV]),  # a month starts at its first day
        (("--until", "2025-04"), [DUGINA, *Y2023, *Y2024, SARKISYAN, MOSKALIK]),  # ... and ends at its last
        (("--since", "2025-12", "--until", "2025-12"), [SARVAROV, YELETSKAYA]),
        (("--since", "2025-04-26"), [GURTSIEV, SARVAROV, YELETSKAYA, ALEKSEYEV]),
        (("--until", "2025"), [DUGINA, *Y2023, *Y2024, *Y2025]),
        (("--since", "2025-12-23", "--until", "2026-02-05"), [YELETSKAYA]),
        (("--kind", "car-bomb"), [DUGINA, PRILEPIN, TORGASHOV, TRANKOVSKY, MOSKALIK, SARVAROV]),
        (
            ("--kind", "Car Bomb"),
            [DUGINA, PRILEPIN, TORGASHOV, TRANKOVSKY, MOSKALIK, SARVAROV],
        ),  # case and punctuation do not matter
        (("--place", "balashikha"), [MOSKALIK]),
        (("--place", "moscow", "--kind", "explosion"), [YELETSKAYA]),
        (("--person", "alexeyev"), [ALEKSEYEV]),
        (("--person", "Кириллов"), [KIRILLOV]),
        (("--person", "moskalik", "--year", "2025"), [MOSKALIK]),
        (("--person", "moskalik", "--year", "2024"), []),
        (("--reverse",), [ALEKSEYEV, *reversed(Y2025), *reversed(Y2024), *reversed(Y2023), DUGINA]),
        (("--year", "2025", "--reverse"), list(reversed(Y2025))),
        (("--kind", "bomb", "--year", "2025"), [MOSKALIK, SARVAROV]),  # a kind's words are enough
    ],
)
def test_incident_filters_combine(faq, args: tuple[str, ...], expected: list[str]) -> None:
    assert _ids(faq, "incidents", *args) == expected


def test_incidents_are_oldest_first_and_the_table_agrees_with_the_json(faq) -> None:
    entries = _json(faq("incidents", "--json"))
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
    out = faq("incidents").out
    positions = [out.index(e["title"].split()[-1]) for e in entries if e["title"].split()[-1] in out]
    assert len(positions) == len(entries)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("incidents", "--year", "twenty"), "--year: 'twenty' is not a year"),
        (("incidents", "--year", "25"), "--year: '25' is not a year"),
        (("incidents", "--since", "2025-13"), "--since: not a real date: '2025-13' (there is no month 13)"),
        (("incidents", "--until", "2025-02-30"), "--until: not a real date"),
        (("incidents", "--since", "yesterday"), "--since: not a date"),
        (("incidents", "--since", "2026", "--until", "2025"), "--since 2026 is after --until 2025"),
        (("timeline", "--year", "twenty"), "--year: 'twenty' is not a year"),
        (("timeline", "--since", "2025-13"), "--since: not a real date"),
    ],
)
def test_a_bad_filter_value_is_a_one_line_usage_error(faq, args: tuple[str, ...], message: str) -> None:
    run = faq(*args)
    assert run.status == 2
    assert run.out == ""
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert message in run.err
    assert "Traceback" not in run.err


def test_a_bad_filter_value_in_a_real_process_is_one_line_without_traceback(faq_process) -> None:
    run = faq_process("incidents", "--since", "2025-13")
    assert run.status == 2
    assert run.err.strip().splitlines() == ["faq: --since: not a real date: '2025-13' (there is no month 13)"]


def test_an_unknown_person_filter_names_the_closest_people(faq) -> None:
    run = faq("incidents", "--person", "zzyzx")
    assert run.status == 1
    assert "No such person: 'zzyzx'" in run.out and "faq profile" in run.out


# ---- incident -----------------------------------------------------------------------------------


def test_incident_shows_everything_about_one_incident(faq) -> None:
    run = faq("incident", "kirillov", "--full")
    assert run.status == 0
    out = " ".join(run.out.replace("│", " ").split())
    for fact in (
        "When 17 Dec 2024",
        "Where Outside a residential building, Ryazansky Prospekt, Moscow",
        "Igor Kirillov — target, killed",
        "Ilya Polikarpov — assistant, killed",
        "Casualties 2 killed",
        "Attribution claimed — A source in Ukraine's SBU security service",
        "What happened A bomb concealed in an electric scooter",
        "Sources disagree about attribution",
        "Reuters, 17 Dec 2024 — Ucrânia mata general russo",
        "faq ask who-was-kirillov",
        "faq profile kirillov",
    ):
        assert fact in out, fact


def test_incident_json_is_one_object_with_people_disputes_and_related_ids(faq) -> None:
    doc = _json(faq("incident", "yeletskaya", "--json"))
    assert doc["id"] == YELETSKAYA and doc["date"] == "2025-12-24"
    assert doc["disputes"] == [
        {
            "claim": "News.Az says the blast injured police officers rather than killing them.",
            "sources": ["newsaz-2026-02-09"],
            "about": "casualties",
        }
    ]
    assert doc["casualties"]["killed"] == 3
    assert "pattern-of-targeted-killings" in doc["questions"]
    assert doc["nearby_incidents"] == [SARVAROV]
    doc = _json(faq("incident", MOSKALIK, "--json"))
    assert doc["people"] == [{"person": "moskalik", "name": "Yaroslav Moskalik", "role": "target", "outcome": "killed"}]
    assert doc["events"] == ["witkoff-putin-meeting-2025", "kuzin-detained-2025"]


def test_no_such_incident_lists_the_closest_and_exits_1(faq) -> None:
    run = faq("incident", "zeppelin raid")
    assert run.status == 1
    assert run.out.startswith("No such incident: 'zeppelin raid'.")
    assert "Closest:" in run.out and "faq incident " in run.out
    doc = json.loads(faq("incident", "zeppelin raid", "--json").out)
    assert doc["match"] is None and doc["candidates"] and {"id", "title", "score"} <= set(doc["candidates"][0])


def test_an_incident_query_that_fits_two_incidents_lists_both(faq) -> None:
    run = faq("incident", "car bomb")
    assert run.status == 1
    assert "could be more than one incident" in run.out
    assert f"faq incident {MOSKALIK}" in run.out and f"faq incident {SARVAROV}" in run.out


# ---- timeline -----------------------------------------------------------------------------------


def test_timeline_entries_carry_their_type_and_dates_as_written(faq) -> None:
    entries = _json(faq("timeline", "--json"))
    assert {e["type"] for e in entries} == {"incident", "event"}
    assert all(PARTIAL_ISO.fullmatch(e["date"]) for e in entries)
    by_id = {e["id"]: e for e in entries}
    assert by_id["alekseyev-prigozhin-talks-2023"]["date"] == "2023-06"
    assert by_id["alekseyev-appointed-2011"]["date"] == "2011"
    assert by_id["wagner-mutiny-2023"]["end"] == "2023-06-24"
    assert by_id[KIRILLOV]["people"][0] == {"person": "kirillov", "name": "Igor Kirillov", "role": "target", "outcome": "killed"}
    # a month-only date sorts at the start of its month, before the days in it
    ids = list(by_id)
    assert ids.index("alekseyev-prigozhin-talks-2023") < ids.index("wagner-mutiny-2023")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("--year", "2023"),
            [TATARSKY, PRILEPIN, "alekseyev-prigozhin-talks-2023", "wagner-mutiny-2023", RZHITSKY, TSARYOV, KYVA],
        ),
        (("--until", "2011"), ["alekseyev-appointed-2011"]),
        (("--since", "2023-06-24", "--until", "2023-06"), ["alekseyev-prigozhin-talks-2023", "wagner-mutiny-2023"]),
        (("--since", "2026-01-24", "--until", "2026-01-31"), ["abu-dhabi-talks-round-1"]),  # a span reaching into the filter
        (("--person", "prigozhin"), ["alekseyev-prigozhin-talks-2023", "wagner-mutiny-2023"]),
        (("--person", "putin", "--year", "2025"), ["witkoff-putin-meeting-2025"]),
        (("--person", "kirillov", "--year", "2011"), []),
    ],
)
def test_timeline_filters(faq, args: tuple[str, ...], expected: list[str]) -> None:
    assert _ids(faq, "timeline", *args) == expected


def test_an_empty_timeline_says_so_and_succeeds(faq) -> None:
    run = faq("timeline", "--year", "2011", "--person", "kirillov")
    assert (run.status, run.out.strip()) == (0, "nothing on this timeline")


def test_a_persons_timeline_includes_the_positions_they_took_up(faq) -> None:
    entries = _json(faq("--data", VIEWS, "timeline", "--person", "ivanova", "--json"))
    assert [(e["type"], e["date"]) for e in entries] == [
        ("position", "2020-03"),
        ("event", "2026-01-30"),
        ("incident", "2026-02"),
    ]
    position = entries[0]
    assert position["id"] == "ivanova-position-1" and position["person"] == "ivanova"
    assert position["position"]["title"] == "Director" and position["position"]["start"] == "2020-03"
    out = faq("--data", VIEWS, "timeline", "--person", "ivanova").out
    assert re.search(r"Mar 2020\s+position\s+Anna Ivanova becomes Director", out)
    # the general timeline has no positions
    assert "position" not in {e["type"] for e in _json(faq("--data", VIEWS, "timeline", "--json"))}


def test_a_position_already_told_by_an_appointment_event_is_not_repeated(faq) -> None:
    entries = _json(faq("timeline", "--person", "alekseyev", "--year", "2011", "--json"))
    assert [(e["type"], e["id"]) for e in entries] == [("event", "alekseyev-appointed-2011")]


# ---- profile ------------------------------------------------------------------------------------


def test_profile_shows_names_positions_honours_sanctions_status_incidents_questions_disputes_sources(faq) -> None:
    run = faq("profile", "alekseyev", "--full")
    out = " ".join(run.out.replace("│", " ").split())
    for fact in (
        "Native name Владимир Степанович Алексеев",
        "Also written Alexeyev, Alekseev",
        "Born 1961, Vinnytsia region",
        "Status in hospital after surgery for gunshot wounds as of 9 Feb 2026 ◐ reported",
        "First Deputy Head, Main Intelligence Directorate (GRU) of the General Staff since 2011",
        "Hero of the Russian Federation 2017",
        "United States (Treasury, OFAC), 29 Dec 2016 Designated for malicious cyber-enabled activities",
        "European Union (Council of the EU), 21 Jan 2019 Listed under the EU chemical-weapons",
        "6 Feb 2026 GRU general Vladimir Alekseyev shot in Moscow apartment building target, wounded",
        "faq ask who-is-alekseyev",
        "Sources disagree about positions",
        "News.Az calls him deputy head of the GRU, not first deputy head.",
        "TASS, 29 Dec 2016",
        "faq timeline --person alekseyev",
    ):
        assert fact in out, fact


def test_profile_json_is_the_person_with_incident_and_question_ids(faq) -> None:
    doc = _json(faq("profile", "alekseyev", "--json"))
    assert doc["name"] == "Vladimir Alekseyev" and doc["native_name"] == "Владимир Степанович Алексеев"
    assert doc["born"] == "1961"
    assert doc["status"]["as_of"] == "2026-02-09" and doc["status"]["verification"] == "reported"
    assert doc["sanctions"][0]["date"] == "2016-12-29"
    assert doc["incidents"] == [ALEKSEYEV]
    assert "who-is-alekseyev" in doc["questions"] and "alekseyev-sanctions" in doc["questions"]
    assert doc["disputes"][0]["about"] == "positions"


def test_two_plausible_people_are_both_listed_with_exit_1(faq) -> None:
    run = faq("profile", "vladimir")
    assert run.status == 1
    assert "could be more than one person" in run.out
    assert "faq profile alekseyev" in run.out and "faq profile putin" in run.out
    doc = json.loads(faq("profile", "vladimir", "--json").out)
    assert doc["ambiguous"] is True and {c["id"] for c in doc["candidates"]} == {"alekseyev", "putin"}


def test_nobody_is_no_such_person_with_the_closest_names(faq) -> None:
    run = faq("profile", "zzyzx")
    assert run.status == 1
    assert run.out.startswith("No such person: 'zzyzx'.")
    assert "Closest:" in run.out and run.out.count("faq profile ") == 3


# ---- people and sources -------------------------------------------------------------------------


def test_people_lists_everyone_with_main_position_and_status(faq) -> None:
    people = _json(faq("people", "--json"))
    assert len(people) == 23
    alekseyev = people[0]
    assert alekseyev["main_position"]["title"] == "First Deputy Head"
    out = faq("people").out
    assert re.search(r"Vladimir Alekseyev\s+First Deputy Head\s+in hospital", out)
    assert re.search(r"Fanil Sarvarov\s+Head of the Operational\s+killed", out)
    assert "◐ reported" in out


def test_sources_lists_publisher_date_title_and_citations(faq) -> None:
    sources = _json(faq("sources", "--json"))
    newsaz = next(s for s in sources if s["id"] == "newsaz-2026-02-09")
    assert newsaz["publisher"] == "News.Az" and newsaz["date"] == "2026-02-09"
    count = len(newsaz["cited_by"])
    assert count > 10 and {"id", "type", "label"} <= set(newsaz["cited_by"][0])
    out = faq("sources", env={"COLUMNS": "100"}).out
    assert re.search(r"News\.Az\s+9 Feb 2026\s+Attempt on GRU deputy chief", out)
    cited = out[out.index("Attempt on GRU deputy chief") : out.index("TASS")]
    assert re.search(r"^\s+questions\s+series-attacks-by-year, ", cited, re.M)
    assert re.search(r"^\s+people\s+alekseyev, sarvarov, kirillov, ", cited, re.M)
    assert re.search(r"^\s+incidents\s+kirillov-scooter-bomb-2024, ", cited, re.M)
    listed = set(re.findall(r"[a-z0-9-]+", " ".join(cited.split())))
    assert {entry["id"] for entry in newsaz["cited_by"]} <= listed


def test_sources_json_carries_the_link(faq) -> None:
    sources = _json(faq("--data", VIEWS, "sources", "--json"))
    assert sources[0]["url"] == "https://example.org/wire-1"
    assert [len(s["cited_by"]) for s in sources] == [4, 1]


def test_a_filter_of_only_punctuation_or_control_characters_matches_nothing(faq) -> None:
    run = faq("incidents", "--place", "\x1b[")
    assert run.status == 0
    assert run.out.strip() == "no incidents"
    run = faq("incidents", "--kind", "\x1b[")
    assert run.status == 2 and "\x1b" not in run.err and "no incident has this kind" in run.err
