"""``length_group`` (Kimi k1.5's length penalty), relative to the completions of one group
(the ``group`` item field, else the same ``prompt``) in this request. With the group's
shortest and longest lengths:

    λ = 0.5 - (L - min_len) / (max_len - min_len)
    reward = λ if correct else min(0, λ)

A group whose lengths are all equal (or a lone completion) gets 0. Correctness is the item's
score from the first of ``correctness_from`` (``math``, else ``code``), at least
``correct_threshold``; without one the item is scored as not correct (only the penalty applies).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from verireward.verifiers.protocol import Item, Status, Verdict
from verireward.verifiers.shaping.correctness import DEFAULT_CORRECTNESS, accuracy
from verireward.verifiers.shaping.text_units import completion_tokens


@dataclass(frozen=True)
class LengthGroupParams:
    correct_threshold: float = field(default=1.0, metadata={"doc": "accuracy counted correct"})
    correctness_from: tuple[str, ...] = field(
        default=DEFAULT_CORRECTNESS, metadata={"doc": "verifiers whose score says correct"}
    )


class LengthGroupVerifier:
    name = "length_group"
    description = "Kimi 1.5 group-relative length reward in [-0.5, 0.5] (group or prompt)."
    Params = LengthGroupParams
    execution = "inline"
    batch = True
    score_range = (-0.5, 0.5)

    def verify_batch(
        self, items: list[Item], params: LengthGroupParams, scores: list[dict[str, float]]
    ) -> list[Verdict]:
        lengths = [completion_tokens(item)[0] for item in items]
        groups: dict[object, list[int]] = defaultdict(list)
        for index, item in enumerate(items):
            key = item.extra.get("group", item.prompt)
            groups[("group", str(key)) if key is not None else ("alone", index)].append(index)
        verdicts: list[Verdict] = [Verdict.failed("unscored")] * len(items)
        for members in groups.values():
            shortest = min(lengths[i] for i in members)
            longest = max(lengths[i] for i in members)
            for i in members:
                correct = (
                    accuracy(scores[i], params.correctness_from) or 0.0
                ) >= params.correct_threshold
                if longest == shortest:
                    value = 0.0
                else:
                    value = 0.5 - (lengths[i] - shortest) / (longest - shortest)
                    value = value if correct else min(0.0, value)
                details = {
                    "tokens": lengths[i],
                    "group_min": shortest,
                    "group_max": longest,
                    "group_size": len(members),
                    "correct": correct,
                }
                status = Status.PASS if value >= 0 else Status.FAIL
                verdicts[i] = Verdict(status, value, "group_length", details)
        return verdicts
