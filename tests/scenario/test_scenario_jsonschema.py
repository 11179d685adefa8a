"""The JSON Schema for editors: in sync with the models, and agreeing with the validator.

Corpus files marked ``# schema: reject`` are mistakes of shape (an unknown key, a wrong type,
a bad distribution) that the schema must catch in the editor; ``# schema: accept`` marks the
ones only ``wargame validate`` can see (references, ranges, includes), which the schema must
not reject, lest editors flag valid scenarios.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from scenario_helpers import BROKEN, ROOT, SCENARIOS, schema_verdict

from sim.scenario.json_schema import schema_text
from sim.scenario.tree import flatten, parse_node

SCHEMA_FILE = ROOT / "sim" / "library" / "wargame.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _data(path: Path) -> Any:
    tree, problems = parse_node(path.read_text(encoding="utf-8"), str(path))
    assert tree is not None, problems
    return flatten(tree)[0]


def test_shipped_schema_is_the_generated_one() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate it: wargame schema -o sim/library/wargame.schema.json"
    )


def test_scenarios_point_their_editor_at_the_schema() -> None:
    for path in SCENARIOS:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../sim/library/wargame.schema.json"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_schema_accepts_every_scenario(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    errors = [e.message for e in validator.iter_errors(_data(path))]
    assert not errors


MARKED = [p for p in BROKEN if schema_verdict(p) is not None]


def test_corpus_marks_both_kinds() -> None:
    verdicts = [schema_verdict(p) for p in MARKED]
    assert verdicts.count("reject") >= 15 and verdicts.count("accept") >= 15


@pytest.mark.parametrize("path", MARKED, ids=[p.stem for p in MARKED])
def test_schema_verdict_on_broken_file(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    errors = list(validator.iter_errors(_data(path)))
    if schema_verdict(path) == "reject":
        assert errors, "the schema lets this mistake through"
    else:
        assert not errors, [e.message for e in errors]


def test_schema_allows_a_distribution_wherever_a_number_is_uncertain(
    validator: jsonschema.Draft202012Validator,
) -> None:
    base = _data(SCENARIOS[0])
    base["defaults"] = {"precision": {"dist": "lognormal", "median": 2, "gsd": 1.5}}
    assert not list(validator.iter_errors(base))
    base["defaults"] = {"precision": {"dist": "lognormal", "median": 2}}
    assert list(validator.iter_errors(base))
