"""Where a model server is and how hard it may be pushed: read once from the environment when
the verifier is built (prefix ``VERIREWARD_JUDGE_`` or ``VERIREWARD_REWARD_MODEL_``).

These are deployment settings, not request params: a request may choose the mode or the
template, never the endpoint (the service would become a proxy to anywhere) or the limits that
protect the model server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class EndpointConfig:
    url: str | None = None  # base URL, e.g. http://127.0.0.1:8001 (None: not configured)
    model: str | None = None  # model name sent in the body (None: not sent, the server's own)
    api: str | None = None  # reward models: vllm_pooling | vllm_score | tei_rerank | tei_predict
    api_key: str | None = None  # sent as a bearer token
    timeout_s: float = 30.0  # read/write timeout of one HTTP attempt
    connect_timeout_s: float = 2.0
    retries: int = 2  # further attempts after a failed one (connect error, timeout, 429, 5xx)
    backoff_s: float = 0.25  # first retry delay; doubles each attempt, with jitter
    max_backoff_s: float = 5.0  # cap on a delay, Retry-After included
    max_concurrency: int = 8  # requests in flight to this endpoint, all batches together
    rate_per_s: float = 0.0  # token bucket refill rate; 0: no rate limit
    burst: int = 8  # token bucket size
    queue_timeout_s: float = 60.0  # longest wait for a slot or a token before giving up
    cache_size: int = 65_536  # replies kept (LRU); 0 disables

    @classmethod
    def from_env(cls, prefix: str, env: Mapping[str, str] | None = None) -> EndpointConfig:
        """Every field from ``<prefix><FIELD>`` when set; a malformed number stops start-up."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(prefix + f.name.upper())
            if raw is None or raw == "":
                continue
            kind = type(getattr(cls(), f.name))
            if f.name in ("url", "api_key", "api", "model"):
                kind = str
            try:
                values[f.name] = kind(raw)
            except ValueError as exc:
                raise ValueError(f"{prefix}{f.name.upper()}={raw!r}: {exc}") from exc
        return cls(**values)  # type: ignore[arg-type]
