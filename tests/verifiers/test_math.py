"""The math verifier: the regression table, extraction, safety and pathological inputs."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from verireward.verifiers import (
    Item,
    RewardSpec,
    ScoringEngine,
    Status,
    VerifierRegistry,
    WorkerPool,
)
from verireward.verifiers.math.extract import extract_answer
from verireward.verifiers.math.verifier import MathParams, MathVerifier

from tests.verifiers.math_table import KNOWN_MISSES, ROWS

VERIFIER = MathVerifier()


def verdict(completion: str, reference: str, **params: object):
    return VERIFIER.verify(Item(completion, answer=reference), MathParams(**params))


@pytest.mark.parametrize(
    ("reference", "completion", "expected", "why"),
    [
        pytest.param(*row, marks=pytest.mark.xfail(strict=True, reason=row[3]))
        if row[:2] in KNOWN_MISSES
        else row
        for row in ROWS
    ],
)
def test_regression_table(reference: str, completion: str, expected: bool, why: str) -> None:
    result = verdict(completion, reference)
    assert result.status is not Status.ERROR, result.reason
    assert (result.status is Status.PASS) is expected, (why, result.reason, result.details)


def test_table_is_large_and_balanced() -> None:
    assert len(ROWS) >= 300
    assert sum(not expected for _, _, expected, _ in ROWS) * 2 >= len(ROWS)
    # a known miss may only be a false negative: no false positive is ever tolerated
    assert all(
        expected
        for reference, completion, expected, _ in ROWS
        if (reference, completion) in KNOWN_MISSES
    )


@pytest.mark.parametrize(
    ("completion", "text", "source"),
    [
        ("<think>x</think><answer> 14 </answer>", "14", "answer_tag"),
        ("\\boxed{\\frac{1}{\\sqrt{2}}} and later \\boxed{\\{1,2\\}}", "\\{1,2\\}", "boxed"),
        ("\\boxed{}", None, "boxed"),
        ("The final answer is: 7\nThanks", "7", "phrase"),
        ("Final Answer: **12**", "12", "phrase"),
        ("I computed 3, then 5, then 8", None, "none"),
    ],
)
def test_extraction(completion: str, text: str | None, source: str) -> None:
    extraction = extract_answer(completion)
    assert (extraction.text, extraction.source) == (text, source)


def test_last_number_fallback_only_when_asked() -> None:
    completion = "Adding them gives 1,234 in total"
    assert verdict(completion, "1234").reason == "no_answer"
    assert verdict(completion, "1234", fallback_last_number=True).status is Status.PASS


def test_details_explain_the_verdict() -> None:
    result = verdict("<answer>x = 0.5</answer>", "\\frac{1}{2}")
    assert result.status is Status.PASS
    assert result.reason == "assignment_identical"
    assert result.details == {
        "rule": "assignment_identical",
        "extracted": "x = 0.5",
        "reference": "\\frac{1}{2}",
        "source": "answer_tag",
        "reference_source": "answer",
    }


def test_unparseable_reference_is_an_error_not_a_zero() -> None:
    result = verdict("\\boxed{3}", "\\frac{1}{")
    assert result.status is Status.ERROR and result.code == "reference_unparseable"


def test_missing_reference_is_an_error() -> None:
    result = VERIFIER.quick_verify(Item("\\boxed{3}"), MathParams())
    assert result is not None and result.code == "missing_reference"


HOSTILE = [
    "\\boxed{__import__('os').system('touch {marker}')}",
    "\\boxed{eval(\"open('{marker}','w')\")}",
    "\\boxed{exec('import os; os.system(\"touch {marker}\")')}",
    "<answer>Symbol('x').__class__.__init__.__globals__['os'].system('touch {marker}')</answer>",
    "\\boxed{lambda: open('{marker}', 'w')}",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_answers_are_never_executed(
    template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sympy.parsing.sympy_parser as sympy_parser

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("parse_expr must never see completion text")

    monkeypatch.setattr(sympy_parser, "parse_expr", forbidden)
    marker = tmp_path / "pwned"
    result = verdict(template.replace("{marker}", str(marker)), "1")
    assert result.status is Status.FAIL
    assert not marker.exists()


@pytest.mark.parametrize(
    "answer",
    [
        "9^{9^{9^{9}}}",
        "10^{10^{10}}",
        "\\frac{1}{0}",
        "2^{2^{2^{2^{2^{2}}}}}",
        "99999!",
        "x^{10^{9}}-x^{10^{9}}",
        "+".join(f"x_{i}^{i}" for i in range(600)),
        "(" * 2_000 + ")" * 2_000,
        "\\sqrt{" * 3_000 + "}" * 3_000,
    ],
)
def test_pathological_answers_fail_fast_in_process(answer: str) -> None:
    start = time.perf_counter()
    result = verdict(f"\\boxed{{{answer}}}", "1")
    assert result.status is Status.FAIL
    assert time.perf_counter() - start < 5


@pytest.mark.integration
def test_pathological_batch_through_workers_keeps_deadline() -> None:
    pool = WorkerPool(workers=2, memory_mb=1024)
    engine = ScoringEngine(VerifierRegistry([MathVerifier()]), pool)
    long_expression = "+".join(["x"] * 2_500)  # a 5,000-character expression
    answers = ["9^{9^{9^{9}}}", "10^{10^{10}}", "\\frac{1}{0}", long_expression, "x+1"]
    items = [Item(f"\\boxed{{{a}}}", answer="x+1") for a in answers]
    spec = RewardSpec(weights={"math": 1.0}, params={"math": MathParams(timeout_s=2.0)})
    try:
        start = time.perf_counter()
        results = asyncio.run(engine.score(items, spec))
        assert time.perf_counter() - start < 2.0 + 1.0 + 1.0  # deadline + 1 s, plus start-up
    finally:
        pool.close()
    assert [r.reward for r in results] == [0.0, 0.0, 0.0, 0.0, 1.0]


def test_duplicate_answers_are_checked_once() -> None:
    calls = []

    class CountingMath(MathVerifier):
        def verify(self, item: Item, params: MathParams):
            calls.append(item.completion)
            return super().verify(item, params)

    engine = ScoringEngine(VerifierRegistry([CountingMath()]))
    # 16 completions, 3 distinct final answers, one needing sympy (sqrt)
    completions = [
        f"reasoning {i} \\boxed{{{a}}}"
        for i, a in enumerate(["\\sqrt{4}", "2", "3"] * 5 + ["\\sqrt{4}"])
    ]
    items = [Item(c, answer="2") for c in completions]
    results = asyncio.run(engine.score(items, RewardSpec(weights={"math": 1.0})))
    assert [r.reward for r in results] == [1.0, 1.0, 0.0] * 5 + [1.0]
    assert len(calls) == 1  # only sqrt(4) needed the slow path, once
