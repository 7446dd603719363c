"""`faq schema` is a valid JSON Schema (2020-12) that the bundled files satisfy and that agrees with the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import DATA, ROOT


class _Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as an editor's language server does (1.2 core): dates and yes/no stay strings."""


_Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from faq_cli.catalogue.schema import catalogue_schema

    return catalogue_schema()


def test_schema_command_prints_valid_json_schema(faq: Any) -> None:
    run = faq("schema")
    assert run.status == 0
    printed = json.loads(run.out)
    jsonschema.Draft202012Validator.check_schema(printed)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_committed_schema_file_matches_the_command(faq: Any) -> None:
    committed = json.loads((ROOT / "faq_cli" / "catalogue.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(faq("schema").out), "run: faq schema > faq_cli/catalogue.schema.json"


@pytest.mark.parametrize("path", sorted(DATA.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_files_satisfy_the_schema(schema: dict[str, Any], path: Path) -> None:
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=str)
    assert not errors, errors[0].message


@pytest.mark.parametrize(
    "text",
    [
        "questions:\n  - id: q\n    question: Q?\n    anwser: A\n",
        "questions:\n  - id: q\n    question: Q?\n    answer: A\n    verification: yes\n",
        "incidents:\n  - id: Bad Id\n    date: 2025\n    title: t\n    kind: k\n    place: p\n    sources: [s]\n",
        "eventz: []\n",
        "sources:\n  - id: s\n    title: t\n    publisher: p\n    date: yesterday\n",
    ],
)
def test_schema_and_loader_reject_the_same_mistakes(schema: dict[str, Any], text: str, tmp_path: Path, faq: Any) -> None:
    document = yaml.load(text, Loader=_Yaml12Loader)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(document)), "schema accepts it"
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    assert faq("validate", str(bad)).status == 1, "loader accepts it"
