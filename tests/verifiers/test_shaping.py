"""Shaping rewards against hand-computed values."""

from __future__ import annotations

import asyncio
import math

import pytest
from verireward.verifiers import (
    Item,
    RewardSpec,
    ScoringEngine,
    Status,
    VerifierRegistry,
    build_spec,
)
from verireward.verifiers.shaping.length_cosine import LengthCosineParams, LengthCosineVerifier
from verireward.verifiers.shaping.length_group import LengthGroupParams, LengthGroupVerifier
from verireward.verifiers.shaping.overlong import OverlongParams, OverlongVerifier, overlong_penalty
from verireward.verifiers.shaping.reasoning_steps import (
    ReasoningStepsParams,
    ReasoningStepsVerifier,
)
from verireward.verifiers.shaping.repetition import RepetitionParams, RepetitionVerifier
from verireward.verifiers.shaping.text_units import completion_tokens, words


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Step 1: add. Step 2: divide. Step 3: check.", 3),
        ("1. add\n2. divide", 2),
        ("Intro\n- a\n- b\n* c", 3),
        ("First, add. Next, divide. Finally, check.", 3),
        ("Just the answer: 42", 0),
    ],
)
def test_reasoning_steps(text: str, count: int) -> None:
    result = ReasoningStepsVerifier().verify(Item(text), ReasoningStepsParams())
    assert result.details["markers"] == count
    assert result.score == min(1.0, count / 3)


def test_repetition_by_hand() -> None:
    verifier, params = RepetitionVerifier(), RepetitionParams(n=2, max_penalty=-1.0)
    # "a b a b a b": bigrams ab ba ab ba ab -> 5 total, 2 unique -> -(1 - 2/5) = -0.6
    assert verifier.verify(Item("a b a b a b"), params).score == pytest.approx(-0.6)
    assert verifier.verify(Item("one two three four"), params).score == 0.0
    assert verifier.verify(Item("short"), RepetitionParams(n=3)).reason == "too_short_to_repeat"
    # Chinese: each character is a word, so repeated phrases are caught
    chinese = verifier.verify(Item("我们我们我们"), params)
    assert chinese.score == pytest.approx(-(1 - 2 / 5))
    assert words("所以 x=1") == ["所", "以", "x=1"]


def test_overlong_by_hand() -> None:
    assert overlong_penalty(3000, 4096, 1024) == 0.0
    assert overlong_penalty(3072, 4096, 1024) == 0.0
    assert overlong_penalty(3584, 4096, 1024) == pytest.approx(-0.5)
    assert overlong_penalty(4096, 4096, 1024) == pytest.approx(-1.0)
    assert overlong_penalty(5000, 4096, 1024) == -1.0
    item = Item("x", extra={"completion_tokens": 3584})
    result = OverlongVerifier().verify(item, OverlongParams())
    assert result.score == pytest.approx(-0.5) and result.details["token_source"] == (
        "completion_tokens"
    )


def test_token_estimate() -> None:
    assert completion_tokens(Item("abcdefgh")) == (2, "estimate")
    assert completion_tokens(Item("所以ab")) == (3, "estimate")  # 2 Han + ceil(2/4)


def test_length_cosine_by_hand() -> None:
    params = LengthCosineParams(max_length=100)
    verifier = LengthCosineVerifier()

    def reward(tokens: int, accuracy: float) -> float:
        item = Item("x", extra={"completion_tokens": tokens})
        return verifier.verify_batch([item], params, [{"math": accuracy}])[0].score

    assert reward(0, 1.0) == pytest.approx(1.0)  # short correct: max
    assert reward(100, 1.0) == pytest.approx(0.5)  # long correct
    assert reward(50, 1.0) == pytest.approx(0.75)  # cos(pi/2) = 0
    assert reward(0, 0.0) == pytest.approx(-1.0)  # short wrong: punished most
    assert reward(100, 0.0) == pytest.approx(-0.5)
    assert reward(1000, 0.0) == pytest.approx(-0.5)  # clipped at max_length
    (missing,) = verifier.verify_batch([Item("x")], params, [{"format": 1.0}])
    assert missing.status is Status.ERROR and missing.code == "missing_dependency"


def test_length_rewards_read_correctness_from_a_configurable_verifier() -> None:
    item = Item("x", extra={"completion_tokens": 0, "group": "g"})
    judged = LengthCosineParams(max_length=100, correctness_from=("judge",))
    scores = [{"math": 0.0, "judge": 1.0}]
    (cosine,) = LengthCosineVerifier().verify_batch([item], judged, scores)
    assert cosine.score == pytest.approx(1.0)  # the judge said correct; math is ignored
    (default,) = LengthCosineVerifier().verify_batch([item], LengthCosineParams(), scores)
    assert default.score == pytest.approx(-1.0)  # math first by default: wrong
    (missing,) = LengthCosineVerifier().verify_batch([item], judged, [{"math": 1.0}])
    assert missing.code == "missing_dependency" and "judge" in missing.reason
    long_item = Item("x", extra={"completion_tokens": 10, "group": "g"})
    group = LengthGroupVerifier().verify_batch(
        [item, long_item], LengthGroupParams(correctness_from=("judge",)), [{"judge": 1.0}] * 2
    )
    assert [v.score for v in group] == pytest.approx([0.5, -0.5])


def test_length_group_by_hand() -> None:
    verifier = LengthGroupVerifier()
    items = [Item("x", extra={"group": "g", "completion_tokens": n}) for n in (100, 200, 300)]
    items.append(Item("x", extra={"group": "h", "completion_tokens": 50}))
    scores = [{"math": 1.0}, {"math": 0.0}, {"math": 1.0}, {"math": 1.0}]
    results = verifier.verify_batch(items, LengthGroupParams(), scores)
    # group g: min 100, max 300; λ = 0.5 - (L - 100) / 200 -> 0.5, 0.0, -0.5
    assert [r.score for r in results[:3]] == pytest.approx([0.5, 0.0, -0.5])
    assert results[3].score == 0.0  # alone in its group
    wrong_short = verifier.verify_batch(
        items[:2], LengthGroupParams(), [{"math": 0.0}, {"math": 0.0}]
    )
    assert wrong_short[0].score == 0.0  # wrong: min(0, λ)


def test_batch_verifiers_see_accuracy_in_the_engine() -> None:
    from verireward.verifiers.math.verifier import MathVerifier

    registry = VerifierRegistry([MathVerifier(), LengthCosineVerifier(), LengthGroupVerifier()])
    engine = ScoringEngine(registry)
    items = [
        Item("\\boxed{4}", answer="4", extra={"completion_tokens": 0, "group": "q"}),
        Item("\\boxed{5}", answer="4", extra={"completion_tokens": 1000, "group": "q"}),
    ]
    spec = build_spec(registry, {"math": 1.0, "length_cosine": 1.0, "length_group": 1.0})
    short_right, long_wrong = asyncio.run(engine.score(items, spec))
    assert short_right.scores == pytest.approx(
        {"math": 1.0, "length_cosine": 1.0, "length_group": 0.5}
    )
    assert long_wrong.scores == pytest.approx(
        {"math": 0.0, "length_cosine": -0.5, "length_group": -0.5}
    )
    assert short_right.reward == pytest.approx(2.5)
    assert math.isclose(long_wrong.reward, -1.0)
    lone = asyncio.run(engine.score([Item("x")], RewardSpec(weights={"length_cosine": 1.0})))
    assert lone[0].reward is None and lone[0].error.code == "missing_dependency"
