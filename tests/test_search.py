"""Matching: normalisation, transliteration, synonyms, people, and `faq search`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faq_cli.text import names

from conftest import Run

Faq = Callable[..., Run]


def catalogue(tmp_path: Path, body: str) -> str:
    """Write a one-file catalogue (with one source) and return its path for --data."""
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "sources:\n  - {id: wire, title: A wire report, publisher: Wire, date: 2025-12-22}\n" + body, encoding="utf-8"
    )
    return str(path)


# ---- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alekséev!", "alekseev"),
        ("  WHO   is\tBehind-it?? ", "who is behind it"),
        ("Алексеев", "alekseev"),
        ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        ("", ""),
    ],
)
def test_normalise_folds_case_accents_script_punctuation_and_spacing(text: str, expected: str) -> None:
    assert names.normalise(text) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ("Alekseyev", "Alexeyev", "Alekseev", "Alexeev", "Алексеев", "Алексєєв"),  # the last Ukrainian
        ("Kirillov", "Kirilov", "Кириллов"),
        ("Aleksejev", "Alekseyev"),  # German and Polish write the y as j
        ("Yevgeny", "Evgeny", "Evgeniy", "Евгений"),
        ("Dmitry", "Dmitriy", "Dmitrii", "Dmitrij", "Дмитрий"),
        ("Sarvarov", "Sarvarow", "Сарваров"),
    ],
)
def test_transliteration_variants_share_one_key(spellings: tuple[str, ...]) -> None:
    keys = {names.name_key(s) for s in spellings}
    assert len(keys) == 1, keys


def test_different_names_keep_different_keys() -> None:
    assert names.name_key("Kirillov") != names.name_key("Kirov")
    assert names.name_key("Putin") != names.name_key("Prigozhin")


# ---- people --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("alexeyev", "Vladimir Alekseyev"),
        ("Алексеев", "Vladimir Alekseyev"),
        ("alekseev", "Vladimir Alekseyev"),
        ("kirilov", "Igor Kirillov"),
        ("kirillov", "Igor Kirillov"),
        ("general kirillov", "Igor Kirillov"),
        ("Пригожин", "Yevgeny Prigozhin"),
        ("moskalyk", "Yaroslav Moskalik"),
    ],
)
def test_profile_finds_a_person_by_any_spelling(faq: Faq, spelling: str, name: str) -> None:
    run = faq("profile", "--json", spelling)
    assert run.status == 0, run.out
    assert json.loads(run.out)["name"] == name


def test_a_first_name_shared_by_two_people_is_ambiguous(faq: Faq) -> None:
    run = faq("profile", "--json", "vladimir")
    assert run.status == 1
    doc = json.loads(run.out)
    assert doc["match"] is None and doc["ambiguous"] is True
    assert {c["id"] for c in doc["candidates"]} == {"alekseyev", "putin"}


def test_an_unknown_person_is_not_guessed(faq: Faq) -> None:
    run = faq("profile", "--json", "taylor swift")
    assert run.status == 1
    assert json.loads(run.out)["match"] is None


# ---- synonyms ------------------------------------------------------------------------------------

MAYOR = """
questions:
  - id: mayor
    question: Who killed the mayor of Springfield?
    answer: Nobody knows.
    sources: [wire]
  - id: budget
    question: How large is the city budget?
    answer: Large.
    sources: [wire]
"""


def test_a_question_made_only_of_stop_words_is_ranked_without_error(faq: Faq, tmp_path: Path) -> None:
    # Its wording gives no phrasing at all: the ranking must still stand (it raised IndexError once).
    body = MAYOR + "  - {id: was, question: Was it?, answer: The mayor's budget, sources: [wire]}\n"
    run = faq("--data", catalogue(tmp_path, body), "ask", "--json", "the city budget")
    assert run.status == 0, run.err
    assert json.loads(run.out)["match"]["id"] == "budget"


def test_built_in_synonyms_match_a_word_the_catalogue_never_uses(faq: Faq, tmp_path: Path) -> None:
    run = faq("--data", catalogue(tmp_path, MAYOR), "ask", "--json", "who murdered him")
    assert run.status == 0, run.out
    assert json.loads(run.out)["match"]["id"] == "mayor"


def test_catalogue_synonyms_extend_the_built_in_ones(faq: Faq, tmp_path: Path) -> None:
    plain = catalogue(tmp_path, MAYOR)
    assert faq("--data", plain, "ask", "--json", "municipal finances").status == 1
    extended = tmp_path / "synonyms.yaml"
    extended.write_text("synonyms:\n  - [budget, finances]\n  - [city, municipal]\n", encoding="utf-8")
    run = faq("--data", plain, "--data", str(extended), "ask", "--json", "municipal finances")
    assert run.status == 0, run.out
    assert json.loads(run.out)["match"]["id"] == "budget"


def test_multi_word_synonyms_stand_for_their_group(faq: Faq) -> None:
    # 'Main Intelligence Directorate' is in the bundled catalogue's GRU group.
    run = faq("ask", "--json", "first deputy head of the main intelligence directorate")
    assert json.loads(run.out)["match"]["id"] == "who-is-alekseyev"


RUSSIAN = "synonyms:\n  - [killed, убил*, убит*, вбив*]\n  - [mayor, мэр*, мер*]\n"


@pytest.mark.parametrize("query", ["кто убил мэра", "хто вбив мера", "кто убил мэра Спрингфилда"])
def test_a_catalogues_own_russian_and_ukrainian_words_meet_its_english(faq: Faq, tmp_path: Path, query: str) -> None:
    # A word ending in * stands for every word beginning so: убил, убили, убийство; мэр, мэра, мэру.
    plain = catalogue(tmp_path, MAYOR)
    words = tmp_path / "words.yaml"
    words.write_text(RUSSIAN, encoding="utf-8")
    run = faq("--data", plain, "--data", str(words), "ask", "--json", query)
    assert run.status == 0, run.out
    assert json.loads(run.out)["match"]["id"] == "mayor"


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2100), max_size=40))
def test_any_text_reads_as_anyascii_reads_it(text: str) -> None:
    from anyascii import anyascii

    assert names.to_ascii(text) == anyascii(text)


def test_soft_and_hard_signs_do_not_split_a_word() -> None:
    assert names.normalise("Фаниль Прокофьев") == "fanil prokofev"


# ---- faq search ----------------------------------------------------------------------------------


def test_search_ranks_every_kind_and_highlights_matched_words(faq: Faq) -> None:
    run = faq("search", "--json", "scooter")
    assert run.status == 0
    hits = json.loads(run.out)
    assert {h["type"] for h in hits} >= {"question", "incident", "person"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    for hit in hits:
        assert set(hit) >= {"type", "id", "title", "score", "snippet"}
        words = [hit["snippet"][start:end].lower() for start, end in hit["highlights"]]
        assert words and all("scooter" in w for w in words), hit


def test_search_kind_limits_hits_to_one_kind(faq: Faq) -> None:
    hits = json.loads(faq("search", "--json", "--kind", "person", "alexeyev").out)
    assert [h["id"] for h in hits][:1] == ["alekseyev"]
    assert {h["type"] for h in hits} == {"person"}


def test_search_finds_cyrillic_and_other_spellings(faq: Faq) -> None:
    hits = json.loads(faq("search", "--json", "Кириллов").out)
    assert "who-was-kirillov" in [h["id"] for h in hits[:3]]
    assert "kirillov" in [h["id"] for h in hits[:3]]


def test_search_terminal_shows_title_snippet_and_command(faq: Faq) -> None:
    run = faq("search", "balashikha", "--limit", "3")
    assert run.status == 0
    assert "Yaroslav Moskalik" in run.out
    assert "faq incident moskalik-car-bomb-2025" in run.out


def test_search_with_no_hits_says_so_and_succeeds(faq: Faq) -> None:
    run = faq("search", "photosynthesis")
    assert (run.status, run.out.strip()) == (0, "no matches")
    run = faq("search", "--json", "photosynthesis")
    assert (run.status, json.loads(run.out)) == (0, [])


def test_search_rejects_an_unknown_kind(faq: Faq) -> None:
    assert faq("search", "--kind", "planet", "moscow").status == 2


def test_search_shows_catalogue_markup_and_escapes_as_text(faq: Faq, tmp_path: Path) -> None:
    hostile = catalogue(
        tmp_path,
        'questions:\n  - id: depot\n    question: "[bold red]Depot[/] fire \\e[31m at dawn"\n'
        "    answer: The depot burned.\n    sources: [wire]\n",
    )
    run = faq("--data", hostile, "search", "depot", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert run.status == 0
    assert "[bold red]Depot[/]" in run.out
    assert "\x1b[31m" not in run.out


def test_ranking_is_deterministic_with_ties_broken_by_id(faq: Faq, tmp_path: Path) -> None:
    twins = catalogue(
        tmp_path,
        "questions:\n"
        + "".join(f"  - {{id: {i}, question: Where is the depot?, answer: North., sources: [wire]}}\n" for i in "cab"),
    )
    runs = [json.loads(faq("--data", twins, "ask", "--json", "--top", "3", "depot").out) for _ in range(2)]
    assert runs[0] == runs[1]
    shown = [*([runs[0]["match"]["id"]] if runs[0]["match"] else []), *(a["id"] for a in runs[0]["alternatives"])]
    assert shown[:3] == ["a", "b", "c"]
