"""The code verifier on HumanEval and MBPP against the benchmarks' own executors (rewritten in
``code_baselines.py``), same canonical solutions, same run: items/s, tests/s, agreement.
``--micro``: the per-test cost of a fresh unsandboxed ``python3`` per test vs our sandbox.

    .venv/bin/python bench/code_bench.py [--limit N] [--workers 1]
    .venv/bin/python bench/code_bench.py --micro [--submissions 50] [--cases 10]

Latency per item when the machine has a core to spare (a pause between items, in which the
pre-started sandboxes are refilled; what a trainer scoring one group at a time sees):

    .venv/bin/python bench/code_bench.py --spaced 30 [--limit N]

CPU per item, sandboxes included (``perf stat`` counts every process under the bench):

    perf stat -e task-clock .venv/bin/python bench/code_bench.py --dataset MBPP --limit 200 \
        --only ours  # or --only baseline
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verireward.sandbox import PYTHON, BwrapSandbox, Job, Limits
from verireward.verifiers import Item
from verireward.verifiers.code.verifier import CodeParams, CodeVerifier

from bench.code_baselines import humaneval_check, mbpp_check

DATA = Path(__file__).resolve().parent / "data"

SMALL = "a, b = map(int, input().split())\nprint(a + b)\n"
HEAVY = (
    "n = int(input())\n"
    "sieve = bytearray([1]) * (n + 1)\n"
    "for i in range(2, int(n ** 0.5) + 1):\n"
    "    if sieve[i]:\n"
    "        sieve[i * i :: i] = bytearray(len(range(i * i, n + 1, i)))\n"
    "print(sum(sieve) - 2)\n"
)


def fresh_process(code: str, inputs: list[str]) -> tuple[float, list[str]]:
    start = time.perf_counter()
    outputs = [
        subprocess.run(
            ["/usr/bin/python3", "-c", code], input=i, capture_output=True, text=True, timeout=30
        ).stdout
        for i in inputs
    ]
    return time.perf_counter() - start, outputs


def sandboxed(sandbox: BwrapSandbox, code: str, inputs: list[str], per_submission: int):
    start = time.perf_counter()
    outputs: list[str] = []
    for offset in range(0, len(inputs), per_submission):
        chunk = tuple(inputs[offset : offset + per_submission])
        result = sandbox.run(Job("python", code, inputs=chunk), PYTHON, Limits(timeout_s=10))
        outputs += [case.stdout for case in result.cases]
    return time.perf_counter() - start, outputs


def load(name: str) -> list[dict[str, Any]]:
    with gzip.open(DATA / name, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def humaneval_items() -> list[tuple[str, Callable[[], bool], dict[str, Any], int]]:
    """(id, baseline call, our item, number of asserts) per problem, canonical solutions."""
    rows = []
    for problem in load("HumanEval.jsonl.gz"):
        solution = problem["prompt"] + problem["canonical_solution"]
        tests = {"assert": problem["test"], "entry_point": problem["entry_point"]}
        rows.append(
            (
                problem["task_id"],
                lambda p=problem: humaneval_check(p, p["canonical_solution"]),
                {"completion": f"```python\n{solution}\n```", "tests": tests},
                problem["test"].count("assert"),
            )
        )
    return rows


def mbpp_items() -> list[tuple[str, Callable[[], bool], dict[str, Any], int]]:
    rows = []
    for task in load("mbpp.jsonl.gz"):
        tests = {"assert": task["test_list"], "setup": task["test_setup_code"]}
        rows.append(
            (
                f"MBPP/{task['task_id']}",
                lambda t=task: mbpp_check(t, t["code"]),
                {"completion": f"```python\n{task['code']}\n```", "tests": tests},
                len(task["test_list"]),
            )
        )
    return rows


def timed_map(function: Callable[[Any], bool], rows: list[Any], workers: int):
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(function, rows))
    return time.perf_counter() - start, results


def sandboxed_verifier() -> tuple[CodeVerifier, CodeParams]:
    """Our side of every comparison: the code verifier with its sandbox, 3 s per item."""
    verifier = CodeVerifier()
    if reason := verifier.unavailable_reason():
        raise SystemExit(f"sandbox unavailable: {reason}")
    return verifier, CodeParams(timeout_s=3.0)


def spaced(limit: int | None, pause_s: float) -> None:
    """Each item alone, both executors in turn on it, with a pause before each run."""
    verifier, params = sandboxed_verifier()
    print("| dataset | items | executor | median ms/item | p90 ms/item | ours / theirs (median) |")
    print("|---|---|---|---|---|---|")
    for name, items in (("HumanEval", humaneval_items), ("MBPP", mbpp_items)):
        rows = items()[:limit] if limit else items()
        theirs, ours = [], []
        verifier.verify(Item(**rows[0][2]), params)  # the first sandbox's one-off set-up
        for row in rows:
            for times, run in (
                (theirs, row[1]),
                (ours, lambda row=row: verifier.verify(Item(**row[2]), params)),
            ):
                time.sleep(pause_s)
                start = time.perf_counter()
                run()
                times.append(1000 * (time.perf_counter() - start))
        medians = {}
        for label, times in (("benchmark's own", theirs), ("verireward", ours)):
            medians[label] = statistics.median(times)
            p90 = statistics.quantiles(times, n=10)[-1]
            ratio = medians[label] / medians["benchmark's own"]
            print(
                f"| {name} | {len(rows)} | {label} | {medians[label]:.1f} | {p90:.1f} "
                f"| {ratio:.2f} |"
            )


def datasets(
    limit: int | None, workers: int, only: str | None = None, dataset: str | None = None
) -> None:
    verifier, params = sandboxed_verifier()

    def ours(row: Any) -> bool:
        verdict = verifier.verify(Item(**row[2]), params)
        return verdict.score == 1.0

    print("| dataset | items | tests | executor | items/s | tests/s | passed | agreement |")
    print("|---|---|---|---|---|---|---|---|")
    for name, items in (("HumanEval", humaneval_items), ("MBPP", mbpp_items)):
        if dataset and dataset != name:
            continue
        rows = items()[:limit] if limit else items()
        tests = sum(row[3] for row in rows)
        base_s, base, ours_s, mine = 0.0, [], 0.0, []
        # the two executors take turns on chunks of 50 items, so that both see the same
        # machine (other processes' load changes within a run)
        for start in range(0, len(rows), 50):
            chunk = rows[start : start + 50]
            if only in (None, "baseline"):
                seconds, results = timed_map(lambda row: row[1](), chunk, workers)
                base_s, base = base_s + seconds, base + results
            if only in (None, "ours"):
                seconds, results = timed_map(ours, chunk, workers)
                ours_s, mine = ours_s + seconds, mine + results
        base = base or [False] * len(rows)  # --only: the other executor is not run
        mine = mine or [False] * len(rows)
        agree = sum(a == b for a, b in zip(base, mine, strict=True))
        for label, seconds, results in (
            ("benchmark's own", base_s, base),
            ("verireward", ours_s, mine),
        ):
            if not seconds:
                continue
            agreement = f"{agree / len(rows):.1%}" if only is None else "-"
            print(
                f"| {name} | {len(rows)} | {tests} | {label} | {len(rows) / seconds:.1f} "
                f"| {tests / seconds:.0f} | {sum(results)} | {agreement} |"
            )
        if only is not None:
            continue
        differ = [row[0] for row, a, b in zip(rows, base, mine, strict=True) if a != b]
        print(f"<!-- {name}: verdicts differ on {differ} (baseline, ours) -->", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--micro", action="store_true", help="per-test cost vs a fresh process")
    parser.add_argument("--limit", type=int, default=None, help="first N items of each dataset")
    parser.add_argument("--workers", type=int, default=1, help="items run at a time")
    parser.add_argument("--dataset", choices=("HumanEval", "MBPP"), help="only this dataset")
    parser.add_argument("--only", choices=("ours", "baseline"), help="run one executor only")
    parser.add_argument(
        "--spaced", type=float, metavar="MS", help="latency per item, a pause of MS between"
    )
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--cases", type=int, default=10)
    args = parser.parse_args()
    if args.micro:
        micro(args)
    elif args.spaced is not None:
        spaced(args.limit, args.spaced / 1000)
    else:
        datasets(args.limit, args.workers, args.only, args.dataset)


def micro(args: argparse.Namespace) -> None:
    sandbox = BwrapSandbox()
    if reason := sandbox.unavailable_reason():
        raise SystemExit(f"sandbox unavailable: {reason}")
    small = [f"{i} {i * 7}\n" for i in range(args.submissions * args.cases)]
    heavy = [f"{200_000 + i}\n" for i in range(50)]
    rows = []
    for label, code, inputs, per_submission in (
        (f"{len(small)} small a+b tests", SMALL, small, args.cases),
        ("50 heavier tests (sieve to 2e5)", HEAVY, heavy, 10),
    ):
        base_s, base_out = fresh_process(code, inputs)
        ours_s, ours_out = sandboxed(sandbox, code, inputs, per_submission)
        assert base_out == ours_out, "both runners must produce the same outputs"
        n = len(inputs)
        rows.append((label, n / base_s, 1000 * base_s / n, n / ours_s, 1000 * ours_s / n))
    print(
        "| workload | fresh python3: tests/s | ms/test | sandbox: tests/s | ms/test "
        "| sandbox / fresh time |"
    )
    print("|---|---|---|---|---|---|")
    for label, base_rate, base_ms, our_rate, our_ms in rows:
        print(
            f"| {label} | {base_rate:,.0f} | {base_ms:.1f} | {our_rate:,.0f} | {our_ms:.1f} "
            f"| {our_ms / base_ms:.2f}x |"
        )


if __name__ == "__main__":
    main()
