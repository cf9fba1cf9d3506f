"""``repetition`` (open-r1, after Kimi/Demystifying-long-CoT): an n-gram repetition penalty
``max_penalty * (1 - unique n-grams / n-grams)`` in ``[max_penalty, 0]``. Words are whitespace
words with each CJK character its own word, so Chinese text is penalised too."""

from __future__ import annotations

from dataclasses import dataclass, field

from verireward.verifiers.protocol import Item, Status, Verdict
from verireward.verifiers.shaping.text_units import words


@dataclass(frozen=True)
class RepetitionParams:
    n: int = field(default=3, metadata={"doc": "n-gram size"})
    max_penalty: float = field(default=-1.0, metadata={"doc": "score of a fully repeated text"})

    def __post_init__(self) -> None:
        if self.n < 1 or self.max_penalty > 0:
            raise ValueError("n must be >= 1 and max_penalty <= 0")


class RepetitionVerifier:
    name = "repetition"
    description = "n-gram repetition penalty in [max_penalty, 0] (CJK-aware words)."
    Params = RepetitionParams
    execution = "inline"

    def score_range(self, params: RepetitionParams) -> tuple[float, float]:
        return params.max_penalty, 0.0

    def verify(self, item: Item, params: RepetitionParams) -> Verdict:
        tokens = [w.lower() for w in words(item.completion)]
        if len(tokens) < params.n:
            return Verdict(Status.PASS, 0.0, "too_short_to_repeat", {"words": len(tokens)})
        ngrams = [tuple(tokens[i : i + params.n]) for i in range(len(tokens) - params.n + 1)]
        repeated = 1.0 - len(set(ngrams)) / len(ngrams)
        score = params.max_penalty * repeated
        status = Status.PASS if score == 0 else Status.FAIL
        return Verdict(
            status, score, "ngram_repetition", {"ngrams": len(ngrams), "unique": len(set(ngrams))}
        )
