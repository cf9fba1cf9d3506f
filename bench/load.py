"""Load, overload and soak of a real service on loopback (bounded in clients, time and count).

1. load:     N concurrent clients send mixed math/format/code batches for S seconds;
             throughput, p50/p95/p99 latency, 5xx count, items lost (must be 0).
2. overload: a service with a small in-flight bound, hammered by the same clients; 503s come
             back fast with Retry-After, and a normal request succeeds once the storm stops.
3. soak:     steady load for the soak duration; RSS of the service's process tree sampled
             every few seconds (flat = no leak).
4. fault:    clients send batches with sympy and sandbox work while a random process below the
             service is SIGKILLed every 0.5 s; kills survived, items lost, worker_crashed nulls,
             p99 during the kills and in as long a window after them.

    .venv/bin/python bench/load.py [--clients 200] [--seconds 30] [--soak-seconds 180]
                                   [--fault-seconds 20] [--only fault]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.faults import kill_randomly
from bench.live_service import start_server

PROGRAM = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"


def batch(size: int, chooser: random.Random) -> list[dict]:
    items = []
    for i in range(size):
        kind = chooser.random()
        a, b = chooser.randint(1, 50), chooser.randint(1, 50)
        if kind < 0.6:  # math, GRPO-like duplicates
            answer = chooser.choice([str(a + b), str(a + b + 1), f"\\frac{{{2 * (a + b)}}}{{2}}"])
            items.append(
                {
                    "id": i,
                    "completion": f"<think>add</think> <answer>{answer}</answer>",
                    "answer": str(a + b),
                }
            )
        elif kind < 0.9:  # format only
            items.append({"id": i, "completion": f"<think>{a}</think> <answer>{b}</answer>"})
        else:  # code
            items.append(
                {
                    "id": i,
                    "completion": PROGRAM,
                    "tests": {"cases": [{"input": f"{a} {b}\n", "output": str(a + b)}]},
                }
            )
    return items


def fault_batch(size: int, chooser: random.Random) -> list[dict]:
    """Half math that needs sympy (unique answers: no cache hides the workers), 30% format,
    20% code in the sandbox."""
    items = batch(size, chooser)
    for i, item in enumerate(items):
        if "answer" in item:
            n = chooser.randint(1, 10**9)
            item["completion"] = f"\\boxed{{\\frac{{\\sqrt{{8}}}}{{2}} + {n}}}"
            item["answer"] = f"\\sqrt{{2}} + {n}"
        elif "tests" not in item and i % 3 == 0:
            a, b = chooser.randint(1, 50), chooser.randint(1, 50)
            item["completion"] = PROGRAM
            item["tests"] = {"cases": [{"input": f"{a} {b}\n", "output": str(a + b)}]}
    return items


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    items_sent: int = 0
    items_back: int = 0
    lost: int = 0
    busy_latencies: list[float] = field(default_factory=list)
    crashed: int = 0  # worker_crashed nulls
    other_nulls: int = 0
    crash_reasons: Counter = field(default_factory=Counter)  # their messages, numbers blanked


async def client_loop(
    url: str, seconds: float, size: int, seed: int, tally: Tally, make: Any = None
) -> None:
    chooser = random.Random(seed)
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        while time.monotonic() < deadline:
            items = (make or batch)(size, chooser)
            start = time.perf_counter()
            try:
                response = await http.post(
                    "/score",
                    content=orjson.dumps({"items": items}),
                    headers={"content-type": "application/json"},
                )
            except httpx.HTTPError:
                tally.statuses[0] = tally.statuses.get(0, 0) + 1
                continue
            elapsed = time.perf_counter() - start
            tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
            if response.status_code == 503:
                tally.busy_latencies.append(elapsed)
                await asyncio.sleep(float(response.headers.get("retry-after", "1")) / 10)
                continue
            tally.latencies.append(elapsed)
            tally.items_sent += len(items)
            if response.status_code == 200:
                results = orjson.loads(response.content)["results"]
                tally.items_back += len(results)
                tally.lost += sum(
                    1 for r, i in zip(results, items, strict=False) if r["id"] != i["id"]
                ) + max(0, len(items) - len(results))
                codes = [r["error"]["code"] for r in results if r["reward"] is None]
                tally.crash_reasons.update(
                    re.sub(r"\d+", "N", r["error"]["message"])[:80]
                    for r in results
                    if r["reward"] is None and r["error"]["code"] == "worker_crashed"
                )
                tally.crashed += codes.count("worker_crashed")
                tally.other_nulls += len(codes) - codes.count("worker_crashed")
            else:
                tally.lost += len(items)


def tree_rss_mb(pid: int) -> float:
    pids, total = {pid}, 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) in pids:
                    pids.add(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else float("nan")


async def run_clients(url: str, clients: int, seconds: float, size: int, make: Any = None) -> Tally:
    tally = Tally()
    await asyncio.gather(*(client_loop(url, seconds, size, s, tally, make) for s in range(clients)))
    return tally


def fault_run(clients: int, seconds: float, size: int) -> None:
    """Kills for ``seconds`` under load, then as long again without: the recovery window."""
    server, url = start_server({"VERIREWARD_VERIFIER_TIMEOUT_S": "20"})
    killed: Counter = Counter()
    stop = threading.Event()
    killer = threading.Thread(target=kill_randomly, args=(server.pid, stop, killed))
    try:
        killer.start()
        during = asyncio.run(run_clients(url, clients, seconds, size, fault_batch))
        stop.set()
        killer.join()
        after = asyncio.run(run_clients(url, clients, seconds, size, fault_batch))
        alive = server.poll() is None
    finally:
        stop.set()
        server.terminate()
        server.wait()
    report(f"fault: {clients} clients, SIGKILL every 0.5 s for {seconds:.0f} s", during, seconds)
    report("fault: the same clients after the kills", after, seconds)
    print(
        f"\nfault: {sum(killed.values())} kills survived ({dict(killed)}), service alive: "
        f"{alive}; items lost {during.lost} during, {after.lost} after; worker_crashed nulls "
        f"{during.crashed} of {during.items_back} during, {after.crashed} of "
        f"{after.items_back} after; other nulls {during.other_nulls + after.other_nulls}; "
        f"p99 {1000 * percentile(during.latencies, 99):.0f} ms during, "
        f"{1000 * percentile(after.latencies, 99):.0f} ms after"
    )
    for reason, count in during.crash_reasons.most_common(6):
        print(f"  worker_crashed during: {count} x {reason}")


def report(name: str, tally: Tally, seconds: float) -> None:
    errors_5xx = sum(n for s, n in tally.statuses.items() if s >= 500 and s != 503)
    print(
        f"| {name} | {tally.items_back / seconds:,.0f} | "
        f"{1000 * percentile(tally.latencies, 50):.0f} | "
        f"{1000 * percentile(tally.latencies, 95):.0f} | "
        f"{1000 * percentile(tally.latencies, 99):.0f} | {errors_5xx} | "
        f"{tally.statuses.get(503, 0)} | {tally.lost} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--soak-seconds", type=float, default=180)
    parser.add_argument("--fault-seconds", type=float, default=20)
    parser.add_argument("--fault-clients", type=int, default=16)
    parser.add_argument("--only", choices=["fault"], help="run only this scenario")
    args = parser.parse_args()
    print("| run | items/s | p50 ms | p95 ms | p99 ms | 5xx (not 503) | 503 | items lost |")
    print("|---|---|---|---|---|---|---|---|")
    if args.only == "fault":
        fault_run(args.fault_clients, args.fault_seconds, args.batch)
        return
    server, url = start_server({})
    try:
        tally = asyncio.run(run_clients(url, args.clients, args.seconds, args.batch))
        report(f"load: {args.clients} clients x {args.batch} items", tally, args.seconds)
    finally:
        server.terminate()
        server.wait()
    server, url = start_server({"VERIREWARD_MAX_INFLIGHT_ITEMS": "128"})
    try:
        tally = asyncio.run(run_clients(url, args.clients, args.seconds / 2, args.batch))
        report("overload (in-flight bound 128 items)", tally, args.seconds / 2)
        busy = tally.busy_latencies
        recovered = httpx.post(
            f"{url}/score", json={"items": batch(4, random.Random(1))}, timeout=30
        ).status_code
        print(
            f"\noverload: {len(busy)} 503s, latency p50 {1000 * percentile(busy, 50):.1f} ms, "
            f"p99 {1000 * percentile(busy, 99):.1f} ms; first request after the storm: "
            f"{recovered}"
        )
    finally:
        server.terminate()
        server.wait()
    server, url = start_server({})
    try:
        samples = []

        async def soak() -> Tally:
            task = asyncio.ensure_future(run_clients(url, 32, args.soak_seconds, args.batch))
            while not task.done():
                samples.append(round(tree_rss_mb(server.pid)))
                await asyncio.sleep(max(1.0, args.soak_seconds / 12))
            return await task

        tally = asyncio.run(soak())
        print(
            f"\nsoak: {args.soak_seconds:.0f} s, 32 clients, {tally.items_back:,} items, "
            f"{tally.lost} lost; service RSS (MB) every {max(1.0, args.soak_seconds / 12):.0f}"
            f" s: {samples}"
        )
    finally:
        server.terminate()
        server.wait()
    fault_run(args.fault_clients, args.fault_seconds, args.batch)


if __name__ == "__main__":
    main()
