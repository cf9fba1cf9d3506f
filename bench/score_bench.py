"""Format-only scoring of 10,000 items: over HTTP (real uvicorn on loopback) vs in-process.

Both paths score the same items in the same run; the figure of merit is the ratio of their
throughputs (target: HTTP >= 0.5x in-process). Prints a Markdown table for the README.

    .venv/bin/python bench/score_bench.py [--items 10000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verireward.service.app import build_engine
from verireward.service.metrics import ServiceMetrics
from verireward.service.settings import Settings
from verireward.verifiers import Item, RewardSpec, load_registry

from bench.live_service import start_server

COMPLETIONS = [
    "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>",
    "<think>\nLet me expand (x+1)^2 = x^2 + 2x + 1.\n</think>\n<answer>\nx^2+2x+1\n</answer>",
    "The answer is <answer>7</answer>",
    "<think>" + "Long reasoning step. " * 60 + "</think><answer>42</answer>",
]


def workload(n: int) -> list[dict]:
    return [{"id": i, "completion": COMPLETIONS[i % len(COMPLETIONS)]} for i in range(n)]


def in_process(items: list[dict], repeats: int) -> list[float]:
    # The engine exactly as the service builds it (metrics observer included), minus HTTP.
    engine = build_engine(Settings(), load_registry(), ServiceMetrics())
    spec = RewardSpec(weights={"format": 1.0})
    built = [Item(completion=i["completion"], id=i["id"]) for i in items]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        results = asyncio.run(engine.score(built, spec))
        times.append(time.perf_counter() - start)
        assert len(results) == len(items)
    return times


def over_http(items: list[dict], repeats: int) -> list[float]:
    server, url = start_server({"VERIREWARD_MAX_ITEMS": "100000"})
    body = {"items": items, "reward": {"weights": {"format": 1.0}}}
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            # A trainer sends and reads JSON with orjson, as policy_client does.
            content = orjson.dumps(body)
            headers = {"content-type": "application/json"}
            client.post("/score", content=content, headers=headers)  # warm-up
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                response = client.post("/score", content=orjson.dumps(body), headers=headers)
                results = orjson.loads(response.content)["results"]
                times.append(time.perf_counter() - start)
                assert response.status_code == 200 and len(results) == len(items)
        return times
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    items = workload(args.items)
    local = statistics.median(in_process(items, args.repeats))
    remote = statistics.median(over_http(items, args.repeats))
    print(f"| path | median s / {args.items} items | items/s | vs in-process |")
    print("|---|---|---|---|")
    print(f"| in-process engine | {local:.4f} | {args.items / local:,.0f} | 1.00x |")
    print(
        f"| HTTP (uvicorn, loopback, httpx) | {remote:.4f} | {args.items / remote:,.0f} "
        f"| {local / remote:.2f}x |"
    )


if __name__ == "__main__":
    main()
