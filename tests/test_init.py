"""`faq init DIR` writes a small, valid starter catalogue and never overwrites anything."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as an editor's language server does (YAML 1.2 core): dates stay strings."""


Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_init_writes_a_catalogue_that_validates(faq, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    run = faq("init", str(target))
    assert run.status == 0, run.err
    assert sorted(p.name for p in target.iterdir()) == ["catalogue.schema.json", "catalogue.yaml"]
    assert str(target / "catalogue.yaml") in run.out
    check = faq("validate", str(target))
    assert check.status == 0, check.out
    assert "catalogue is valid (1 file)" in check.out


def test_starter_has_one_entry_per_section_and_answers(faq, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    faq("init", str(target))
    data = yaml.safe_load((target / "catalogue.yaml").read_text(encoding="utf-8"))
    for section in ("sources", "people", "incidents", "events", "questions"):
        assert len(data[section]) == 1, section
    assert faq("--data", str(target), "ask", "what happened at the depot").status == 0
    assert faq("--data", str(target), "profile", "doe").status == 0
    assert faq("--data", str(target), "incidents").status == 0


def test_starter_has_comments_and_the_schema_line_for_editors(faq, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    faq("init", str(target))
    text = (target / "catalogue.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./catalogue.schema.json"
    assert sum(1 for line in text.splitlines() if line.lstrip().startswith("#")) >= 10
    schema = json.loads((target / "catalogue.schema.json").read_text(encoding="utf-8"))
    assert schema == json.loads(faq("schema").out)
    jsonschema.validate(yaml.load(text, Loader=Yaml12Loader), schema)


def test_init_refuses_to_overwrite(faq, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "catalogue.yaml").write_text("# mine, keep\n", encoding="utf-8")
    run = faq("init", str(target))
    assert run.status == 2
    assert f"{target} already has catalogue.yaml; not overwriting it" in run.err
    assert (target / "catalogue.yaml").read_text(encoding="utf-8") == "# mine, keep\n"
    assert not (target / "catalogue.schema.json").exists()


def test_init_twice_refuses_the_second_time(faq, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    assert faq("init", str(target)).status == 0
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    run = faq("init", str(target))
    assert run.status == 2
    assert "already has catalogue.yaml and catalogue.schema.json" in run.err and "Traceback" not in run.err
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


def test_init_does_not_follow_a_planted_link(faq, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (target / "catalogue.schema.json").symlink_to(victim)
    run = faq("init", str(target))
    assert run.status == 2
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_init_into_a_file_is_a_usage_error(faq, tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x", encoding="utf-8")
    run = faq("init", str(path))
    assert run.status == 2
    assert "is not a directory" in run.err
