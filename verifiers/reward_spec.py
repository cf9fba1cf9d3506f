"""Which verifiers score an item and with what weight: the request's spec or the defaults.

Defaults (when a request carries no ``weights``), following DeepSeek-R1's accuracy + format
(+ language consistency) reward:

    math      1.0  if the item has ``answer``
    code      1.0  if the item has ``tests``
    format    0.1  always
    language  0.2  if the item has ``language``

A default naming a verifier that is not installed still applies: the item then gets a
``verifier_unavailable`` error rather than a silently smaller reward.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from verireward.verifiers.errors import SpecError
from verireward.verifiers.params import ParamError, parse_params
from verireward.verifiers.protocol import Item

DEFAULT_WEIGHTS: tuple[tuple[str, float, str | None], ...] = (
    ("math", 1.0, "answer"),
    ("code", 1.0, "tests"),
    ("format", 0.1, None),
    ("language", 0.2, "language"),
)


@dataclass(frozen=True)
class RewardSpec:
    """Validated weights (``None``: defaults per item) and parsed params per verifier."""

    weights: Mapping[str, float] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def weights_for(self, item: Item) -> dict[str, float]:
        if self.weights is not None:
            return dict(self.weights)
        return {
            name: weight
            for name, weight, needs in DEFAULT_WEIGHTS
            if needs is None or getattr(item, needs) is not None
        }

    def params_for(self, name: str, params_type: type) -> Any:
        return self.params.get(name) or params_type()


def build_spec(
    installed: Mapping[str, Any],
    weights: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> RewardSpec:
    """Check a request's reward spec against the installed verifiers; raise ``SpecError``."""
    if weights is not None:
        for name, weight in weights.items():
            loc = ("reward", "weights", name)
            if name not in installed:
                raise SpecError(loc, f"no verifier named {name!r}; installed: {sorted(installed)}")
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise SpecError(loc, "weight must be a number")
            if not math.isfinite(weight) or weight < 0:
                raise SpecError(loc, f"weight must be finite and >= 0, got {weight}")
        weights = {name: float(w) for name, w in weights.items()}
    parsed: dict[str, Any] = {}
    for name, raw in (params or {}).items():
        if name not in installed:
            raise SpecError(("reward", "params", name), f"no verifier named {name!r}")
        try:
            parsed[name] = parse_params(installed[name].Params, raw)
        except ParamError as exc:
            loc = ("reward", "params", name) + ((exc.key,) if exc.key else ())
            raise SpecError(loc, str(exc)) from exc
    return RewardSpec(weights=weights, params=parsed)
