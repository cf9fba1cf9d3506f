"""``format``: does a completion follow the R1 template ``<think>..</think><answer>..</answer>``?

Modes:

- ``lenient`` (default): each of the four tags exactly once, in order, reasoning and answer
  non-empty, nothing but whitespace after ``</answer>``.
- ``strict``: the exact R1 line layout ``<think>\\n...\\n</think>\\n<answer>\\n...\\n</answer>``
  (as open-r1's format reward), only whitespace around it.
- ``partial``: 0.25 for each tag present exactly once (open-r1's ``tag_count_reward``).

``think_prefilled`` is for prompts that already end with ``<think>`` (R1-Zero templates and many
chat templates): the completion then starts inside the reasoning and must not repeat the tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from verireward.verifiers.protocol import Item, Status, Verdict

TAGS = ("<think>", "</think>", "<answer>", "</answer>")
_STRICT = re.compile(r"\s*<think>\n(.+?)\n</think>\n<answer>\n(.+?)\n</answer>\s*", re.DOTALL)


@dataclass(frozen=True)
class FormatParams:
    mode: Literal["lenient", "strict", "partial"] = field(
        default="lenient", metadata={"doc": "lenient | strict (exact R1 layout) | partial"}
    )
    think_prefilled: bool = field(
        default=False, metadata={"doc": "the prompt ends with <think>; the completion omits it"}
    )


class FormatVerifier:
    name = "format"
    description = "R1 template check: <think>reasoning</think> then <answer>final</answer>."
    Params = FormatParams
    execution = "inline"

    def verify(self, item: Item, params: FormatParams) -> Verdict:
        text = "<think>" + item.completion if params.think_prefilled else item.completion
        counts = {tag: text.count(tag) for tag in TAGS}
        if params.mode == "partial":
            once = [tag for tag in TAGS if counts[tag] == 1]
            score = 0.25 * len(once)
            status = Status.PASS if score == 1.0 else Status.FAIL
            return Verdict(status, score, "tags_once", {"tags_once": once, "counts": counts})
        repeated = {tag: n for tag, n in counts.items() if n != 1}
        if repeated:
            reason = "missing_tag" if 0 in repeated.values() else "repeated_tag"
            return Verdict.failed(reason, counts=repeated)
        if params.mode == "strict":
            return Verdict.of(_STRICT.fullmatch(text) is not None, reason="r1_layout")
        return _lenient(text)


def _lenient(text: str) -> Verdict:
    think_open, think_close, answer_open, answer_close = (text.index(tag) for tag in TAGS)
    if not think_open < think_close < answer_open < answer_close:
        return Verdict.failed("tags_out_of_order")
    if not text[think_open + len("<think>") : think_close].strip():
        return Verdict.failed("empty_think")
    if not text[answer_open + len("<answer>") : answer_close].strip():
        return Verdict.failed("empty_answer")
    if text[answer_close + len("</answer>") :].strip():
        return Verdict.failed("text_after_answer")
    return Verdict.of(True, "r1_template")
