"""Weighting, defaults, per-item errors, order, dedupe and worker deadlines."""

from __future__ import annotations

import asyncio
import time

import pytest
from verireward.verifiers import (
    EngineLimits,
    Item,
    ItemResult,
    RewardSpec,
    ScoringEngine,
    VerifierRegistry,
    WorkerPool,
    build_spec,
)

from tests.fakes import EchoVerifier, SleepVerifier

GOOD = "<think>2+2=4</think><answer>4</answer>"


def score(engine: ScoringEngine, items: list[Item], **spec: object) -> list[ItemResult]:
    built = build_spec(engine.registry, **spec)  # type: ignore[arg-type]
    return asyncio.run(engine.score(items, built))


@pytest.fixture
def engine(fake_registry: VerifierRegistry) -> ScoringEngine:
    return ScoringEngine(fake_registry, limits=EngineLimits(max_completion_chars=100))


def test_reward_is_weighted_sum_in_input_order(engine: ScoringEngine) -> None:
    items = [Item("yes", id="a"), Item(GOOD, id="b"), Item("no", id="c")]
    results = score(engine, items, weights={"echo": 2.0, "format": 0.5})
    assert [r.id for r in results] == ["a", "b", "c"]
    assert [r.reward for r in results] == [2.0, 0.5, 0.0]
    assert results[1].scores == {"echo": 0.0, "format": 1.0}
    assert results[0].details["echo"] == {"status": "pass", "reason": "equal", "expected": "yes"}


def test_defaults_follow_item_fields(engine: ScoringEngine) -> None:
    spec = RewardSpec()
    assert spec.weights_for(Item("x")) == {"format": 0.1}
    assert spec.weights_for(Item("x", answer="4", language="en")) == {
        "math": 1.0,
        "format": 0.1,
        "language": 0.2,
    }
    assert spec.weights_for(Item("x", tests={"cases": []})) == {"code": 1.0, "format": 0.1}
    (result,) = score(engine, [Item(GOOD)])
    assert result.reward == pytest.approx(0.1)


def test_default_verifier_not_installed_masks_item(engine: ScoringEngine) -> None:
    (result,) = score(engine, [Item(GOOD, answer="4")])
    assert result.reward is None
    assert result.error is not None and result.error.code == "verifier_unavailable"
    assert result.scores == {"format": 1.0}  # what could be judged is still reported


def test_crashing_verifier_is_one_items_error(engine: ScoringEngine) -> None:
    results = score(engine, [Item("yes"), Item("no")], weights={"broken": 1.0, "echo": 1.0})
    assert all(r.reward is None and r.error.code == "internal_error" for r in results)
    assert "bug in a plugin" in results[0].error.message
    assert results[0].scores == {"echo": 1.0}


def test_unavailable_verifier_gives_typed_error(engine: ScoringEngine) -> None:
    (result,) = score(engine, [Item("yes")], weights={"offline": 1.0})
    assert result.error.code == "verifier_unavailable"
    assert "backend missing" in result.error.message


def test_too_long_completion_scores_zero(engine: ScoringEngine) -> None:
    (long, short) = score(engine, [Item("y" * 101), Item("yes")], weights={"echo": 1.0})
    assert (long.reward, long.details["echo"]["reason"]) == (0.0, "too_long")
    assert short.reward == 1.0


def test_identical_checks_run_once_and_are_cached() -> None:
    echo = EchoVerifier()
    engine = ScoringEngine(VerifierRegistry([echo]))
    items = [Item("yes"), Item("no"), Item("yes"), Item("yes")]
    assert [r.reward for r in score(engine, items, weights={"echo": 1.0})] == [1, 0, 1, 1]
    assert echo.calls == 2
    score(engine, items, weights={"echo": 1.0})
    assert echo.calls == 2  # second batch served from the LRU cache
    score(engine, items, weights={"echo": 1.0}, params={"echo": {"expected": "no"}})
    assert echo.calls == 4  # other params: another cache entry


def test_cache_is_bounded() -> None:
    echo = EchoVerifier()
    engine = ScoringEngine(VerifierRegistry([echo]), limits=EngineLimits(cache_size=2))
    score(engine, [Item(str(i)) for i in range(5)], weights={"echo": 1.0})
    score(engine, [Item("0")], weights={"echo": 1.0})
    assert echo.calls == 6


@pytest.mark.integration
def test_worker_deadline_crash_and_memory_cap() -> None:
    pool = WorkerPool(workers=2, memory_mb=512)
    try:
        engine = ScoringEngine(VerifierRegistry([SleepVerifier()]), pool)
        items = [Item("0"), Item("30"), Item("crash"), Item("hog"), Item("0.1")]
        start = time.perf_counter()
        results = score(engine, items, weights={"sleep": 1.0}, params={"sleep": {"timeout_s": 1}})
        elapsed = time.perf_counter() - start
        assert elapsed < 5, "the stuck worker must be killed at its deadline"
        assert [r.reward for r in results] == [1.0, 0.0, None, 0.0, 1.0]
        assert results[1].details["sleep"]["reason"] == "timeout"
        assert results[2].error.code == "worker_crashed"
        assert results[3].details["sleep"]["reason"] == "memory_limit"
        # the pool replaced its workers and still serves
        (again,) = score(engine, [Item("0")], weights={"sleep": 1.0})
        assert again.reward == 1.0
    finally:
        pool.close()
