"""Our math verifier vs Math-Verify, same inputs, same run.

1. The regression table (tests/verifiers/math_table.py): accuracy, false positives, negatives.
2. The real-data corpus (tests/verifiers/math_corpus.py, public benchmark references turned
   into equal rewrites and wrong variants): accuracy, false positives, false negatives, and the
   real references each grader cannot grade at all (null).
3. 800 real Qwen2.5-Math completions of 100 MATH problems: agreement with the Qwen2.5-Math
   grader's verdicts shipped with them.
4. A GRPO workload through HTTP: 100 prompts x 16 real completions (thousands of characters of
   reasoning each, 40% right), Math-Verify called per completion as reward functions do, our
   service (``verireward serve``, 2 worker processes) over loopback in one request per group
   batch.

    .venv/bin/python bench/math_bench.py [--sample N, default 20]   (needs the `bench` extra)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from math_verify import parse, verify
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


def grpo_section() -> None:
    items = grpo_workload()
    chars = sum(len(i["completion"]) for i in items) / len(items)
    start = time.perf_counter()
    for item in items:
        math_verify_grade(item["answer"], item["completion"])
    mv_seconds = time.perf_counter() - start
    process, url = start_server({"VERIREWARD_VERIFIER_PROCESSES": "2"})
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            # a running service has warm workers: start every worker's sympy before timing
            warm = [{"completion": f"\\boxed{{\\sqrt{{{n}}}}}", "answer": "2"} for n in range(32)]
            client.post("/score", json={"items": warm}).raise_for_status()
            spec = {"weights": {"math": 1.0}}
            start = time.perf_counter()
            for offset in range(0, len(items), 256):  # 16 prompts x 16 completions a request
                body = {"items": items[offset : offset + 256], "reward": spec}
                client.post("/score", json=body).raise_for_status()
            our_seconds = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(
        f"\nGRPO workload: {len(items)} real completions (100 prompts x 16, 40% right, "
        f"{chars:,.0f} characters on average), requests of 256 items\n"
    )
    print("| grader | seconds | items/s | vs Math-Verify |")
    print("|---|---|---|---|")
    mv_rate, our_rate = len(items) / mv_seconds, len(items) / our_seconds
    print(f"| Math-Verify (per completion) | {mv_seconds:.2f} | {mv_rate:,.0f} | 1.0x |")
    print(
        f"| verireward over HTTP (2 workers) | {our_seconds:.2f} | {our_rate:,.0f} "
        f"| {mv_seconds / our_seconds:.1f}x |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=20, help="grade every Nth corpus item")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # Math-Verify logs every parse failure and timeout
    table_section()
    corpus_section(args.sample)
    real_completions_section()
    grpo_section()


if __name__ == "__main__":
    main()
