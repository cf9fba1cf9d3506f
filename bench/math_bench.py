"""Our math verifier vs Math-Verify, same inputs, same run.

1. The regression table (tests/verifiers/math_table.py): accuracy, false positives, false
   negatives for both graders.
2. A GRPO-shaped workload: 256 prompts x 16 completions with realistic duplicate answers, a few
   pathological ones; items/s for Math-Verify called per completion (as reward functions do)
   and for our engine as the service runs it (quick path, dedupe, 2 worker processes).

    .venv/bin/python bench/math_bench.py          (needs the `bench` extra: math-verify)
"""

from __future__ import annotations

import asyncio
import logging
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from math_verify import parse, verify
from verireward.verifiers import (
    Item,
    RewardSpec,
    ScoringEngine,
    Status,
    VerifierRegistry,
    WorkerPool,
)
from verireward.verifiers.math.verifier import MathParams, MathVerifier

from tests.verifiers.math_table import ROWS


def math_verify_grade(reference: str, completion: str) -> bool:
    try:
        return bool(verify(parse(f"${reference}$"), parse(completion)))
    except Exception:
        return False


def ours_grade(reference: str, completion: str) -> bool:
    result = MathVerifier().verify(Item(completion, answer=reference), MathParams())
    return result.status is Status.PASS


def table_scores(grade) -> tuple[float, int, int]:
    fp = fn = correct = 0
    for reference, completion, expected, _ in ROWS:
        got = grade(reference, completion)
        correct += got == expected
        fp += got and not expected
        fn += expected and not got
    return correct / len(ROWS), fp, fn


# Reference answer -> (other correct spellings, plausible wrong answers)
PROBLEMS = [
    ("14", ["14", "14.0"], ["12", "15", "13"]),
    ("\\frac{1}{2}", ["0.5", "\\dfrac{1}{2}", "1/2"], ["\\frac{1}{3}", "2", "0.25"]),
    ("2\\sqrt{3}", ["\\sqrt{12}", "2 \\sqrt{3}"], ["3\\sqrt{2}", "\\sqrt{6}", "4"]),
    ("(1,2]", ["1 < x \\le 2", "(1, 2]"], ["[1,2]", "(1,2)"]),
    ("x^2+2x+1", ["(x+1)^2", "1+2x+x^2"], ["(x-1)^2", "x^2+1"]),
    ("\\frac{\\pi}{4}", ["\\pi/4", "\\frac14\\pi"], ["\\frac{\\pi}{2}", "45", "0.785"]),
    ("3,5", ["5, 3", "x=3, x=5"], ["3", "3, 4", "5"]),
    ("1024", ["2^{10}", "1,024"], ["1000", "512", "2048"]),
    ("B", ["(B)", "\\text{B}"], ["A", "C", "D"]),
    ("-\\frac{3}{4}", ["-0.75", "\\frac{-3}{4}"], ["\\frac{3}{4}", "-\\frac{4}{3}"]),
]
PATHOLOGICAL = ["9^{9^{9^{9}}}", "10^{10^{10}}", "+".join(["x"] * 2_500), "\\frac{1}{0}"]


def grpo_workload(prompts: int = 256, group: int = 16, seed: int = 0) -> list[Item]:
    chooser = random.Random(seed)
    items = []
    for p in range(prompts):
        reference, spellings, wrong = PROBLEMS[p % len(PROBLEMS)]
        for g in range(group):
            roll = chooser.random()
            if roll < 0.45:
                answer = reference
            elif roll < 0.65:
                answer = chooser.choice(spellings)
            else:
                answer = chooser.choice(wrong)
            reasoning = f"<think>prompt {p}, sample {g}: working it out...</think>"
            items.append(Item(f"{reasoning} <answer>{answer}</answer>", answer=reference))
    for index, answer in enumerate(PATHOLOGICAL):  # a few degenerate samples
        slot = (index * 997) % len(items)
        items[slot] = Item(f"<think>...</think> <answer>{answer}</answer>", answer="14")
    return items


def time_math_verify(items: list[Item]) -> float:
    start = time.perf_counter()
    for item in items:
        math_verify_grade(item.answer or "", item.completion)
    return time.perf_counter() - start


def time_ours(items: list[Item], batch: int = 256) -> float:
    pool = WorkerPool(workers=2)
    engine = ScoringEngine(VerifierRegistry([MathVerifier()]), pool)
    spec = RewardSpec(weights={"math": 1.0})
    asyncio.run(engine.score([Item("\\boxed{\\sqrt{4}}", answer="7")], spec))  # workers up
    start = time.perf_counter()

    async def run() -> None:
        for offset in range(0, len(items), batch):
            await engine.score(items[offset : offset + batch], spec)

    asyncio.run(run())
    elapsed = time.perf_counter() - start
    pool.close()
    return elapsed


def main() -> None:
    logging.disable(logging.CRITICAL)  # Math-Verify logs every parse failure and timeout
    ours = table_scores(ours_grade)
    theirs = table_scores(math_verify_grade)
    print(f"Regression table ({len(ROWS)} rows, {sum(not r[2] for r in ROWS)} not equal)\n")
    print("| grader | accuracy | false positives | false negatives |")
    print("|---|---|---|---|")
    print(f"| verireward math | {ours[0]:.1%} | {ours[1]} | {ours[2]} |")
    print(f"| Math-Verify | {theirs[0]:.1%} | {theirs[1]} | {theirs[2]} |")
    items = grpo_workload()
    mv_seconds = time_math_verify(items)
    our_seconds = time_ours(items)
    print(f"\nGRPO-shaped workload ({len(items)} items: 256 prompts x 16, batches of 256)\n")
    print("| grader | seconds | items/s | vs Math-Verify |")
    print("|---|---|---|---|")
    print(
        f"| Math-Verify (per completion) | {mv_seconds:.2f} | {len(items) / mv_seconds:,.0f} "
        "| 1.0x |"
    )
    print(
        f"| verireward engine (2 workers) | {our_seconds:.2f} | "
        f"{len(items) / our_seconds:,.0f} | {mv_seconds / our_seconds:.1f}x |"
    )


if __name__ == "__main__":
    main()
