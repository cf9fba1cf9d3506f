"""Per-endpoint limits shared by every request of the process: a concurrency cap and a
token-bucket rate limit. Both are thread-safe because batch verifiers run in worker threads and
several batches may call the same endpoint at once."""

from __future__ import annotations

import threading
import time


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; ``acquire`` waits for one.

    A rate of 0 or less disables the limit.
    """

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._tokens = float(self.burst)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self, max_wait_s: float) -> bool:
        """Take one token, waiting up to ``max_wait_s``; False when none came in time."""
        if self.rate <= 0:
            return True
        deadline = time.monotonic() + max_wait_s
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return True
                wait = (1 - self._tokens) / self.rate
            if now + wait > deadline:
                return False
            time.sleep(wait)


class EndpointLimits:
    """The concurrency cap and the rate limit of one endpoint."""

    def __init__(self, max_concurrency: int, rate_per_s: float, burst: int) -> None:
        self.slots = threading.BoundedSemaphore(max(1, max_concurrency))
        self.bucket = TokenBucket(rate_per_s, burst)
