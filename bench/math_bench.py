"""Our math verifier vs Math-Verify, same inputs, same run.

1. The regression table (tests/verifiers/math_table.py): accuracy, false positives, negatives.
2. The real-data corpus (tests/verifiers/math_corpus.py, public benchmark references turned
   into equal rewrites and wrong variants): accuracy, false positives, false negatives, and the
   real references each grader cannot grade at all (null).
3. 800 real Qwen2.5-Math completions of 100 MATH problems: agreement with the Qwen2.5-Math
   grader's verdicts shipped with them.
4. A GRPO workload through HTTP: 100 prompts x 16 real completions (thousands of characters of
   reasoning each, 40% right), Math-Verify called per completion as reward functions do, our
   service (``verireward serve``, 2 worker processes, a fresh one each round) over loopback
   through the trainer's ``RewardClient`` in requests of 256 items; the two take turns.

    .venv/bin/python bench/math_bench.py [--sample N, default 20] [--rounds R, default 5]
        [--grpo-only]                                             (needs the `bench` extra)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from math_verify import parse, verify
from verireward.policy_client.reward_client import ClientOptions, RewardClient
from verireward.verifiers import Item, RewardSpec, ScoringEngine, VerifierRegistry, WorkerPool
from verireward.verifiers.math.verifier import MathParams, MathVerifier

from bench.live_service import start_server
from tests.verifiers.math_corpus import completions, corpus, references
from tests.verifiers.math_table import ROWS


def math_verify_grade(reference: str, completion: str) -> bool:
    try:
        return bool(verify(_gold(reference), parse(completion)))
    except Exception:
        return False


@lru_cache(maxsize=8192)
def _gold(reference: str) -> list:
    """Math-Verify's best reading of a reference: a solution (``\\boxed``, ``####``, long
    text) as written, an answer inside ``$...$`` (as before), each falling back to the other."""
    solution = "\\boxed" in reference or "####" in reference or len(reference) > 200
    tries = (reference, f"${reference}$") if solution else (f"${reference}$", reference)
    for text in tries:
        try:
            parsed = parse(text)
        except Exception:
            continue
        if parsed:
            return parsed
    return []


def ours_all(pairs: list[tuple[str, str]]) -> list[float | None]:
    """Our rewards (None: reference ungradable) as the service computes them."""
    pool = WorkerPool(workers=2)
    engine = ScoringEngine(VerifierRegistry([MathVerifier()]), pool)
    spec = RewardSpec(weights={"math": 1.0}, params={"math": MathParams()})

    async def run() -> list[float | None]:
        rewards: list[float | None] = []
        for start in range(0, len(pairs), 512):
            batch = [Item(c, answer=r) for r, c in pairs[start : start + 512]]
            rewards += [x.reward for x in await engine.score(batch, spec)]
        return rewards

    try:
        return asyncio.run(run())
    finally:
        pool.close()


def scores(expected: list[bool], got: list[bool | None]) -> tuple[float, int, int, int]:
    right = sum(g is not None and g == e for e, g in zip(expected, got, strict=True))
    fp = sum(bool(g) and not e for e, g in zip(expected, got, strict=True))
    fn = sum(e and not g for e, g in zip(expected, got, strict=True))
    nulls = sum(g is None for g in got)
    return right / len(expected), fp, fn, nulls


def table_section() -> None:
    pairs = [(r, c) for r, c, _, _ in ROWS]
    expected = [e for _, _, e, _ in ROWS]
    ours = [None if x is None else x == 1.0 for x in ours_all(pairs)]
    theirs = [math_verify_grade(r, c) for r, c in pairs]
    print(f"Regression table ({len(ROWS)} rows, {expected.count(False)} not equal)\n")
    print("| grader | accuracy | false positives | false negatives |")
    print("|---|---|---|---|")
    for name, got in (("verireward math", ours), ("Math-Verify", theirs)):
        accuracy, fp, fn, _ = scores(expected, got)
        print(f"| {name} | {accuracy:.1%} | {fp} | {fn} |")


def corpus_section(sample: int) -> None:
    items = corpus()[::sample]
    rows = references()[::sample]
    expected = [i.expected for i in items]
    start = time.perf_counter()
    rewards = ours_all([(i.reference, i.completion) for i in items])
    ours_seconds = time.perf_counter() - start
    ours = [None if r is None else r == 1.0 for r in rewards]
    start = time.perf_counter()
    theirs = [math_verify_grade(i.reference, i.completion) for i in items]
    theirs_seconds = time.perf_counter() - start
    our_nulls = sum(r is None for r in ours_all([(r["reference"], "\\boxed{1}") for r in rows]))
    their_nulls = sum(not _gold(r["reference"]) for r in rows)
    datasets = Counter(r["dataset"] for r in rows)
    print(
        f"\nReal-data corpus: {len(items)} items ({expected.count(False)} not equal) from "
        f"{len(rows)} references ({', '.join(f'{k} {v}' for k, v in datasets.items())})\n"
    )
    print("| grader | accuracy | false positives | false negatives | null references | s |")
    print("|---|---|---|---|---|---|")
    for name, got, nulls, seconds in (
        ("verireward math", ours, our_nulls, ours_seconds),
        ("Math-Verify", theirs, their_nulls, theirs_seconds),
    ):
        accuracy, fp, fn, _ = scores(expected, got)
        share = nulls / len(rows)
        print(f"| {name} | {accuracy:.2%} | {fp} | {fn} | {nulls} ({share:.2%}) | {seconds:.0f} |")


def real_completions_section() -> None:
    rows = completions()
    labels = [r["qwen_grader"] for r in rows]
    ours = [r == 1.0 for r in ours_all([(r["reference"], r["completion"]) for r in rows])]
    theirs = [math_verify_grade(r["reference"], r["completion"]) for r in rows]
    print(f"\nReal completions: {len(rows)} Qwen2.5-Math outputs, {labels.count(True)} graded")
    print("correct by the Qwen2.5-Math grader that shipped them\n")
    print(
        "| grader | agrees with the Qwen grader | accepts, Qwen rejects | rejects, Qwen accepts |"
    )
    print("|---|---|---|---|")
    for name, got in (("verireward math", ours), ("Math-Verify", theirs)):
        agree = sum(g == e for g, e in zip(got, labels, strict=True))
        extra = sum(g and not e for g, e in zip(got, labels, strict=True))
        missing = sum(e and not g for g, e in zip(got, labels, strict=True))
        print(f"| {name} | {agree / len(rows):.1%} | {extra} | {missing} |")


def grpo_workload(seed: int = 0) -> list[dict]:
    """100 prompts x 16 real completions, 40% right: right ones are this problem's correct
    completions, wrong ones its wrong completions or another problem's (a long reasoning that
    ends in a different boxed answer)."""
    chooser = random.Random(seed)
    by_problem: dict[str, list[dict]] = {}
    for row in completions():
        by_problem.setdefault(row["id"], []).append(row)
    problems = sorted(by_problem)
    items = []
    for problem in problems:
        rows = by_problem[problem]
        right = [r["completion"] for r in rows if r["qwen_grader"]] or None
        wrong = [r["completion"] for r in rows if not r["qwen_grader"]]
        for sample in range(16):
            if right and sample < 16 * 0.4:
                completion = chooser.choice(right)
            elif wrong and chooser.random() < 0.5:
                completion = chooser.choice(wrong)
            else:
                other = by_problem[chooser.choice([p for p in problems if p != problem])]
                completion = chooser.choice(other)["completion"]
            items.append({"completion": completion, "answer": rows[0]["reference"]})
    return items


# Generic checks, none from the workload: a running service has warm workers (sympy's first
# simplify, evalf and printing cost 50-300 ms once per process), so both graders warm up first.
WARM_UP = [
    (answer, reference)
    for n in range(1, 17)
    for answer, reference in (
        (f"\\sqrt{{{n}}}", "2"),
        (f"x^{{2}}+{n}", f"(x+1)^2-2x+{n - 1}"),
        (f"{n}\\pi", "3t+1"),
        (f"{n}\\%", "0.5"),
    )
]


def _our_grpo_seconds(items: list[dict], spec: dict) -> tuple[float, list[float]]:
    """One cold service (fresh cache), warmed with WARM_UP, then the workload through the
    trainer's own client (``RewardClient``: orjson bodies, requests of 256, one at a time)."""
    process, url = start_server({"VERIREWARD_VERIFIER_PROCESSES": "2"})
    try:
        warm = [{"completion": f"\\boxed{{{a}}}", "answer": r} for a, r in WARM_UP]
        with RewardClient(url, ClientOptions(batch_size=256)) as client:
            client.score(warm)
            start = time.perf_counter()
            scored = client.score(items, spec)  # 16 prompts x 16 completions a request
            seconds = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert len(scored) == len(items)
    return seconds, [s.reward for s in scored]


def grpo_section(rounds: int) -> None:
    """Math-Verify and the service take turns, ``rounds`` times (load on a shared machine
    changes by the second, so each ratio compares neighbours); the median ratio is reported."""
    items = grpo_workload()
    chars = sum(len(i["completion"]) for i in items) / len(items)
    spec = {"weights": {"math": 1.0}}
    for answer, reference in WARM_UP:
        math_verify_grade(reference, f"\\boxed{{{answer}}}")
    print(
        f"\nGRPO workload: {len(items)} real completions (100 prompts x 16, 40% right, "
        f"{chars:,.0f} characters on average), requests of 256 items, {rounds} rounds\n"
    )
    print("| round | Math-Verify s | items/s | verireward over HTTP s | items/s | ratio | load |")
    print("|---|---|---|---|---|---|---|")
    ratios = []
    for round_ in range(1, rounds + 1):
        start = time.perf_counter()
        theirs = [math_verify_grade(i["answer"], i["completion"]) for i in items]
        mv_seconds = time.perf_counter() - start
        our_seconds, ours = _our_grpo_seconds(items, spec)
        ratios.append(mv_seconds / our_seconds)
        print(
            f"| {round_} | {mv_seconds:.2f} | {len(items) / mv_seconds:,.0f} | {our_seconds:.2f} "
            f"| {len(items) / our_seconds:,.0f} | {ratios[-1]:.1f}x | {os.getloadavg()[0]:.1f} |"
        )
    agree = sum((r == 1.0) == t for r, t in zip(ours, theirs, strict=True)) / len(items)
    print(
        f"\nmedian ratio {statistics.median(ratios):.1f}x (min {min(ratios):.1f}x, max "
        f"{max(ratios):.1f}x); our mean reward {statistics.fmean(ours):.3f}, Math-Verify's "
        f"{statistics.fmean(theirs):.3f}, same verdict on {agree:.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=20, help="grade every Nth corpus item")
    parser.add_argument("--rounds", type=int, default=5, help="GRPO rounds of each grader")
    parser.add_argument("--grpo-only", action="store_true", help="only the GRPO workload")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # Math-Verify logs every parse failure and timeout
    if not args.grpo_only:
        table_section()
        corpus_section(args.sample)
        real_completions_section()
    grpo_section(args.rounds)


if __name__ == "__main__":
    main()
