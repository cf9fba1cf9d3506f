"""Every knob of the service, read from ``VERIREWARD_*`` environment variables (or ``.env``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VERIREWARD_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, description="uvicorn worker processes")
    api_key: SecretStr | None = Field(None, description="bearer token; unset = no auth")
    docs_public: bool = Field(
        False, description="serve /docs, /redoc and /openapi.json without the API key"
    )

    max_body_bytes: int = Field(64 * 1024 * 1024, ge=1024, description="413 above this")
    max_items: int = Field(16_384, ge=1, description="items per request; 413 above this")
    max_completion_chars: int = Field(
        200_000, ge=1, description="longer completions score 0 with reason too_long"
    )

    max_inflight_items: int = Field(
        65_536, ge=1, description="items being scored at once; beyond, 503 + Retry-After"
    )
    retry_after_s: int = Field(1, ge=0, description="Retry-After of an overload 503")
    shutdown_grace_s: float = Field(
        30.0, ge=0, description="on SIGTERM, time given to in-flight requests"
    )
    drain_linger_s: float = Field(
        1.0, ge=0, description="on SIGTERM, 503s go on this long after in-flight work is done"
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="allowed CORS origins; empty: CORS off"
    )
    log_json: bool = Field(True, description="structured JSON logs")
    log_level: str = Field("info", description="debug logs include completion text")
    ray_address: str | None = Field(None, description="Ray cluster ('auto'); unset: local Ray")
    ray_replicas: int = Field(2, ge=1, description="Serve replicas (the minimum if autoscaling)")
    ray_max_replicas: int = Field(2, ge=1, description="> ray_replicas turns autoscaling on")
    ray_replica_cpus: float = Field(1.0, gt=0, description="CPUs reserved per replica")
    ray_max_ongoing_requests: int = Field(32, ge=1, description="per replica")
    ray_target_ongoing_requests: float = Field(4.0, gt=0, description="autoscaling target")
    verifier_processes: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, description="math/code worker pool"
    )
    verifier_memory_mb: int = Field(1024, ge=64, description="address-space cap per worker")
    verifier_timeout_s: float = Field(5.0, gt=0, description="default per-item deadline")
    sandbox_backend: Literal["bwrap", "none"] = Field(
        "bwrap",
        description="code sandbox, handed to the code verifier when the registry builds it;"
        " 'none' runs candidate code UNSANDBOXED (rlimits only)",
    )
    sandbox_first_uid: int = Field(
        61_000,
        ge=1000,
        description="first of the 64 per-slot sandbox uids (read by sandbox/slots.py from this"
        " environment variable); services sharing a machine need ranges of their own",
    )
    cache_size: int = Field(65_536, ge=0, description="LRU entries of verdicts across batches")
    profiles_file: Path | None = Field(
        None, description="JSON/TOML file of named reward specs served under /profiles/<name>/"
    )
