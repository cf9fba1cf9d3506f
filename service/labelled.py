"""Items that carry a raw dataset ``label``: read it once (``verifiers.labels``), score, and turn
a label that gives no reference into a typed, maskable error for that item only."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

from fastapi import Request, Response
from verireward.service.admission import score_admitted
from verireward.verifiers import Item, ItemError, ItemResult, RewardSpec
from verireward.verifiers.labels import Reference, read_label

log = logging.getLogger("verireward")
REFERENCE_VERIFIERS = ("math", "code")


def needs_reference(spec: RewardSpec) -> bool:
    """Defaults score correctness when there is a reference; explicit weights say so by name."""
    if spec.weights is None:
        return True
    return any(spec.weights.get(name, 0.0) > 0 for name in REFERENCE_VERIFIERS)


def with_label(item: Item, label: Any, spec: RewardSpec) -> tuple[Item, Reference | None]:
    """The item with its label read into ``answer``/``tests``; an explicit field wins."""
    if label is None or item.answer is not None or item.tests is not None:
        return item, None
    if not needs_reference(spec):
        return item, None
    reference = read_label(label)
    if reference.problem is not None:
        return item, reference
    return dataclasses.replace(item, answer=reference.answer, tests=reference.tests), None


async def score_labelled(
    request: Request,
    items: list[Item],
    problems: Sequence[Reference | None],
    spec: RewardSpec,
) -> list[ItemResult] | Response:
    """Score every item; one whose label gave no reference keeps its other scores (format...)
    but gets ``reward: null`` and the label's problem as its error code."""
    results = await score_admitted(request, items, spec)
    if isinstance(results, Response):
        return results
    for result, problem in zip(results, problems, strict=True):
        if problem is not None:
            result.reward = None
            result.error = ItemError(problem.problem or "unreadable_label", problem.message)
            result.details["label"] = {"status": "error", "reason": problem.problem}
    return results
