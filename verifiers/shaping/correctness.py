"""Which completions were correct, for rewards that depend on it: the item's accuracy
component from ``math`` or ``code`` in the same request."""

from __future__ import annotations

ACCURACY_VERIFIERS = ("math", "code")


def accuracy(scores: dict[str, float]) -> float | None:
    for name in ACCURACY_VERIFIERS:
        if name in scores:
            return scores[name]
    return None
