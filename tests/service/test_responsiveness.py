"""The event loop never waits on verifiers: /healthz answers while every worker is stuck."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
import pytest
from verireward.service.settings import Settings
from verireward.verifiers import VerifierRegistry
from verireward.verifiers.format import FormatVerifier

from tests.fakes import SleepVerifier

pytestmark = pytest.mark.integration


@pytest.fixture
def stuck_server(serve_app: Callable[..., str]) -> str:
    return serve_app(
        Settings(verifier_processes=2), VerifierRegistry([FormatVerifier(), SleepVerifier()])
    )


def test_healthz_answers_while_all_workers_are_stuck(stuck_server: str) -> None:
    body = {
        "items": [{"id": i, "completion": "30"} for i in range(4)],
        "reward": {"weights": {"sleep": 1.0}, "params": {"sleep": {"timeout_s": 3}}},
    }
    outcome: dict[str, object] = {}

    def post() -> None:
        outcome["response"] = httpx.post(f"{stuck_server}/score", json=body, timeout=30)

    poster = threading.Thread(target=post)
    poster.start()
    time.sleep(0.5)  # both workers are now inside time.sleep(30)
    latencies = []
    for _ in range(10):
        start = time.perf_counter()
        assert httpx.get(f"{stuck_server}/healthz", timeout=5).status_code == 200
        latencies.append(time.perf_counter() - start)
    poster.join(timeout=30)
    # blocked behind the stuck workers it would take their 3 s deadline; the bound leaves room
    # for a loaded 2-core CI machine (this is not a speed target: bench/ measures those)
    assert max(latencies) < 1.0, latencies
    results = outcome["response"].json()["results"]  # type: ignore[attr-defined]
    assert [r["details"]["sleep"]["reason"] for r in results] == ["timeout"] * 4
    assert [r["reward"] for r in results] == [0.0] * 4
