"""Liveness, readiness and metrics endpoints."""

from __future__ import annotations

import os
import socket
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from verireward.sandbox.unsandboxed import WARNING as UNSANDBOXED_WARNING
from verireward.service.auth import ApiKeyDep

open_router = APIRouter()
router = APIRouter(dependencies=[ApiKeyDep])


@open_router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the event loop answers. Never touches verifiers or workers."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Ready while the service can score: verifiers loaded, a worker alive (when there are process
    verifiers), not draining for shutdown. 503 otherwise, with the reason; lists unavailable
    verifiers."""
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    pool = engine.pool
    body: dict[str, Any] = {
        "status": "ready",
        "verifiers": sorted(engine.registry),
        "unavailable": engine.registry.unavailable(),
        "worker_processes": pool.workers if pool else 0,
        "workers": pool.state() if pool else None,
        "sandbox_backend": _sandbox_backend(engine),
        "sandbox_python": _sandbox_python(engine),
        "replica": f"{socket.gethostname()}:{os.getpid()}",
    }
    if body["sandbox_backend"] == "none":
        body["warnings"] = [UNSANDBOXED_WARNING]
    if getattr(request.app.state, "draining", False):
        return JSONResponse({**body, "status": "draining"}, status_code=503)
    if pool is not None and not pool.ready():
        return JSONResponse({**body, "status": "no_live_workers"}, status_code=503)
    return JSONResponse(body)


def _sandbox_backend(engine: Any) -> str | None:
    """What the code verifier really runs candidate code in (None: no code verifier)."""
    code = engine.registry.get("code")
    return getattr(code, "sandbox_backend", None) if code is not None else None


def _sandbox_python(engine: Any) -> Any:
    """The interpreter and packages candidate Python programs get (None: no code verifier)."""
    code = engine.registry.get("code")
    return getattr(code, "sandbox_python", None) if code is not None else None


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
