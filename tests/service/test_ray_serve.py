"""The same API as a Ray Serve application: a local Ray instance, two replicas."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from verireward.service.settings import Settings

from tests.conftest import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def ray_url() -> Iterator[str]:
    ray = pytest.importorskip("ray")
    from ray import serve
    from verireward.service.ray_serve import run

    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True)
    port = free_port()
    run(
        Settings(port=port, ray_replicas=2, ray_replica_cpus=1, verifier_processes=1),
        blocking=False,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        serve.shutdown()
        ray.shutdown()


def test_scores_through_two_replicas(ray_url: str) -> None:
    replicas = {httpx.get(f"{ray_url}/readyz", timeout=30).json()["replica"] for _ in range(30)}
    assert len(replicas) == 2
    items = [
        {"id": "quick", "completion": "<think>a</think> <answer>4</answer>", "answer": "4"},
        {
            "id": "sympy",
            "completion": "<think>a</think> <answer>\\sqrt{16}</answer>",
            "answer": "4",
        },
        {"id": "wrong", "completion": "<think>a</think> <answer>5</answer>", "answer": "4"},
    ]
    for _ in range(4):  # spread over both replicas
        results = httpx.post(f"{ray_url}/score", json={"items": items}, timeout=60).json()
        assert [r["reward"] for r in results["results"]] == pytest.approx([1.1, 1.1, 0.1])
    assert httpx.post(f"{ray_url}/score", content=b"{", timeout=30).status_code == 400
