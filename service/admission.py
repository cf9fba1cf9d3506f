"""Backpressure: a bounded number of items in flight across all scoring endpoints.

When a request would exceed the bound it is refused at once with 503 and ``Retry-After``,
instead of queueing until trainers time out; the bound, the load and the refusals are in
``/metrics``. Single event loop, so plain counters suffice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from verireward.service.metrics import ServiceMetrics
from verireward.service.precision import round_results
from verireward.service.request_checks import error_response
from verireward.verifiers import Item, ItemResult, RewardSpec

T = TypeVar("T")
_DISCONNECT_POLL_S = 0.25


class Admission:
    def __init__(self, capacity_items: int, retry_after_s: int, metrics: ServiceMetrics) -> None:
        self.capacity = capacity_items
        self.retry_after_s = retry_after_s
        self.in_flight = 0
        self.metrics = metrics
        metrics.capacity_items.set(capacity_items)

    def full(self) -> bool:
        """Checked before the body is even read, so a storm is refused for almost nothing."""
        if self.in_flight >= self.capacity:
            self.metrics.rejected.inc()
            return True
        return False

    def try_acquire(self, items: int) -> bool:
        if self.in_flight + items > self.capacity and self.in_flight > 0:
            self.metrics.rejected.inc()
            return False
        self.in_flight += items
        self.metrics.inflight_items.set(self.in_flight)
        return True

    def release(self, items: int) -> None:
        self.in_flight -= items
        self.metrics.inflight_items.set(self.in_flight)

    def busy_response(self, message: str = "scoring capacity is full; retry later") -> JSONResponse:
        response = error_response(503, ["body"], message, "overloaded")
        response.headers["Retry-After"] = str(self.retry_after_s)
        return response


class ClientGone(Exception):
    """The client disconnected before its results were ready; its work was cancelled."""


async def unless_disconnected(request: Request, work: Awaitable[T]) -> T:
    """Run ``work``, cancelling it (and the worker processes it holds) if the client leaves."""
    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=_DISCONNECT_POLL_S)
            if done:
                return task.result()
            if await request.is_disconnected():
                task.cancel()
                raise ClientGone
    finally:
        if not task.done():
            task.cancel()


async def score_admitted(
    request: Request, items: list[Item], spec: RewardSpec
) -> list[ItemResult] | Response:
    """The scoring path shared by every endpoint: admission, disconnect watch, release."""
    if not items:
        return []
    admission: Admission = request.app.state.admission
    if not admission.try_acquire(len(items)):
        return admission.busy_response()
    try:
        results = await unless_disconnected(request, request.app.state.engine.score(items, spec))
        round_results(results)  # 0.3, not 0.30000000000000004, in every endpoint's response
        return results
    except ClientGone:
        admission.metrics.disconnects.inc()
        return Response(status_code=499)  # nginx's "client closed request"; nobody reads it
    finally:
        admission.release(len(items))
