"""The JSON Schema of the scenario language, for editors (completion and inline errors).

Generated from the same pydantic models that validate scenarios, then tidied: the
number-or-distribution choice, written out at every number by pydantic, becomes one
``$defs/Number``; a ladder may be written as a bare list of rungs (its short form). Scenario
files point their editor at it with
``# yaml-language-server: $schema=../sim/library/wargame.schema.json``. The policies come from
the policy registry (:mod:`sim.scenario.policy_specs`). Cross-references
(an actor named in a red line exists...) are beyond JSON Schema: ``wargame validate`` checks
those.
"""

from __future__ import annotations

import json
from typing import Any

from .actors import Weights
from .policy_specs import specs
from .schema import Scenario

SCHEMA_FILE = "wargame.schema.json"
"""Its name in ``sim/library/``."""


def _replace(node: Any, target: Any, ref: dict[str, str]) -> Any:
    """``node`` with each sub-schema equal to ``target`` (annotations aside) made ``ref``."""
    if isinstance(node, dict):
        core = {k: v for k, v in node.items() if k not in ("default", "title", "description")}
        if core == target:
            extra = {k: v for k, v in node.items() if k not in core}
            return {**ref, **extra}
        return {k: _replace(v, target, ref) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace(v, target, ref) for v in node]
    return node


def _close_patterns(node: Any) -> Any:
    """Named collections (``patternProperties``) accept no other keys, as pydantic does."""
    if isinstance(node, dict):
        out = {k: _close_patterns(v) for k, v in node.items()}
        if "patternProperties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_close_patterns(v) for v in node]
    return node


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    schema = Scenario.model_json_schema(mode="validation")
    # Any Number field shows the shape pydantic gives a number-or-distribution.
    sample = Weights.model_json_schema(mode="validation")["properties"]["alliance"]
    number_core = {k: v for k, v in sample.items() if k not in ("default", "title")}
    distribution = number_core["oneOf"][1]
    schema = _replace(schema, distribution, {"$ref": "#/$defs/Distribution"})
    number_core = _replace(number_core, distribution, {"$ref": "#/$defs/Distribution"})
    schema = _replace(schema, number_core, {"$ref": "#/$defs/Number"})
    schema = _close_patterns(schema)
    defs = schema["$defs"]
    defs["Distribution"] = {
        "description": "An uncertain number: sampled once per run.",
        **distribution,
    }
    defs["Number"] = {
        "description": "A plain number or a distribution {dist: uniform|normal|lognormal|"
        "beta|triangular|choice, ...}.",
        **number_core,
    }
    ladder = defs["Ladder"]
    defs["Ladder"] = {
        "description": ladder.get("description", ""),
        "anyOf": [
            {
                "type": "array",
                "minItems": 2,
                "items": {"$ref": "#/$defs/RungSpec"},
                "description": "Short form: the rungs, least hostile first.",
            },
            {k: v for k, v in ladder.items() if k != "description"},
        ],
    }
    _policies(defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "wargame scenario",
        "description": "A scenario of the wargame simulator (docs/scenarios.md).",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def _policies(defs: dict[str, Any]) -> None:
    """``policy`` from the policy registry: each name with its summary, and the actor keys a
    policy needs made required when an actor names it."""
    registered = dict(sorted(specs().items()))
    names = {
        "type": "string",
        "oneOf": [{"const": n, "description": sp.summary} for n, sp in registered.items()],
    }
    for block in ("Actor", "Defaults"):
        defs[block]["properties"]["policy"]["anyOf"][0] = names
    defs["Actor"]["allOf"] = [
        {
            "if": {"properties": {"policy": {"const": n}}, "required": ["policy"]},
            "then": {"required": list(sp.actor_keys)},
        }
        for n, sp in registered.items()
        if sp.actor_keys
    ]


def schema_text() -> str:
    """The JSON Schema as the text written to ``sim/library/wargame.schema.json``."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
