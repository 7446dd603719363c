"""Matching: normalisation, transliteration, synonyms, people, and `faq search`."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faq_cli import names, search

from conftest import Run

Faq = Callable[..., Run]


@cache
def bundled_index() -> search.Index:
    """The bundled catalogue's question index, built once for the tests that only read it."""
    from faq_cli.catalogue import active_paths, load_catalogue

    return search.question_index(load_catalogue(active_paths(None, environ={})))


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


def test_asking_who_a_catalogue_person_is_wishes_for_his_profile_whatever_else_is_said(faq: Faq) -> None:
    run = faq("ask", "--json", "Who exactly is this Alekseev guy that got shot in Moscow?")
    assert json.loads(run.out)["match"]["id"] == "who-is-alekseyev"
    run = faq("ask", "--json", "who shot alekseyev")  # asks something else of him
    assert json.loads(run.out)["match"]["id"] == "who-is-behind-the-attack"


def test_asking_whether_someone_did_it_asks_who_is_behind_it(faq: Faq) -> None:
    # 'did Ukraine shoot the GRU general' asks for the attribution, not for why the shooting matters
    for query in ("did ukraine shoot the gru general", "was it ukraine that tried to kill the gru general"):
        run = faq("ask", "--json", query)
        assert json.loads(run.out)["match"]["id"] == "who-is-behind-the-attack", query


def test_multi_word_synonyms_stand_for_their_group(faq: Faq) -> None:
    # 'Main Intelligence Directorate' is in the bundled catalogue's GRU group.
    run = faq("ask", "--json", "first deputy head of the main intelligence directorate")
    assert json.loads(run.out)["match"]["id"] == "who-is-alekseyev"


def test_russian_question_words_and_verbs_meet_an_english_catalogue(faq: Faq, tmp_path: Path) -> None:
    run = faq("--data", catalogue(tmp_path, MAYOR), "ask", "--json", "кто его убил")  # 'who killed him'
    assert run.status == 0, run.out
    assert json.loads(run.out)["match"]["id"] == "mayor"


def test_ukrainian_question_words_and_verbs_meet_an_english_catalogue(faq: Faq, tmp_path: Path) -> None:
    run = faq("--data", catalogue(tmp_path, MAYOR), "ask", "--json", "хто його вбив")  # 'who killed him'
    assert run.status == 0, run.out
    assert json.loads(run.out)["match"]["id"] == "mayor"


def test_a_stop_word_is_never_corrected_into_a_catalogue_word(faq: Faq) -> None:
    # 'would' is one letter from 'wound' (in the bundled answers); it must stay a stop word.
    index = bundled_index()
    words = {w for t in search.query_terms("why would anyone kill generals", index) for w in t.words}
    assert not any(w.startswith("vound") for w in words)


def test_a_misspelt_filler_word_is_filler_and_a_real_word_is_not_respelt() -> None:
    index = bundled_index()
    # 'anythng' is 'anything', a stop word: it does not weigh as a word the catalogue never uses.
    assert {t.term for t in search.query_terms("does the timing mean anythng", index)} == {
        t.term for t in search.query_terms("does the timing mean anything", index)
    }
    # A correction keeps the first letter: 'nearly' is not a misspelt 'early', nor 'event' a misspelt 'went'.
    words = {w for t in search.query_terms("nearly every event", index) for w in t.words}
    assert search.term_key("event") in words
    assert not words & {search.term_key("early"), search.term_key("went")}


def test_a_common_english_word_weighs_less_than_a_rare_one_the_catalogue_uses_as_often() -> None:
    index = bundled_index()
    keep, ambush = search.term_key("keep"), search.term_key("ambush")
    assert index.weight(keep) >= index.weight(ambush)  # each in one entry: by the catalogue's counts alike
    weights = {t.term: t.weight for t in search.query_terms("keep ambush", index)}
    assert weights[ambush] == index.weight(ambush)  # a rare word keeps its weight
    assert weights[keep] < index.weight(keep) / 2  # 'keep', among the commonest English words, does not


def test_without_the_word_frequencies_every_word_keeps_its_weight(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = bundled_index()
    monkeypatch.setattr(search, "__file__", str(tmp_path / "search.py"))  # no common_words.txt beside it
    monkeypatch.setattr(search, "_COMMON", {})
    keep = search.term_key("keep")
    assert [t.weight for t in search.query_terms("keep", index)] == [index.weight(keep)]


def test_a_word_shaped_like_a_surname_is_a_name_however_it_is_typed() -> None:
    index = bundled_index()
    strangers = [t.term for t in search.query_terms("kostyukov biography", index) if t.stranger]
    assert strangers == [search.term_key("kostyukov")]
    assert not any(t.stranger for t in search.query_terms("alekseev biography", index))


def test_a_catalogue_first_name_before_an_unknown_surname_is_someone_else() -> None:
    index = bundled_index()
    strangers = [t.term for t in search.query_terms("igor kostyukov biography", index) if t.stranger]
    assert strangers == [search.term_key("igor"), search.term_key("kostyukov")]
    assert not any(t.stranger for t in search.query_terms("igor kirillov biography", index))
    assert not any(t.stranger for t in search.query_terms("Kirillov RCB troops chief", index)[:1])


def test_a_year_the_catalogue_never_mentions_is_a_stranger_and_one_it_does_is_not() -> None:
    index = bundled_index()
    assert [t.term for t in search.query_terms("the 1991 coup", index) if t.stranger] == ["1991"]
    assert not any(t.stranger for t in search.query_terms("generals killed in 2024", index))
    assert not any(t.stranger for t in search.query_terms("about 250 people", index))


def test_a_rank_before_a_catalogue_name_is_part_of_the_name() -> None:
    index = bundled_index()
    named = [t.term for t in search.query_terms("Lt Gen Kirillov killed", index)]
    assert named == [t.term for t in search.query_terms("Kirillov killed", index)]
    assert len(search.query_terms("general killed in moscow", index)) == 3  # a rank before no name is a word


def test_plurals_in_ings_stem_as_the_singular_does() -> None:
    assert search._stem("killings") == search._stem("killing") == search._stem("kill") == "kill"
    assert search._stem("bombings") == search._stem("bombing") == "bomb"
    assert search._stem("things") == "thing"


def test_adverbs_in_ly_stem_as_their_adjective_but_generally_is_not_about_generals() -> None:
    assert search._stem("recently") == search._stem("recent")
    assert search._stem("reportedly") == search._stem("reported") == "report"
    assert search._stem("generally") != search._stem("general")
    assert search._stem("only") == "only"


def test_an_everyday_subject_the_catalogue_never_mentions_is_a_stranger(tmp_path: Path) -> None:
    from faq_cli.catalogue import active_paths, load_catalogue

    index = bundled_index()
    assert [t.term for t in search.query_terms("population of Rostov", index) if t.stranger]
    assert [t.term for t in search.query_terms("how many people live in Rostov", index) if t.stranger]
    assert not any(t.stranger for t in search.query_terms("the mutiny in Rostov", index))
    # a catalogue that does speak of prices: the word is one of its words, not a stranger
    body = MAYOR + "  - {id: prices, question: Why did bread prices rise?, answer: Drought., sources: [wire]}\n"
    index = search.question_index(load_catalogue(active_paths([catalogue(tmp_path, body)], environ={})))
    assert not any(t.stranger for t in search.query_terms("bread prices", index))


def test_a_month_the_catalogue_never_mentions_is_a_stranger_and_one_it_does_is_not() -> None:
    index = bundled_index()
    assert len([t for t in search.query_terms("the plane crash in August", index) if t.stranger]) == 1
    assert not any(t.stranger for t in search.query_terms("the shooting in February", index))
    assert not any(t.stranger for t in search.query_terms("the shooting on Friday", index))  # only months


def test_a_short_month_meets_the_month_written_in_full() -> None:
    index = bundled_index()
    short = [t.term for t in search.query_terms("shot on 6 Feb", index)]
    assert short == [t.term for t in search.query_terms("shot on 6 February", index)]
    assert [t.term for t in search.query_terms("killed in Sept", index) if t.stranger]  # never mentioned


def test_a_word_the_catalogue_writes_inside_a_name_is_not_a_stranger() -> None:
    # 'North Caucasus' is in Sarvarov's profile: 'the Caucasus' is not someone else.
    index = bundled_index()
    assert not any(t.stranger for t in search.query_terms("had he served in Syria and the Caucasus", index))
    assert any(t.stranger for t in search.query_terms("had he served in Syria and the Balkans", index))


def test_days_months_and_holidays_are_nobodys_name() -> None:
    index = bundled_index()
    assert not any(t.stranger for t in search.query_terms("general killed just before Christmas 2025", index))
    assert any(t.stranger for t in search.query_terms("general killed just before Navalny 2025", index))


def test_a_compound_of_a_known_word_is_read_as_that_word() -> None:
    index = bundled_index()
    plain = {t.term for t in search.query_terms("intelligence", index)}
    assert plain and {t.term for t in search.query_terms("counterintelligence", index)} == plain


def test_the_russian_stop_words_are_listed_as_transliteration_spells_them() -> None:
    assert {names.normalise(w) for w in search.RUSSIAN_STOP_WORDS.split()} <= search._STOP_KEYS


def test_the_table_at_hand_is_anyasciis() -> None:
    from anyascii import anyascii

    from faq_cli.ascii_table import BLOCKS, OTHER, TABLE

    assert set(TABLE) == {cp for block in BLOCKS for cp in block}
    assert all(TABLE[cp] == anyascii(chr(cp)) for cp in TABLE)
    assert all(OTHER.search(chr(cp)) is None for cp in TABLE) and OTHER.search("北") and OTHER.search("ά")
    for text in ("Владимир Степанович Алексеев", "Алексєєв і Пригожин", "Ґ Ї Є Ў Ѣ", "Alekséyev — the GRU’s “general”"):
        assert names.to_ascii(text) == anyascii(text), text
    assert names.to_ascii("Алексеев 北京") == anyascii("Алексеев 北京")  # another script: anyascii itself


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
    runs = [json.loads(faq("--data", twins, "ask", "--json", "--top", "2", "depot").out) for _ in range(2)]
    assert runs[0] == runs[1]
    assert [runs[0]["match"]["id"], *(a["id"] for a in runs[0]["alternatives"])] == ["a", "b", "c"]


def test_two_swapped_letters_are_one_slip() -> None:
    index = bundled_index()
    assert [t.term for t in search.query_terms("waht", index)] == [t.term for t in search.query_terms("what", index)]
    assert [t.term for t in search.query_terms("alekseyve", index)] == [t.term for t in search.query_terms("alekseyev", index)]


def test_every_word_of_the_russian_and_ukrainian_tables_is_read_as_its_meaning() -> None:
    # The query's soft and hard signs are dropped and ё read as е before the lookup: the table must be
    # looked up the same way, or 'сколько', 'роль' and 'дальше' would never be found.
    for word, meaning in search._RUSSIAN.items():
        written = word.rstrip("*")
        assert search._english(written) == meaning, word
        assert search._english(written.capitalize()) == meaning, word


def test_a_long_russian_stem_takes_a_long_ending_and_a_phrase_is_read_whole() -> None:
    assert search._english("санкционные") == "sanctions"  # санкци- + -онные
    assert search._english("кто стоит за покушением").split()[:2] == ["who", "behind"]
    assert search._english("Хто стоїть за замахом").split()[:2] == ["who", "behind"]
    assert search._english("кто пытался убить").split() == ["who", "tried", "to", "kill"]
    assert search._english("санкційних") == "sanctions"  # Ukrainian і
    assert search._english("Сколько стоит билет").split() == ["how", "much", "cost", "ticket"]  # ь dropped first
    assert search._english("мишенями") == "target"  # a short stem still takes at most four letters
    assert search._english("мишенированный") != "target"


def test_a_name_in_a_russian_case_is_the_name() -> None:
    index = bundled_index()
    name = [t.term for t in search.query_terms("Алексеев", index)]
    for form in ("Алексеева", "Алексееву", "Алексеевым", "Alekseyeva"):
        assert [t.term for t in search.query_terms(form, index)] == name, form
    # and so are the catalogue's own phrasings written that way ('роль алексеева в мятеже вагнера')
    assert not any(term.endswith(("a", "u")) and term.startswith("aleks") for term in index.postings)
