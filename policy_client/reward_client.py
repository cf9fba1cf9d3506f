"""HTTP client of ``POST /score`` for trainers: pooled, capped, batched, retried, ordered.

``null`` rewards come back as NaN so a trainer can mask them (TRL's ``None``). The transport is
injectable (``httpx.MockTransport``, or an ASGI app) so tests need no network.

    client = RewardClient("http://127.0.0.1:8000")
    scored = client.score([{"completion": "...", "answer": "14"}])
    scored[0].reward  # 1.1, or nan when the service could not judge the item

The API key is ``ClientOptions.api_key``, else ``VERIREWARD_API_KEY`` from the environment, else
the URL's user-info (``http://any:KEY@host:8000``, sent as basic auth). A base URL may carry a
profile path (``http://host:8000/profiles/r1-distill``): requests then go to its ``/score``.
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class ScoredItem:
    reward: float  # NaN: the service could not judge it (mask it)
    scores: dict[str, float]
    error: dict[str, str] | None = None
    details: dict[str, Any] = field(default_factory=dict)
    id: Any = None


@dataclass(frozen=True)
class ClientOptions:
    batch_size: int = 512  # items per request
    max_concurrency: int = 8  # requests in flight (async client)
    timeout_s: float = 120.0
    retries: int = 5
    backoff_s: float = 0.5  # first retry delay; doubles, with full jitter
    max_backoff_s: float = 30.0
    api_key: str | None = None


class RewardServiceError(RuntimeError):
    """The service refused the request for good (4xx) or kept failing after every retry."""


def _batches(
    items: Sequence[Mapping[str, Any]], size: int
) -> Iterator[Sequence[Mapping[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _body(items: Sequence[Mapping[str, Any]], reward: Mapping[str, Any] | None) -> bytes:
    document: dict[str, Any] = {"items": list(items)}
    if reward:
        document["reward"] = dict(reward)
    return orjson.dumps(document)


def _headers(options: ClientOptions) -> dict[str, str]:
    headers = {"content-type": "application/json"}
    key = options.api_key or os.environ.get("VERIREWARD_API_KEY")
    if key:
        headers["authorization"] = f"Bearer {key}"
    return headers


def _parse(response: httpx.Response, expected: int) -> list[ScoredItem]:
    results = orjson.loads(response.content)["results"]
    if len(results) != expected:
        raise RewardServiceError(f"asked for {expected} results, got {len(results)}")
    return [
        ScoredItem(
            reward=math.nan if r["reward"] is None else float(r["reward"]),
            scores=r.get("scores") or {},
            error=r.get("error"),
            details=r.get("details") or {},
            id=r.get("id"),
        )
        for r in results
    ]


def _delay(attempt: int, response: httpx.Response | None, options: ClientOptions) -> float:
    if response is not None and "retry-after" in response.headers:
        try:
            return min(float(response.headers["retry-after"]), options.max_backoff_s)
        except ValueError:
            pass
    ceiling = min(options.max_backoff_s, options.backoff_s * 2**attempt)
    return random.uniform(0, ceiling)  # full jitter: retries of many trainers spread out


def _should_retry(response: httpx.Response) -> bool:
    if response.status_code in RETRY_STATUSES:
        return True
    if response.status_code >= 400:
        raise RewardServiceError(f"{response.status_code}: {response.text[:500]}")
    return False


class RewardClient:
    """Synchronous client; batches go one after another."""

    def __init__(
        self,
        base_url: str,
        options: ClientOptions | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.options = options or ClientOptions()
        self._http = httpx.Client(
            base_url=base_url,
            timeout=self.options.timeout_s,
            transport=transport,
            headers=_headers(self.options),
        )

    def score(
        self, items: Sequence[Mapping[str, Any]], reward: Mapping[str, Any] | None = None
    ) -> list[ScoredItem]:
        scored: list[ScoredItem] = []
        for batch in _batches(items, self.options.batch_size):
            scored += self._post(batch, reward)
        return scored

    def _post(self, batch: Sequence[Mapping[str, Any]], reward: Any) -> list[ScoredItem]:
        body = _body(batch, reward)
        for attempt in range(self.options.retries + 1):
            response = None
            try:
                response = self._http.post("/score", content=body)
                if not _should_retry(response):
                    return _parse(response, len(batch))
            except (httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError):
                pass
            if attempt < self.options.retries:
                time.sleep(_delay(attempt, response, self.options))
        raise RewardServiceError(f"/score failed after {self.options.retries + 1} attempts")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RewardClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncRewardClient:
    """Asynchronous client; batches go concurrently, at most ``max_concurrency`` at a time."""

    def __init__(
        self,
        base_url: str,
        options: ClientOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.options = options or ClientOptions()
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=self.options.timeout_s,
            transport=transport,
            headers=_headers(self.options),
        )
        self._slots = asyncio.Semaphore(self.options.max_concurrency)

    async def score(
        self, items: Sequence[Mapping[str, Any]], reward: Mapping[str, Any] | None = None
    ) -> list[ScoredItem]:
        batches = list(_batches(items, self.options.batch_size))
        done = await asyncio.gather(*(self._post(b, reward) for b in batches))
        return [item for batch in done for item in batch]

    async def _post(self, batch: Sequence[Mapping[str, Any]], reward: Any) -> list[ScoredItem]:
        body = _body(batch, reward)
        for attempt in range(self.options.retries + 1):
            response = None
            try:
                async with self._slots:
                    response = await self._http.post("/score", content=body)
                if not _should_retry(response):
                    return _parse(response, len(batch))
            except (httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError):
                pass
            if attempt < self.options.retries:
                await asyncio.sleep(_delay(attempt, response, self.options))
        raise RewardServiceError(f"/score failed after {self.options.retries + 1} attempts")

    async def aclose(self) -> None:
        await self._http.aclose()
