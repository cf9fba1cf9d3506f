"""SIGTERM under load: in-flight requests finish, new ones get 503 + Retry-After, none dropped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port, wait_ready

pytestmark = pytest.mark.integration
SLOW = "```python\nimport time\ntime.sleep(1.5)\nprint(int(input()) + 1)\n```"


def body(n: int) -> dict:
    items = [
        {
            "id": f"c{n}",
            "completion": SLOW,
            "tests": {"cases": [{"input": f"{n}\n", "output": f"{n + 1}\n"}]},
        },
        {"id": f"m{n}", "completion": f"\\boxed{{{n}}}", "answer": str(n)},
    ]
    return {"items": items}


def test_sigterm_under_load_drains_without_dropping(tmp_path: Path, bwrap: object) -> None:
    port = free_port()
    env = {
        **os.environ,
        "VERIREWARD_PORT": str(port),
        "VERIREWARD_SHUTDOWN_GRACE_S": "30",
        "VERIREWARD_DRAIN_LINGER_S": "1.5",
        "VERIREWARD_RETRY_AFTER_S": "1",
        "VERIREWARD_VERIFIER_PROCESSES": "4",
    }
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "verireward.service.cli", "serve"], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    signalled = threading.Event()
    signal_at: list[float] = []
    outcomes: Counter = Counter()
    problems: list[str] = []
    lock = threading.Lock()

    def refused_within(seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/healthz", timeout=1)
            except httpx.ConnectError:
                return True
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        return False

    def client(index: int) -> None:
        n = index * 1000
        told_to_come_back = False
        while True:
            n += 1
            sent_before_signal = not signalled.is_set()
            sent_at = time.monotonic()
            try:
                # a fresh connection each time: a refused one means the server has closed
                response = httpx.post(f"{url}/score", json=body(n), timeout=60)
            except httpx.ConnectError:
                with lock:
                    outcomes["refused"] += 1
                if not signalled.is_set():
                    problems.append("refused before the signal")
                return
            except httpx.TransportError as exc:  # accepted, then dropped: the failure we test
                # Except at the instant the socket closes: a connection still in the kernel's
                # accept queue then is reset (no server can answer it). Such a request was sent
                # after this client had been told to come back, and the very next one is refused.
                if told_to_come_back and refused_within(1.0):
                    with lock:
                        outcomes["refused"] += 1
                        outcomes["reset_at_close"] += 1
                else:
                    problems.append(f"dropped after sending: {exc!r}")
                return
            with lock:
                if response.status_code == 200:
                    rewards = [r["reward"] for r in response.json()["results"]]
                    outcomes["scored_before" if sent_before_signal else "scored_after"] += 1
                    if rewards != [1.0, 1.0]:
                        problems.append(f"scored {rewards}")
                elif response.status_code == 503 and response.headers.get("retry-after") == "1":
                    outcomes["refused_503"] += 1
                    told_to_come_back = True
                    # a request sent just before the signal may reach the server after it (the
                    # client had just finished its previous batch); one sent a second earlier
                    # was in flight and must not be refused
                    if sent_before_signal and sent_at < signal_at[0] - 1.0:
                        problems.append("503 for a request sent before the signal")
                else:
                    problems.append(f"status {response.status_code}")
            if response.status_code == 503:
                time.sleep(0.2)  # a trainer would wait Retry-After; keep probing the drain here

    try:
        wait_ready(url, 60)
        threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2.5)  # every client has a slow batch in flight
        signal_at.append(time.monotonic())
        signalled.set()
        server.send_signal(signal.SIGTERM)
        ready = httpx.get(f"{url}/readyz", timeout=10)
        assert ready.status_code == 503 and ready.json()["status"] == "draining"
        for thread in threads:
            thread.join(timeout=90)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        log.close()
    print(dict(outcomes))
    assert problems == [], problems[:10]
    assert outcomes["scored_before"] >= 4  # in-flight batches finished
    assert outcomes["refused_503"] >= 4  # new ones were told to come back
    assert outcomes["refused"] == 4  # each client stopped at a closed socket, nothing else
    assert server.returncode in (0, -signal.SIGTERM)
