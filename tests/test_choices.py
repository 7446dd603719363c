"""Catalogues of any subject: general default values for the fixed-vocabulary fields, and `vocabulary:` to extend them.

The running example is an art-heist catalogue, which the attack-only vocabulary of old could not hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import Run

HEISTS = """\
catalogue:
  name: Art heists
  as_of: 2024-06
sources:
  - id: guardian
    title: The Mona Lisa theft
    publisher: The Guardian
    date: 2011-08
people:
  - id: peruggia
    name: Vincenzo Peruggia
incidents:
  - id: mona-lisa-1911
    date: 1911-08-21
    title: The Mona Lisa stolen from the Louvre
    kind: theft
    place: Louvre, Paris
    sources: [guardian]
    people:
      - person: peruggia
        role: thief
        outcome: {outcome}
    attribution:
      status: {status}
"""


def _as_an_editor_reads(text: str) -> Any:
    """YAML as an editor's language server reads it (1.2 core: dates stay text)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(text, Loader=Loader)


def _write(folder: Path, text: str, name: str = "heists.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def heists(tmp_path: Path) -> Path:
    return _write(tmp_path / "heists", HEISTS.format(outcome="arrested", status="confirmed"))


def test_an_art_heist_catalogue_validates_with_the_general_defaults(faq: Callable[..., Run], heists: Path) -> None:
    assert faq("validate", str(heists)).status == 0
    incident = json.loads(faq("--data", str(heists), "incident", "--json", "mona lisa").out)
    assert incident["people"] == [{"person": "peruggia", "name": "Vincenzo Peruggia", "role": "thief", "outcome": "arrested"}]


@pytest.mark.parametrize(
    ("outcome", "status", "message"),
    [
        ("fenced", "confirmed", "'outcome' must be one of killed, wounded, injured"),
        ("arested", "confirmed", "not 'arested' (did you mean 'arrested'?) (add it under vocabulary: outcome to allow it)"),
        (
            "arrested",
            "rumoured",
            "'status' must be one of unattributed, suspected, alleged, claimed, disputed, confirmed, not 'rumoured'",
        ),
    ],
)
def test_a_value_outside_the_vocabulary_is_a_located_error(
    faq: Callable[..., Run], tmp_path: Path, outcome: str, status: str, message: str
) -> None:
    folder = _write(tmp_path / "bad", HEISTS.format(outcome=outcome, status=status))
    run = faq("validate", str(folder))
    assert run.status == 1
    line = 24 if "status" in message else 22
    assert any(x.startswith(f"{folder / 'heists.yaml'}:{line}:") and message in x for x in run.out.splitlines()), run.out


def test_choices_extend_the_defaults(faq: Callable[..., Run], tmp_path: Path) -> None:
    text = "vocabulary:\n  outcome: [fenced, recovered]\n  attribution: [rumoured]\n" + HEISTS.format(
        outcome="fenced", status="rumoured"
    )
    folder = _write(tmp_path / "heists", text)
    assert faq("validate", str(folder)).status == 0
    people = json.loads(faq("--data", str(folder), "incidents", "--json").out)[0]["people"]
    assert people[0]["outcome"] == "fenced"


def test_listing_kinds_or_roles_makes_them_the_only_ones(faq: Callable[..., Run], tmp_path: Path) -> None:
    text = "vocabulary:\n  incident_kind: [theft, forgery]\n  role: [thief, fence, buyer]\n" + HEISTS.format(
        outcome="arrested", status="confirmed"
    )
    folder = _write(tmp_path / "heists", text)
    assert faq("validate", str(folder)).status == 0
    (folder / "heists.yaml").write_text(text.replace("kind: theft", "kind: thef"), encoding="utf-8")
    run = faq("validate", str(folder))
    assert run.status == 1
    assert (
        f"{folder / 'heists.yaml'}:19:11: 'kind' must be one of theft, forgery, not 'thef' (did you mean 'theft'?)"
        " (the values listed under vocabulary: incident_kind)" in run.out
    )


def test_without_a_list_kinds_and_roles_are_free_text(faq: Callable[..., Run], tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "heists", HEISTS.format(outcome="arrested", status="confirmed").replace("kind: theft", "kind: anything at all")
    )
    assert faq("validate", str(folder)).status == 0


def test_a_layer_may_use_the_choices_of_the_layers_under_it(faq: Callable[..., Run], tmp_path: Path) -> None:
    team = _write(tmp_path / "team", "vocabulary:\n  outcome: [fenced]\n" + HEISTS.format(outcome="fenced", status="confirmed"))
    mine = _write(
        tmp_path / "mine",
        "incidents:\n  - id: gardner-1990\n    date: 1990-03-18\n    title: Gardner Museum theft\n    kind: theft\n"
        "    place: Boston\n    sources: [guardian]\n    people:\n      - person: peruggia\n        role: none\n"
        "        outcome: fenced\n",
    )
    assert faq("--data", str(team), "--data", str(mine), "validate").status == 0
    # the other way round, the lower layer cannot use what the upper one lists
    run = faq("--data", str(mine), "--data", str(team), "validate")
    assert run.status == 1
    assert f"{mine / 'heists.yaml'}:11:18: 'outcome' must be one of" in run.out


def test_the_vocabulary_section_is_checked_like_any_other(faq: Callable[..., Run], tmp_path: Path) -> None:
    folder = _write(tmp_path / "c", "vocabulary:\n  outcomes: [fenced]\n  role: thief\n")
    run = faq("validate", str(folder))
    assert run.status == 1
    assert f"{folder / 'heists.yaml'}:2:3: unknown field 'outcomes' in vocabulary (did you mean 'outcome'?)" in run.out
    assert f"{folder / 'heists.yaml'}:3:9: 'role' must be a list, not 'thief'" in run.out


def test_schema_reflects_the_active_catalogue_vocabulary(faq: Callable[..., Run], tmp_path: Path) -> None:
    text = "vocabulary:\n  outcome: [fenced]\n  incident_kind: [theft, forgery]\n" + HEISTS.format(
        outcome="fenced", status="confirmed"
    )
    folder = _write(tmp_path / "heists", text)
    schema: dict[str, Any] = json.loads(faq("--data", str(folder), "schema").out)
    jsonschema.Draft202012Validator.check_schema(schema)
    incident = schema["properties"]["incidents"]["items"]
    assert "fenced" in incident["properties"]["people"]["items"]["properties"]["outcome"]["enum"]
    assert incident["properties"]["kind"]["enum"] == ["theft", "forgery"]
    assert "vocabulary" in schema["properties"]
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors(_as_an_editor_reads(text)))
    assert list(validator.iter_errors(_as_an_editor_reads(text.replace("kind: theft", "kind: arson"))))
    default = json.loads(faq("schema").out)
    assert "enum" not in default["properties"]["incidents"]["items"]["properties"]["kind"]


def test_a_catalogue_with_problems_still_gives_its_schema(faq: Callable[..., Run], tmp_path: Path) -> None:
    text = "vocabulary:\n  outcome: [fenced]\n" + HEISTS.format(outcome="fenced", status="nonsense")
    folder = _write(tmp_path / "heists", text)
    run = faq("--data", str(folder), "schema")
    assert run.status == 0
    assert "fenced" in run.out
