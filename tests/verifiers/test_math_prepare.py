"""Extraction once per item (the ``prepare`` hook), and the quick path agreeing with the worker.

The engine calls ``MathVerifier.prepare`` once per item in the service; the cache key, the
quick path and the worker read the prepared strings, and the worker never sees the completion.
The counts are taken in both processes: here by patching the module, in the worker by
``math_counting.counting_in_worker`` standing in for the engine's worker entry point.
"""

from __future__ import annotations

import asyncio
import pickle
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from verireward.verifiers import (
    Item,
    RewardSpec,
    ScoringEngine,
    Verdict,
    VerifierRegistry,
    WorkerPool,
    outcomes,
)
from verireward.verifiers.errors import RegistryError
from verireward.verifiers.math import verifier as math_module
from verireward.verifiers.math.verifier import MathParams, MathVerifier, PreparedItem

from tests.verifiers.math_corpus import completions, corpus
from tests.verifiers.math_counting import counting_in_worker

SPEC = RewardSpec(weights={"math": 1.0})
LONG = "Let me reason about this carefully. " * 40  # ~1,400 characters of reasoning


def counted(monkeypatch: pytest.MonkeyPatch, name: str) -> Counter:
    counts: Counter = Counter()
    original = getattr(math_module, name)

    def call(*args: Any, **kwargs: Any) -> Any:
        counts[args[0]] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(math_module, name, call)
    return counts


def group_items() -> list[Item]:
    """Two GRPO-like groups: repeated answers, answers that need sympy, a wrong one, a box-less
    one, and an item without a reference."""
    answers = ["\\frac{1}{2}", "0.5", "\\sqrt{4}/4", "\\frac{2}{4}", "\\pi/6", "3", "x+1"]
    items = [
        Item(f"{LONG} attempt {i}: $\\boxed{{{answers[i % len(answers)]}}}$", answer="1/2")
        for i in range(16)
    ]
    items += [
        Item(f"{LONG} try {i} \\boxed{{{a}}}", answer="\\frac{x^2-1}{x-1}")
        for i, a in enumerate(["x+1", "1+x", "(x^2-1)/(x-1)", "x-1", "x+1"])
    ]
    items += [Item(f"{LONG} no box at all"), Item(f"{LONG} so 3", answer="3")]
    return items


def test_extraction_runs_once_per_item_through_the_engine_and_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extractions = counted(monkeypatch, "extract_answer")
    monkeypatch.setattr(outcomes, "in_worker", counting_in_worker)
    items = group_items()
    pool = WorkerPool(workers=2)
    engine = ScoringEngine(VerifierRegistry([MathVerifier()]), pool)
    try:
        results = asyncio.run(engine.score(items, SPEC))
        again = asyncio.run(engine.score(items, SPEC))  # every check cached this time
    finally:
        pool.close()
    graded = [i for i in items if i.answer is not None]
    # one extraction per item with a reference, per request: duplicates and cached items too
    assert sum(extractions.values()) == 2 * len(graded)
    assert all(extractions[i.completion] == 2 for i in graded)
    remote = [r.details["math"] for r in results if "worker_extractions" in r.details["math"]]
    assert len(remote) >= 3  # sqrt(4)/4, pi/6 and the rational function went to a worker
    assert {d["worker_extractions"] for d in remote} == {0}
    assert {d["worker_normalizations"] for d in remote} == {0}
    assert {d["worker_completion_chars"] for d in remote} == {0}
    assert [r.reward for r in results] == [r.reward for r in again]
    assert [r.reward for r in results[:7]] == [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]
    assert [r.reward for r in results[16:21]] == [1.0, 1.0, 1.0, 0.0, 1.0]
    assert results[21].error is not None and results[21].error.code == "missing_reference"
    assert results[22].reward == 0.0 and results[22].details["math"]["reason"] == "no_answer"


def test_normalization_once_per_item_and_once_per_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    math_module._read_reference.cache_clear()
    normalized = counted(monkeypatch, "normalize")
    items = [Item(f"{LONG} {i} \\boxed{{{i % 3}}}", answer="\\dfrac{4}{2}") for i in range(16)]
    engine = ScoringEngine(VerifierRegistry([MathVerifier()]))
    results = asyncio.run(engine.score(items, SPEC))
    assert [r.reward for r in results] == [0.0, 0.0, 1.0] * 5 + [0.0]
    # 16 answers, and the reference the 16 share once
    assert sum(normalized.values()) == 17
    assert normalized["\\dfrac{4}{2}"] == 1


def test_prepared_item_carries_the_strings_not_the_completion() -> None:
    item = Item(f"{LONG} \\boxed{{\\dfrac{{1}}{{2}}}}", id=7, answer="0.5")
    prepared = MathVerifier().prepare(item, MathParams())
    assert isinstance(prepared, PreparedItem) and prepared.completion == ""
    assert prepared.id == 7
    assert MathVerifier().cache_key(prepared, MathParams()) == ("\\frac{1}{2}", "0.5")
    assert len(pickle.dumps(prepared)) < 400 < len(LONG) < len(pickle.dumps(item))
    assert MathVerifier().prepare(prepared, MathParams()) is prepared  # idempotent
    # the same verdict from the raw item and the prepared one
    raw = MathVerifier().verify(item, MathParams())
    assert MathVerifier().verify(prepared, MathParams()) == raw
    assert raw.reason == "rational_fast_path"
    with pytest.raises(ValueError, match="other params"):
        MathVerifier().verify(prepared, MathParams(fallback_last_number=True))


def test_a_prepare_that_raises_leaves_the_item_as_sent() -> None:
    class Flaky(MathVerifier):
        def prepare(self, item: Item, params: MathParams) -> Item:
            raise RuntimeError("bug in prepare")

    engine = ScoringEngine(VerifierRegistry([Flaky()]))
    items = [Item("\\boxed{2}", answer="2"), Item("\\boxed{3}", answer="2")]
    assert [r.reward for r in asyncio.run(engine.score(items, SPEC))] == [1.0, 0.0]


@dataclass(frozen=True)
class _Params:
    pass


class _Base:
    description = "test"
    Params = _Params
    execution = "inline"

    def verify(self, item: Item, params: Any) -> Verdict:
        return Verdict.of(True, "ok")


def test_prepare_is_a_declared_hook_checked_at_registration() -> None:
    class WrongSignature(_Base):
        name = "wrong"

        def prepare(self, item: Item) -> Item:
            return item

    class OnABatchVerifier(_Base):
        name = "batched"
        batch = True

        def verify_batch(self, items: list, params: Any, scores: list) -> list:
            return [Verdict.of(True, "ok")] * len(items)

        def prepare(self, item: Item, params: Any) -> Item:
            return item

    class Misspelt(_Base):
        name = "misspelt"

        def preprare(self, item: Item, params: Any) -> Item:
            return item

    with pytest.raises(RegistryError, match="prepare"):
        VerifierRegistry([WrongSignature()])
    with pytest.raises(RegistryError, match="per-item"):
        VerifierRegistry([OnABatchVerifier()])
    with pytest.raises(RegistryError, match="did you mean 'prepare'"):
        VerifierRegistry([Misspelt()])


def _pairs() -> list[tuple[str, str]]:
    """(completion, reference) pairs as a GRPO batch makes them: real completions against
    their own and other problems' references, kind-crossing answers, and a corpus sample."""
    rows = completions()
    references = sorted({r["reference"] for r in rows})
    pairs = [(r["completion"], ref) for r in rows[::8] for ref in references[::7]]
    odd = ["A", "E", "e", "I", "i", "J", "K", "16:30", "04:30", "4:30", "16:31", "(B)", "3"]
    for answer in odd:
        for reference in ["3", "0.5", "2.72", "3+4i", "16:30", "\\text{4:30 p.m.}", "B", "-i"]:
            pairs.append((f"\\boxed{{{answer}}}", reference))
    pairs += [(i.completion, i.reference) for i in corpus()[::60]]
    return pairs


def test_quick_path_decides_as_the_worker_would() -> None:
    """Every pair the quick path decides (beyond identical strings, which need no reading)
    gets the same pass/fail from the worker's sympy path, and the kind rules (a time or a
    capital letter against a number) the same rule too."""
    params = MathParams()
    decided = kinds = 0
    disagree = []
    for completion, reference in _pairs():
        prepared = math_module._prepared_of(Item(completion, answer=reference), params)
        quick = math_module._quick(prepared)
        if quick is None or prepared.answer is None or quick.reason == "string_match":
            continue
        slow = math_module._with_sympy(prepared)
        decided += 1
        if slow.status != quick.status:
            disagree.append((prepared.answer, prepared.reference.text, quick.reason, slow.reason))
        if quick.details.get("rule") == "value":  # only the kind rules answer "value" here
            kinds += 1
            if slow.details.get("rule") != "value":
                disagree.append((prepared.answer, prepared.reference.text, "value", slow.reason))
    assert not disagree, disagree
    assert decided > 1_000 and kinds > 40, (decided, kinds)
