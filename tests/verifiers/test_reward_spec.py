"""Reward specs: unknown verifiers, bad weights and bad params are rejected with a location."""

from __future__ import annotations

import math

import pytest
from verireward.verifiers import SpecError, VerifierRegistry, build_spec
from verireward.verifiers.format import FormatParams
from verireward.verifiers.params import params_schema

from tests.fakes import EchoParams


@pytest.mark.parametrize(
    ("weights", "params", "loc"),
    [
        ({"nope": 1.0}, None, ("reward", "weights", "nope")),
        ({"echo": -0.5}, None, ("reward", "weights", "echo")),
        ({"echo": math.nan}, None, ("reward", "weights", "echo")),
        ({"echo": math.inf}, None, ("reward", "weights", "echo")),
        ({"echo": True}, None, ("reward", "weights", "echo")),
        (None, {"nope": {}}, ("reward", "params", "nope")),
        (None, {"format": {"mode": "loose"}}, ("reward", "params", "format", "mode")),
        (None, {"format": {"strict": True}}, ("reward", "params", "format", "strict")),
        (
            None,
            {"format": {"think_prefilled": "yes"}},
            ("reward", "params", "format", "think_prefilled"),
        ),
        (None, {"echo": {"expected": 3}}, ("reward", "params", "echo", "expected")),
    ],
)
def test_invalid_specs_name_the_field(
    fake_registry: VerifierRegistry, weights: dict | None, params: dict | None, loc: tuple
) -> None:
    with pytest.raises(SpecError) as caught:
        build_spec(fake_registry, weights, params)
    assert caught.value.loc == loc


def test_valid_spec_parses_params(fake_registry: VerifierRegistry) -> None:
    spec = build_spec(fake_registry, {"echo": 1, "format": 0}, {"format": {"mode": "strict"}})
    assert spec.weights == {"echo": 1.0, "format": 0.0}
    assert spec.params_for("format", FormatParams) == FormatParams(mode="strict")
    assert spec.params_for("echo", EchoParams) == EchoParams()


def test_params_schema_describes_fields() -> None:
    schema = params_schema(FormatParams)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["mode"] == {
        "enum": ["lenient", "strict", "partial"],
        "default": "lenient",
        "description": "lenient | strict (exact R1 layout) | partial",
    }
    assert schema["properties"]["think_prefilled"]["type"] == "boolean"
