"""Rewards leave the service rounded: ``0.1 + 0.2`` is sent as ``0.3``, not ``0.30000000000000004``.

Six decimals keep every distinction a reward can make (a pass ratio of 1/7, a length penalty of
one token in 4096 is 2.4e-4) while hiding the float noise of a weighted sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

DECIMALS = 6


def round_results(results: Iterable[Any]) -> None:
    """Round ``reward`` and every ``scores`` value of engine results, in place."""
    for result in results:
        if result.reward is not None:
            result.reward = round(result.reward, DECIMALS)
        scores = result.scores
        for name, value in scores.items():
            scores[name] = round(value, DECIMALS)
