"""``reasoning_steps`` (open-r1): ``min(1, markers / target)``, where markers are ``Step 1:``,
numbered lines, bullets, and First/Second/Next/Finally."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from verireward.verifiers.protocol import Item, Status, Verdict

_MARKERS = re.compile(r"(Step \d+:|^\d+\.|\n-|\n\*|First,|Second,|Next,|Finally,)", re.MULTILINE)


@dataclass(frozen=True)
class ReasoningStepsParams:
    target: int = field(default=3, metadata={"doc": "markers for the full reward"})

    def __post_init__(self) -> None:
        if self.target < 1:
            raise ValueError("target must be >= 1")


class ReasoningStepsVerifier:
    name = "reasoning_steps"
    description = "min(1, step markers / target): Step N:, numbered lines, bullets, First/Next."
    Params = ReasoningStepsParams
    execution = "inline"

    def verify(self, item: Item, params: ReasoningStepsParams) -> Verdict:
        count = len(_MARKERS.findall(item.completion))
        score = min(1.0, count / params.target)
        status = Status.PASS if score == 1.0 else Status.FAIL
        return Verdict(status, score, "step_markers", {"markers": count})
