"""``length_cosine`` (open-r1, from "Demystifying Long Chain-of-Thought Reasoning"): a
cosine-scaled length reward that depends on correctness. With ``p = min(L, max_length) /
max_length`` and ``c = cos(p·π)``:

    correct:  min_correct + ½ (max_correct - min_correct)(1 + c)    (short: 1.0 → long: 0.5)
    wrong:    max_wrong  + ½ (min_wrong  - max_wrong)(1 + c)        (short: -1.0 → long: -0.5)

so shorter correct answers earn more and longer wrong ones are punished less. Correctness is
the item's score from the first of ``correctness_from`` (``math``, else ``code``) in the same
request, at least ``correct_threshold``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from verireward.verifiers.errors import ErrorCode
from verireward.verifiers.protocol import Item, Status, Verdict
from verireward.verifiers.shaping.correctness import DEFAULT_CORRECTNESS, accuracy
from verireward.verifiers.shaping.text_units import completion_tokens


@dataclass(frozen=True)
class LengthCosineParams:
    max_length: int = field(default=1000, metadata={"doc": "length (tokens) of the far end"})
    min_correct: float = 0.5
    max_correct: float = 1.0
    min_wrong: float = -1.0
    max_wrong: float = -0.5
    correct_threshold: float = field(default=1.0, metadata={"doc": "accuracy counted correct"})
    correctness_from: tuple[str, ...] = field(
        default=DEFAULT_CORRECTNESS, metadata={"doc": "verifiers whose score says correct"}
    )

    def __post_init__(self) -> None:
        if self.max_length < 1:
            raise ValueError("max_length must be >= 1")


def cosine_length_reward(length: int, correct: bool, params: LengthCosineParams) -> float:
    cosine = math.cos(min(length, params.max_length) / params.max_length * math.pi)
    low, high = (
        (params.min_correct, params.max_correct)
        if correct
        else (params.max_wrong, params.min_wrong)
    )
    return low + 0.5 * (high - low) * (1.0 + cosine)


class LengthCosineVerifier:
    name = "length_cosine"
    description = (
        "Cosine-scaled length reward: short correct earns most, long wrong least punished."
    )
    Params = LengthCosineParams
    execution = "inline"
    batch = True

    def score_range(self, params: LengthCosineParams) -> tuple[float, float]:
        ends = (params.min_correct, params.max_correct, params.min_wrong, params.max_wrong)
        return min(ends), max(ends)

    def verify_batch(
        self, items: list[Item], params: LengthCosineParams, scores: list[dict[str, float]]
    ) -> list[Verdict]:
        verdicts = []
        for item, item_scores in zip(items, scores, strict=True):
            correctness = accuracy(item_scores, params.correctness_from)
            if correctness is None:
                names = " or ".join(params.correctness_from)
                verdicts.append(
                    Verdict.error(
                        ErrorCode.MISSING_DEPENDENCY,
                        f"length_cosine needs a {names} score in the request",
                    )
                )
                continue
            length, source = completion_tokens(item)
            correct = correctness >= params.correct_threshold
            score = cosine_length_reward(length, correct, params)
            verdicts.append(
                Verdict(
                    Status.PASS if correct else Status.FAIL,
                    score,
                    "cosine_length",
                    {"tokens": length, "token_source": source, "correct": correct},
                )
            )
        return verdicts
