"""``overlong`` (DAPO's soft overlong punishment) on the completion's length L in tokens:

    0                              if L <= max_length - cache_length
    ((max_length - cache_length) - L) / cache_length   if L <= max_length   (0 down to -1)
    -1                             otherwise

L is the item's ``completion_tokens`` (sent by the trainer) or the documented estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from verireward.verifiers.protocol import Item, Status, Verdict
from verireward.verifiers.shaping.text_units import completion_tokens


@dataclass(frozen=True)
class OverlongParams:
    max_length: int = field(default=4096, metadata={"doc": "L_max in tokens"})
    cache_length: int = field(default=1024, metadata={"doc": "L_cache: the soft band"})

    def __post_init__(self) -> None:
        if not 0 < self.cache_length <= self.max_length:
            raise ValueError("need 0 < cache_length <= max_length")


def overlong_penalty(length: int, max_length: int, cache_length: int) -> float:
    free = max_length - cache_length
    if length <= free:
        return 0.0
    if length <= max_length:
        return (free - length) / cache_length
    return -1.0


class OverlongVerifier:
    name = "overlong"
    description = "DAPO soft overlong punishment in [-1, 0] on the completion's token count."
    Params = OverlongParams
    execution = "inline"
    score_range = (-1.0, 0.0)

    def verify(self, item: Item, params: OverlongParams) -> Verdict:
        length, source = completion_tokens(item)
        score = overlong_penalty(length, params.max_length, params.cache_length)
        status = Status.PASS if score == 0 else Status.FAIL
        return Verdict(status, score, "length", {"tokens": length, "token_source": source})
