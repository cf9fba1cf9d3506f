"""tiny-arith: the traces are right, the splits are disjoint, the tokenizer round-trips."""

from __future__ import annotations

import re

import pytest
from verireward.policy_client.arith_task import Problem, make_split, trace, vocabulary_texts
from verireward.policy_client.prompts import R1_ZERO_TEMPLATE

STEP = re.compile(r"(\d)\+(\d)(?:\+(\d))?=(\d+)")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (12, 34, "<think>2+4=6 1+3+0=4</think> <answer>46</answer>"),
        (99, 99, "<think>9+9=18 9+9+1=19</think> <answer>198</answer>"),  # carry into a new digit
        (123, 48, "<think>3+8=11 2+4+1=7 1+0+0=1</think> <answer>171</answer>"),  # uneven widths
        (10, 90, "<think>0+0=0 1+9+0=10</think> <answer>100</answer>"),
    ],
)
def test_trace_is_the_column_sum(a: int, b: int, expected: str) -> None:
    assert trace(Problem(a, b)) == expected


def test_every_step_of_every_trace_is_arithmetic() -> None:
    for problem in make_split(300, 100, seed=3, digits=(2, 3)).train:
        steps = STEP.findall(trace(problem))
        carry = 0
        for x, y, c, total in steps:
            assert int(c or 0) == carry
            assert int(x) + int(y) + carry == int(total)
            carry = int(total) // 10
        assert f"<answer>{problem.a + problem.b}</answer>" in trace(problem)


def test_split_is_disjoint_deterministic_and_sized() -> None:
    split = make_split(500, 100, seed=7)
    assert (len(split.train), len(split.heldout)) == (500, 100)
    pairs = lambda problems: {frozenset((p.a, p.b)) for p in problems}  # noqa: E731
    assert not pairs(split.train) & pairs(split.heldout)  # "a + b" and "b + a" too
    assert all(10 <= p.a <= 99 and 10 <= p.b <= 99 for p in split.train + split.heldout)
    assert make_split(500, 100, seed=7) == split
    assert make_split(500, 100, seed=8) != split
    with pytest.raises(ValueError):
        make_split(2000, 100, digits=(2, 2))  # most of the 8100 pairs: not a real held-out set


def test_record_carries_the_exact_answer() -> None:
    record = Problem(57, 68).record()
    assert record.prompt == "57 + 68"
    assert record.fields == {"answer": "125"}


def test_tiny_tokenizer_round_trips_prompt_and_trace() -> None:
    pytest.importorskip("transformers")
    from verireward.policy_client.tiny_preset import tiny_tokenizer

    tokenizer = tiny_tokenizer(vocabulary_texts())
    text = R1_ZERO_TEMPLATE.format(prompt="57 + 68") + " " + trace(Problem(57, 68))
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert tokenizer.unk_token_id not in ids
    assert tokenizer.decode(ids) == text  # no spaces invented between digits
    pieces = tokenizer.convert_ids_to_tokens(ids)
    assert "<answer>" in pieces and "125" not in pieces and "5" in pieces  # digit by digit
