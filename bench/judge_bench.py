"""Judge fallback on a GRPO-shaped math batch: throughput, added latency, share reaching the judge.

A batch is ``--prompts`` prompts x ``--group`` completions (GRPO). ``--need`` of the items
(default 20%) carry a final answer the ``math`` rule does not accept, so the judge is asked
for them; the rest are rule accepts, which the judge never sees. Every repeat scores a fresh
batch (new numbers), so neither the engine's cache nor the judge's helps, except in the
``warm`` column, which scores the last batch again (against rules-only on that batch again).

Baseline: the same batches weighted ``{"math": 1}`` (rules only), in the same run. Judges, all
the real loopback ``ChatServer`` from ``tests/verifiers/model_servers.py``:

- ``scripted``: a Python rule replies at once: the verifier's and HTTP's own cost.
- ``scripted +50 ms``: the same, answering after 50 ms, like a remote GPU judge's latency.
- ``tiny_lm_choice``: a random 2-layer transformers Llama on CPU, three forward passes per
  prompt (constrained to the three verdict words), serialized in the server.

    .venv/bin/python bench/judge_bench.py [--prompts 64] [--group 8] [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verireward.service.app import build_engine
from verireward.service.settings import Settings
from verireward.verifiers import Item, RewardSpec, VerifierRegistry
from verireward.verifiers.judge.config import EndpointConfig
from verireward.verifiers.judge.verifier import JudgeParams, JudgeVerifier
from verireward.verifiers.math.verifier import MathVerifier

from tests.verifiers.model_servers import ChatServer

RULES = RewardSpec(weights={"math": 1.0})


def batch(prompts: int, group: int, need: float, rng: random.Random) -> list[Item]:
    items = []
    for _ in range(prompts):
        a, b = rng.randint(10, 10_000), rng.randint(10, 10_000)
        question = f"Compute {a} + {b}. Put the final answer in \\boxed{{}}."
        for _ in range(group):
            # Wrong by a random offset: distinct answers, so no two items share a judge call.
            answer = a + b if rng.random() >= need else a + b + rng.randint(1, 10**6)
            reasoning = f"First add the units... {a} plus {b}. " * 20
            completion = f"<think>{reasoning}</think><answer>\\boxed{{{answer}}}</answer>"
            items.append(Item(completion=completion, prompt=question, answer=str(a + b)))
    return items


def timed(engine, items: list[Item], spec: RewardSpec) -> tuple[float, list]:
    start = time.perf_counter()
    results = asyncio.run(engine.score(items, spec))
    return time.perf_counter() - start, results


def run(args: argparse.Namespace) -> list[str]:
    rng = random.Random(0)
    batches = [batch(args.prompts, args.group, args.need, rng) for _ in range(args.repeats)]
    n = len(batches[0])
    scenarios = [
        ("scripted", "scripted", 0.0),
        ("scripted +50 ms", "scripted", 0.05),
        ("tiny_lm_choice", "tiny_lm_choice", 0.0),
    ]
    rows = []
    for label, model, delay in scenarios:
        server = ChatServer(model)
        server.delay_s = delay
        judge = JudgeVerifier(EndpointConfig(url=server.url, max_concurrency=args.concurrency))
        engine = build_engine(Settings(), VerifierRegistry([MathVerifier(), judge]))
        spec = RewardSpec(
            weights={"math": 0.0, "judge": 1.0}, params={"judge": JudgeParams(mode=args.mode)}
        )
        try:
            warmup = batch(4, args.group, args.need, rng)
            timed(engine, warmup, RULES)  # warm-up: worker pool, connections
            timed(engine, warmup, spec)
            base, cold, judged, asked = [], [], 0, 0
            for items in batches:
                base.append(timed(engine, items, RULES)[0])
                calls = judge.chat.calls
                seconds, results = timed(engine, items, spec)
                cold.append(seconds)
                asked += judge.chat.calls - calls
                judged += sum(r.details["judge"].get("decided_by") == "judge" for r in results)
                assert all(r.error is None for r in results), results[0].error
            calls = judge.chat.calls
            warm = [timed(engine, batches[-1], spec)[0] for _ in range(args.repeats)]
            assert judge.chat.calls == calls  # all from the cache
            # Against rules-only on the same, already-seen batch (the engine caches math too).
            warm_base = [timed(engine, batches[-1], RULES)[0] for _ in range(args.repeats)]
        finally:
            engine.pool and engine.pool.close()
            server.stop()
        b, c, w, wb = (statistics.median(x) for x in (base, cold, warm, warm_base))
        share = judged / (n * args.repeats)
        per_call = (c - b) / (asked / args.repeats) * 1000
        rows.append(
            f"| {label} | {n / b:,.0f} | {n / c:,.0f} ({b / c:.2f}x) | {(c - b) * 1000:,.0f} ms "
            f"| {per_call:.1f} ms | {share:.1%} | {n / w:,.0f} ({wb / w:.2f}x) |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--group", type=int, default=8)
    parser.add_argument("--need", type=float, default=0.2, help="share the rule cannot accept")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--mode", default="fallback", choices=["fallback", "both_orders"])
    args = parser.parse_args()
    rows = run(args)
    n = args.prompts * args.group
    print(
        f"{args.prompts} prompts x {args.group} = {n} items, {args.need:.0%} not rule-accepted, "
        f"mode {args.mode}, concurrency {args.concurrency}, median of {args.repeats}"
    )
    print(
        "| judge server | rules only items/s | with judge items/s (vs rules) "
        "| added per batch | added per judge call | items decided by the judge "
        "| warm cache items/s (vs rules) |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
