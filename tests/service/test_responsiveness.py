"""The event loop never waits on verifiers: /healthz answers while every worker is stuck."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from service.app import create_app
from service.settings import Settings
from tests.fakes import SleepVerifier
from verifiers import VerifierRegistry
from verifiers.format import FormatVerifier

pytestmark = pytest.mark.integration


@pytest.fixture
def stuck_server() -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(verifier_processes=2, port=port)
    app = create_app(settings, VerifierRegistry([FormatVerifier(), SleepVerifier()]))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


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
    assert max(latencies) < 0.1, latencies
    results = outcome["response"].json()["results"]  # type: ignore[attr-defined]
    assert [r["details"]["sleep"]["reason"] for r in results] == ["timeout"] * 4
    assert [r["reward"] for r in results] == [0.0] * 4
