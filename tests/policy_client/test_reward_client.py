"""The reward client: ordering, batching, retries with backoff, Retry-After, NaN for null."""

from __future__ import annotations

import asyncio
import json
import math

import httpx
import pytest
from verireward.policy_client.reward_client import (
    AsyncRewardClient,
    ClientOptions,
    RewardClient,
    RewardServiceError,
)

FAST = ClientOptions(batch_size=3, retries=3, backoff_s=0.001, max_backoff_s=0.01)


def echo_service(failures: list[int] | None = None, requests: list[dict] | None = None):
    """A fake /score: reward = len(completion), null for 'null'; fails with queued statuses."""
    failures = list(failures or [])

    def handle(request: httpx.Request) -> httpx.Response:
        if failures:
            status = failures.pop(0)
            return httpx.Response(status, headers={"retry-after": "0"})
        body = json.loads(request.content)
        if requests is not None:
            requests.append(body)
        results = [
            {
                "id": item.get("id"),
                "reward": None if item["completion"] == "null" else float(len(item["completion"])),
                "scores": {"format": 1.0},
                "error": {"code": "x", "message": "y"} if item["completion"] == "null" else None,
            }
            for item in body["items"]
        ]
        return httpx.Response(200, json={"results": results})

    return handle


def test_results_in_order_across_batches_and_null_is_nan() -> None:
    seen: list[dict] = []
    client = RewardClient("http://t", FAST, httpx.MockTransport(echo_service(requests=seen)))
    items = [{"id": i, "completion": "x" * i} for i in range(1, 8)] + [{"completion": "null"}]
    scored = client.score(items, reward={"weights": {"format": 1.0}})
    assert [s.reward for s in scored[:7]] == [float(i) for i in range(1, 8)]
    assert math.isnan(scored[7].reward) and scored[7].error == {"code": "x", "message": "y"}
    assert [len(b["items"]) for b in seen] == [3, 3, 2]  # split into batches
    assert seen[0]["reward"] == {"weights": {"format": 1.0}}


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retries_transient_failures(status: int) -> None:
    client = RewardClient("http://t", FAST, httpx.MockTransport(echo_service([status, status])))
    assert client.score([{"completion": "abc"}])[0].reward == 3.0


def test_retries_connect_errors() -> None:
    calls = {"n": 0}
    inner = echo_service()

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] < 3:
            raise httpx.ConnectError("refused")
        return inner(request)

    client = RewardClient("http://t", FAST, httpx.MockTransport(flaky))
    assert client.score([{"completion": "ab"}])[0].reward == 2.0 and calls["n"] == 3


def test_gives_up_after_retries_and_never_retries_4xx() -> None:
    broken = RewardClient("http://t", FAST, httpx.MockTransport(echo_service([503] * 10)))
    with pytest.raises(RewardServiceError, match="after 4 attempts"):
        broken.score([{"completion": "a"}])
    refused = RewardClient("http://t", FAST, httpx.MockTransport(echo_service([422])))
    with pytest.raises(RewardServiceError, match="422"):
        refused.score([{"completion": "a"}])


def test_honours_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("verireward.policy_client.reward_client.time.sleep", slept.append)

    def handler(request: httpx.Request) -> httpx.Response:
        if not slept:
            return httpx.Response(503, headers={"retry-after": "7"})
        return echo_service()(request)

    options = ClientOptions(retries=2, max_backoff_s=30)
    RewardClient("http://t", options, httpx.MockTransport(handler)).score([{"completion": "a"}])
    assert slept == [7.0]


def test_async_client_caps_concurrency_and_keeps_order() -> None:
    in_flight = {"now": 0, "peak": 0}
    inner = echo_service()

    async def handler(request: httpx.Request) -> httpx.Response:
        in_flight["now"] += 1
        in_flight["peak"] = max(in_flight["peak"], in_flight["now"])
        await asyncio.sleep(0.01)
        in_flight["now"] -= 1
        return inner(request)

    async def run() -> list[float]:
        options = ClientOptions(batch_size=2, max_concurrency=3)
        client = AsyncRewardClient("http://t", options, httpx.MockTransport(handler))
        scored = await client.score([{"completion": "x" * i} for i in range(1, 21)])
        await client.aclose()
        return [s.reward for s in scored]

    assert asyncio.run(run()) == [float(i) for i in range(1, 21)]
    assert in_flight["peak"] == 3


@pytest.mark.integration
def test_against_the_real_service(live_server: str) -> None:
    with RewardClient(live_server) as client:
        scored = client.score(
            [
                {"completion": "<think>2+2</think> <answer>4</answer>", "answer": "4"},
                {"completion": "<think>2+2</think> <answer>4</answer>", "answer": "\\frac{1}{"},
            ]
        )
    assert scored[0].reward == pytest.approx(1.1) and scored[0].scores["math"] == 1.0
    assert math.isnan(scored[1].reward) and scored[1].error["code"] == "reference_unparseable"
