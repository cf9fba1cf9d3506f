"""Backpressure, client disconnects, worker crashes, SIGTERM drain, request ids, CORS."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from verireward.service.app import create_app
from verireward.service.settings import Settings
from verireward.verifiers import Item, RewardSpec, ScoringEngine, VerifierRegistry, WorkerPool
from verireward.verifiers.format import FormatVerifier

from tests.conftest import free_port, wait_ready
from tests.fakes import CrashOnceVerifier, SleepVerifier

pytestmark = pytest.mark.integration


def sleepers(count: int, seconds: float) -> dict:
    return {
        "items": [{"id": i, "completion": str(seconds)} for i in range(count)],
        "reward": {"weights": {"sleep": 1.0}, "params": {"sleep": {"timeout_s": 30}}},
    }


def metric(url: str, name: str) -> float:
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture
def sleepy(serve_app: Callable[..., str]) -> str:
    settings = Settings(verifier_processes=2, max_inflight_items=4, retry_after_s=2)
    return serve_app(settings, VerifierRegistry([FormatVerifier(), SleepVerifier()]))


def test_overload_gets_fast_503_then_recovers(sleepy: str) -> None:
    first: dict[str, httpx.Response] = {}
    holder = threading.Thread(
        target=lambda: first.update(
            r=httpx.post(f"{sleepy}/score", json=sleepers(4, 1.5), timeout=30)
        )
    )
    holder.start()
    time.sleep(0.3)
    start = time.perf_counter()
    refused = httpx.post(f"{sleepy}/score", json=sleepers(2, 0), timeout=30)
    assert refused.status_code == 503 and time.perf_counter() - start < 0.2
    assert refused.headers["retry-after"] == "2"
    assert metric(sleepy, "verireward_overload_rejections_total") == 1
    assert metric(sleepy, "verireward_capacity_items") == 4
    holder.join()
    assert first["r"].status_code == 200 and len(first["r"].json()["results"]) == 4
    again = httpx.post(f"{sleepy}/score", json=sleepers(2, 0), timeout=30)
    assert again.status_code == 200  # recovered once the load is gone
    assert metric(sleepy, "verireward_inflight_items") == 0


def test_disconnected_client_frees_its_work(sleepy: str) -> None:
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{sleepy}/score", json=sleepers(2, 30), timeout=0.5)
    deadline = time.monotonic() + 5
    while metric(sleepy, "verireward_client_disconnects_total") < 1:
        assert time.monotonic() < deadline, "disconnect not noticed"
        time.sleep(0.1)
    start = time.perf_counter()
    quick = httpx.post(f"{sleepy}/score", json=sleepers(2, 0), timeout=30)
    assert quick.status_code == 200 and time.perf_counter() - start < 3  # workers were freed
    assert metric(sleepy, "verireward_inflight_items") == 0


def test_crashed_worker_is_replaced_and_the_item_retried_once(tmp_path: Path) -> None:
    pool = WorkerPool(workers=1)
    try:
        engine = ScoringEngine(VerifierRegistry([CrashOnceVerifier(), SleepVerifier()]), pool)
        items = [Item(str(tmp_path / "marker"))]
        (retried,) = asyncio.run(engine.score(items, RewardSpec(weights={"crash_once": 1.0})))
        assert retried.reward == 1.0  # crashed once, retried on a fresh worker
        (always,) = asyncio.run(engine.score([Item("crash")], RewardSpec(weights={"sleep": 1.0})))
        assert always.reward is None and always.error.code == "worker_crashed"
    finally:
        pool.close()


def test_worker_killed_mid_batch_is_replaced_and_retried(sleepy: str, tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"
    body = {
        "items": [{"id": 0, "completion": f"pidfile:{pidfile}"}, {"id": 1, "completion": "0.2"}],
        "reward": {"weights": {"sleep": 1.0}, "params": {"sleep": {"timeout_s": 30}}},
    }
    outcome: dict[str, httpx.Response] = {}
    poster = threading.Thread(
        target=lambda: outcome.update(r=httpx.post(f"{sleepy}/score", json=body, timeout=30))
    )
    poster.start()
    deadline = time.monotonic() + 5
    while not pidfile.exists() or not pidfile.read_text().strip():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    victim = int(pidfile.read_text().split()[0])
    os.kill(victim, signal.SIGKILL)
    poster.join()
    results = outcome["r"].json()["results"]
    assert [r["reward"] for r in results] == [1.0, 1.0]  # retried on a fresh worker
    retried_on = int(pidfile.read_text().split()[1])
    assert retried_on != victim
    assert httpx.get(f"{sleepy}/healthz").status_code == 200


def test_sigterm_drains_in_flight_requests(tmp_path: Path, bwrap: object) -> None:
    port = free_port()
    env = {**os.environ, "VERIREWARD_PORT": str(port), "VERIREWARD_SHUTDOWN_GRACE_S": "20"}
    server = subprocess.Popen(
        [sys.executable, "-m", "verireward.service.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, 30)
        slow = "```python\nimport time\ntime.sleep(2)\nprint('ok')\n```"
        body = {
            "items": [{"completion": slow, "tests": {"cases": [{"input": "", "output": "ok"}]}}],
            "reward": {"weights": {"code": 1.0}, "params": {"code": {"timeout_s": 5}}},
        }
        outcome: dict[str, httpx.Response] = {}
        poster = threading.Thread(
            target=lambda: outcome.update(r=httpx.post(f"{url}/score", json=body, timeout=30))
        )
        poster.start()
        time.sleep(0.7)
        server.send_signal(signal.SIGTERM)
        poster.join()
        assert outcome["r"].status_code == 200
        assert outcome["r"].json()["results"][0]["reward"] == 1.0
        # uvicorn re-raises the signal once it has drained, so the exit reads as SIGTERM
        assert server.wait(timeout=20) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()


def test_request_ids_and_logs_without_completion_text(
    fake_registry: VerifierRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_text = "<think>TOP-SECRET-REASONING</think><answer>1</answer>"
    with TestClient(create_app(Settings(api_key="k3y-value"), fake_registry)) as client:
        response = client.post(
            "/score",
            json={"items": [{"completion": secret_text}]},
            headers={"Authorization": "Bearer k3y-value", "X-Request-ID": "trainer-42"},
        )
        generated = client.get("/healthz")
    assert response.headers["x-request-id"] == "trainer-42"
    assert len(generated.headers["x-request-id"]) == 32
    logged = capsys.readouterr().err
    lines = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "verireward.access"]
    assert any(
        line["request_id"] == "trainer-42" and line["route"] == "/score" and line["status"] == 200
        for line in access
    )
    assert "TOP-SECRET" not in logged and "k3y-value" not in logged


def test_cors_is_off_by_default(fake_registry: VerifierRegistry) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    with TestClient(create_app(Settings(), fake_registry)) as client:
        response = client.options("/score", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    allowed = Settings(cors_origins=["https://dash.example"])
    with TestClient(create_app(allowed, fake_registry)) as client:
        response = client.options("/score", headers={**preflight, "Origin": "https://dash.example"})
        assert response.headers["access-control-allow-origin"] == "https://dash.example"
