"""Score floors and the per-item error model: a failure never scores above an honest attempt,
an exception or a broken contract is that item's internal_error and nobody else's."""

from __future__ import annotations

import asyncio

import pytest
from verireward.verifiers import (
    EngineLimits,
    ErrorCode,
    Item,
    ItemResult,
    ScoringEngine,
    VerifierRegistry,
    WorkerPool,
    build_spec,
    load_registry,
)

from tests.fakes import (
    EchoVerifier,
    OutOfRangeVerifier,
    PenaltySleepVerifier,
    RaiseInWorkerVerifier,
)

LIMIT = 50
LONG = "word " * 40  # 200 characters: over the limit


def score(engine: ScoringEngine, items: list[Item], **spec: object) -> list[ItemResult]:
    built = build_spec(engine.registry, **spec)  # type: ignore[arg-type]
    return asyncio.run(engine.score(items, built))


@pytest.fixture(scope="module")
def installed() -> ScoringEngine:
    return ScoringEngine(load_registry(), limits=EngineLimits(max_completion_chars=LIMIT))


@pytest.mark.parametrize(
    ("verifier", "floor", "honest"),
    [
        ("overlong", -1.0, 0.0),
        ("repetition", -1.0, 0.0),
        ("length_cosine", -1.0, -1.0),
        ("length_group", -0.5, 0.0),
        ("reasoning_steps", 0.0, 0.0),
        ("format", 0.0, 0.0),
    ],
)
def test_too_long_scores_the_floor_of_each_verifier(
    installed: ScoringEngine, verifier: str, floor: float, honest: float
) -> None:
    weights = {verifier: 1.0, "math": 0.0}
    short = Item("no answer here", answer="4", extra={"completion_tokens": 0})
    too_long = Item(LONG, answer="4", extra={"completion_tokens": 0})
    honest_result, long_result = score(installed, [short, too_long], weights=weights)
    assert long_result.scores[verifier] == floor
    assert long_result.details[verifier]["reason"] == "too_long"
    assert long_result.reward == floor  # math weighs 0; its own floor is 0
    assert honest_result.scores[verifier] >= honest >= floor  # exceeding never pays more


def test_floor_follows_the_params(installed: ScoringEngine) -> None:
    params = {"repetition": {"max_penalty": -0.25}}
    (result,) = score(installed, [Item(LONG)], weights={"repetition": 1.0}, params=params)
    assert result.scores["repetition"] == -0.25


def test_broken_contract_is_that_items_internal_error() -> None:
    engine = ScoringEngine(VerifierRegistry([OutOfRangeVerifier(), EchoVerifier()]))
    results = score(engine, [Item("x"), Item("code")], weights={"out_of_range": 1.0})
    assert [r.error.code for r in results] == [ErrorCode.INTERNAL_ERROR] * 2
    assert "outside its declared range" in results[0].error.message
    assert "not an ErrorCode" in results[1].error.message
    (fine,) = score(engine, [Item("yes")], weights={"echo": 1.0})
    assert fine.reward == 1.0


@pytest.mark.integration
def test_worker_failures_score_the_floor_and_raises_stay_per_item() -> None:
    pool = WorkerPool(workers=2, memory_mb=512)
    registry = VerifierRegistry([PenaltySleepVerifier(), RaiseInWorkerVerifier()])
    engine = ScoringEngine(registry, pool)
    try:
        params = {"penalty_sleep": {"timeout_s": 1}}
        items = [Item("30"), Item("hog"), Item("0")]
        stuck, hog, fine = score(engine, items, weights={"penalty_sleep": 1.0}, params=params)
        assert (stuck.reward, stuck.details["penalty_sleep"]["reason"]) == (-1.0, "timeout")
        assert (hog.reward, hog.details["penalty_sleep"]["reason"]) == (-1.0, "memory_limit")
        assert fine.reward == 0.0
        items = [Item("ok"), Item("raise"), Item("ok")]
        results = score(engine, items, weights={"raise_in_worker": 1.0})
        assert [r.reward for r in results] == [1.0, None, 1.0]
        assert results[1].error.code == ErrorCode.INTERNAL_ERROR
        assert "ValueError: a bug in a worker-side plugin" in results[1].error.message
    finally:
        pool.close()
