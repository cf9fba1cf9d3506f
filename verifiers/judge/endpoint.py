"""One model server endpoint: a pooled httpx client with explicit timeouts, the endpoint's
concurrency cap and rate limit, and retries with exponential backoff.

Every way the server can fail (refused connection, timeout, 5xx, 429 past the retries, a body
that is not JSON) ends in ``EndpointUnavailable``; callers turn it into a typed per-item error
with ``reward: null``, never a score.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
from verireward.verifiers.judge.config import EndpointConfig
from verireward.verifiers.judge.limits import EndpointLimits

T = TypeVar("T")
R = TypeVar("R")
_RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class EndpointUnavailable(Exception):
    """The server gave no usable answer; ``str(exc)`` says why, for the item's error message."""


class ModelEndpoint:
    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.limits = EndpointLimits(config.max_concurrency, config.rate_per_s, config.burst)
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def client(self) -> httpx.Client:
        # Built on first use, not at start-up: the registry instantiates every verifier.
        with self._client_lock:
            if self._client is None:
                c = self.config
                headers = {"authorization": f"Bearer {c.api_key}"} if c.api_key else {}
                self._client = httpx.Client(
                    base_url=c.url or "",
                    headers=headers,
                    timeout=httpx.Timeout(c.timeout_s, connect=c.connect_timeout_s),
                    limits=httpx.Limits(
                        max_connections=c.max_concurrency,
                        max_keepalive_connections=c.max_concurrency,
                    ),
                    trust_env=False,  # a judge on loopback must not go through a proxy
                )
            return self._client

    def map(self, call: Callable[[T], R], args: Iterable[T]) -> list[R]:
        """``call`` over ``args`` in threads; the semaphore, not this pool, caps the endpoint's
        load across concurrent batches."""
        args = list(args)
        if len(args) <= 1:
            return [call(a) for a in args]
        with self._client_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.config.max_concurrency, "model-endpoint")
        return list(self._pool.map(call, args))

    def post_json(self, path: str, body: dict[str, Any]) -> Any:
        """POST ``body`` and return the decoded JSON reply, or raise ``EndpointUnavailable``."""
        c = self.config
        if not c.url:
            raise EndpointUnavailable("no endpoint configured")
        problem, hinted = "no attempt made", None
        for attempt in range(c.retries + 1):
            if attempt:
                time.sleep(self._delay(attempt, hinted))
                hinted = None
            if not self.limits.bucket.acquire(c.queue_timeout_s):
                raise EndpointUnavailable(f"rate limit: no token within {c.queue_timeout_s} s")
            if not self.limits.slots.acquire(timeout=c.queue_timeout_s):
                raise EndpointUnavailable(f"no free slot within {c.queue_timeout_s} s")
            try:
                response = self.client().post(path, json=body)
            except httpx.TimeoutException as exc:
                problem = f"timeout ({type(exc).__name__})"
                continue
            except httpx.TransportError as exc:
                problem = f"unreachable ({type(exc).__name__}: {exc})"
                continue
            finally:
                self.limits.slots.release()
            if response.status_code == 200:
                try:
                    return response.json()
                except ValueError:
                    problem = "reply is not JSON"
                    continue
            problem = f"HTTP {response.status_code}: {response.text[:200]}"
            if response.status_code not in _RETRYABLE_STATUS:
                raise EndpointUnavailable(problem)
            hinted = _retry_after(response)
        raise EndpointUnavailable(f"{problem} after {c.retries + 1} attempts")

    def _delay(self, attempt: int, hinted: float | None) -> float:
        c = self.config
        if hinted is not None:  # the server's Retry-After, capped
            return min(c.max_backoff_s, hinted)
        # Jitter: a batch whose calls all failed together must not retry in lockstep.
        base = c.backoff_s * 2 ** (attempt - 1)
        return min(c.max_backoff_s, base * (0.5 + random.random()))

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
