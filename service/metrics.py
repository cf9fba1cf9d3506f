"""Prometheus metrics of one app instance (its own registry, so tests can build many apps)."""

from __future__ import annotations

import collections
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from verireward.verifiers import Status

_LATENCY_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class ServiceMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "verireward_requests", "HTTP requests", ["route", "status"], registry=self.registry
        )
        self.request_seconds = Histogram(
            "verireward_request_seconds",
            "HTTP request latency",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.items = Counter(
            "verireward_items",
            "verifier checks by outcome",
            ["verifier", "outcome"],
            registry=self.registry,
        )
        self.verifier_seconds = Histogram(
            "verireward_verifier_seconds",
            "time of one verifier check",
            ["verifier"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

        self.inflight_items = Gauge(
            "verireward_inflight_items", "items being scored now", registry=self.registry
        )
        self.capacity_items = Gauge(
            "verireward_capacity_items",
            "items that may be in flight (max_inflight_items)",
            registry=self.registry,
        )
        self.rejected = Counter(
            "verireward_overload_rejections", "requests refused with 503", registry=self.registry
        )
        self.disconnects = Counter(
            "verireward_client_disconnects",
            "requests cancelled because the client left",
            registry=self.registry,
        )

    def observe_verdicts(self, verifier: str, outcomes: list[tuple[Status, float]]) -> None:
        counts = collections.Counter(status for status, _ in outcomes)
        for status, count in counts.items():
            self.items.labels(verifier, status.value).inc(count)
        histogram = self.verifier_seconds.labels(verifier)
        for _, seconds in outcomes:
            histogram.observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Counts and times every HTTP request by route template (not raw path: bounded labels)."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status_code = 500
        start = time.perf_counter()

        async def capture(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(route, str(status_code)).inc()
            self.metrics.request_seconds.labels(route).observe(time.perf_counter() - start)
