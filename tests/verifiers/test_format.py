"""The R1 template check, on real-looking completions."""

from __future__ import annotations

import pytest
from verireward.verifiers import Item, Status
from verireward.verifiers.format import FormatParams, FormatVerifier

R1_EXAMPLE = "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>"
R1_STRICT = "<think>\n3 * 4 = 12, 2 + 12 = 14\n</think>\n<answer>\n14\n</answer>"


def check(text: str, **params: object) -> tuple[Status, float, str]:
    verdict = FormatVerifier().verify(Item(text), FormatParams(**params))  # type: ignore[arg-type]
    return verdict.status, verdict.score, verdict.reason


@pytest.mark.parametrize(
    ("completion", "passed", "reason"),
    [
        (R1_EXAMPLE, True, "r1_template"),  # the DeepSeek-R1 walkthrough
        (R1_STRICT, True, "r1_template"),
        (R1_EXAMPLE + "\n\n  ", True, "r1_template"),  # trailing whitespace is fine
        ("<answer>14</answer>", False, "missing_tag"),  # answer alone: no reasoning
        ("<think>12+2</think>", False, "missing_tag"),
        ("<think>a</think><think>b</think><answer>14</answer>", False, "repeated_tag"),
        ("<answer>14</answer><think>checked</think>", False, "tags_out_of_order"),
        ("<think>   \n </think><answer>14</answer>", False, "empty_think"),
        ("<think>2+12</think><answer> </answer>", False, "empty_answer"),
        # the answer tag inside the reasoning: order breaks
        ("<think>so <answer>14</think></answer>", False, "tags_out_of_order"),
        (R1_EXAMPLE + " Hope this helps!", False, "text_after_answer"),
        (R1_EXAMPLE + "<|im_end|>", False, "text_after_answer"),
        ("", False, "missing_tag"),
        ("<THINK>x</THINK><ANSWER>1</ANSWER>", False, "missing_tag"),  # tags are case-sensitive
    ],
)
def test_lenient(completion: str, passed: bool, reason: str) -> None:
    status, score, why = check(completion)
    assert (status is Status.PASS, score, why) == (passed, 1.0 if passed else 0.0, reason)


@pytest.mark.parametrize(
    ("completion", "passed"),
    [
        (R1_STRICT, True),
        (R1_STRICT + "\n", True),
        ("<think>\nmulti\nline\nreasoning\n</think>\n<answer>\n14\n</answer>", True),
        (R1_EXAMPLE, False),  # one line: not the R1 layout
        ("<think>\n3*4=12\n</think>\n\n<answer>\n14\n</answer>", False),  # blank line between
        ("<think>\n3*4=12\n</think>\n<answer>14</answer>", False),
        ("<think>\n3*4=12\n</think>\n<answer>\n14\n</answer>\nextra", False),
        ("<think>\n\n</think>\n<answer>\n14\n</answer>", False),  # layout needs content
    ],
)
def test_strict(completion: str, passed: bool) -> None:
    assert check(completion, mode="strict")[0] is (Status.PASS if passed else Status.FAIL)


@pytest.mark.parametrize(
    ("completion", "score"),
    [
        (R1_EXAMPLE, 1.0),
        ("<answer>14</answer>", 0.5),
        ("<think>reasoning cut off by max_new_tokens", 0.25),
        ("<think>a</think><think>b</think><answer>14</answer>", 0.5),  # repeated: no credit
        ("plain text", 0.0),
    ],
)
def test_partial(completion: str, score: float) -> None:
    assert check(completion, mode="partial")[1] == score


def test_prefilled_think_tag() -> None:
    # The prompt ends with "<think>", so the model starts mid-reasoning.
    assert check("3*4=12\n</think>\n<answer>14</answer>", think_prefilled=True)[0] is Status.PASS
    assert check(R1_EXAMPLE, think_prefilled=True)[2] == "repeated_tag"
