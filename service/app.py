"""Builds the FastAPI app; nothing else lives here."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from verireward.sandbox.unsandboxed import WARNING as UNSANDBOXED_WARNING
from verireward.service import docs, health, openrlhf, profiles, routes
from verireward.service.admission import Admission
from verireward.service.body_limit import BodyLimitMiddleware
from verireward.service.metrics import MetricsMiddleware, ServiceMetrics
from verireward.service.openrlhf import OpenRLHFRequest
from verireward.service.request_log import RequestIdMiddleware, configure_logging
from verireward.service.schemas import ScoreRequest
from verireward.service.settings import Settings
from verireward.verifiers import (
    EngineLimits,
    ScoringEngine,
    VerifierConfig,
    VerifierRegistry,
    WorkerPool,
    load_registry,
)

log = logging.getLogger("verireward")


def create_app(
    settings: Settings | None = None, registry: VerifierRegistry | None = None
) -> FastAPI:
    """The service. ``registry`` defaults to the installed entry points, loaded at start-up."""
    metrics = ServiceMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(app.state.settings.log_level, app.state.settings.log_json)
        app.state.engine = build_engine(app.state.settings, registry, metrics)
        try:  # a bad profiles file stops the service at start-up, naming the profile
            app.state.profiles = profiles.load_profiles(
                app.state.settings.profiles_file, app.state.engine.registry
            )
        except profiles.ProfileError:
            if app.state.engine.pool is not None:
                app.state.engine.pool.close()
            raise
        unavailable = app.state.engine.registry.unavailable()
        for name, reason in unavailable.items():
            log.warning("verifier %s unavailable: %s", name, reason)
        code = app.state.engine.registry.get("code")
        if getattr(code, "sandbox_backend", None) == "none":
            log.warning(UNSANDBOXED_WARNING)
        # What start-up built (sympy, FastAPI, the verifiers) lives as long as the service:
        # frozen, a full collection walks only what requests made (it walked all of it, ~140 ms
        # each, about once per 10 batches of 256 math items: 25-30% of the GRPO bench's time).
        # Young garbage goes first; the cheap collection keeps test start-ups cheap too.
        gc.collect(1)
        gc.freeze()
        try:
            yield
        finally:
            app.state.engine.close()

    # The docs pages and the schema are served by service/docs.py (offline assets, API key).
    app = FastAPI(
        title="verireward",
        version="0.1.0",
        description=docs.DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings or Settings()
    app.state.metrics = metrics
    app.state.admission = Admission(
        app.state.settings.max_inflight_items, app.state.settings.retry_after_s, metrics
    )
    app.include_router(health.open_router)
    app.include_router(health.router)
    app.include_router(routes.router)
    app.include_router(openrlhf.router)
    app.include_router(profiles.router)
    docs.install_docs(app)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=app.state.settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    if app.state.settings.cors_origins:  # off unless origins are configured
        app.add_middleware(
            CORSMiddleware,
            allow_origins=app.state.settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "x-request-id"],
        )
    app.add_middleware(RequestIdMiddleware)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def build_engine(
    settings: Settings, registry: VerifierRegistry | None, metrics: ServiceMetrics | None = None
) -> ScoringEngine:
    if registry is None:  # settings reach verifiers once, here, never through the environment
        registry = load_registry(config=VerifierConfig(sandbox_backend=settings.sandbox_backend))
    needs_pool = any(v.execution == "process" for v in registry.values())
    pool = (
        WorkerPool(settings.verifier_processes, settings.verifier_memory_mb) if needs_pool else None
    )
    limits = EngineLimits(
        max_completion_chars=settings.max_completion_chars,
        default_timeout_s=settings.verifier_timeout_s,
        cache_size=settings.cache_size,
    )
    observe = metrics.observe_verdicts if metrics else None
    return ScoringEngine(registry, pool, limits, observe)


def _openapi(app: FastAPI) -> dict[str, Any]:
    # The scoring routes validate their bodies by hand (fast path); publish what they validate.
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ScoreRequest, OpenRLHFRequest):
            body = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(body.pop("$defs", {}))
            components[model.__name__] = body
        docs.describe_score(schema)
        app.openapi_schema = schema
    return app.openapi_schema
