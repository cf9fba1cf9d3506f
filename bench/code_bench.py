"""Per-test cost of running candidate code: a fresh unsandboxed ``python3`` per test (the
baseline) vs our bubblewrap sandbox (one sandbox and warm interpreter per submission, a forked
child per test), same programs, same run, one test at a time on one core.

    .venv/bin/python bench/code_bench.py [--submissions 50] [--cases 10]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verireward.sandbox import PYTHON, BwrapSandbox, Job, Limits

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--cases", type=int, default=10)
    args = parser.parse_args()
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
