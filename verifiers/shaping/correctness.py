"""Which completions were correct, for rewards that depend on it: the item's score from the
first verifier of the ``correctness_from`` param (default ``math`` then ``code``) scored in the
same request, so a judge or a plugin's accuracy reward can stand in for them."""

from __future__ import annotations

from collections.abc import Iterable

DEFAULT_CORRECTNESS = ("math", "code")


def accuracy(scores: dict[str, float], names: Iterable[str] = DEFAULT_CORRECTNESS) -> float | None:
    for name in names:
        if name in scores:
            return scores[name]
    return None
