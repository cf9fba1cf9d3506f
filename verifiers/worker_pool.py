"""Worker processes for verifiers that may hang or blow up (sympy, sandboxes).

Built on pebble's ``ProcessPool``: a task past its deadline has its worker killed and replaced,
which a thread or ``signal.alarm`` cannot do from inside a web server. Workers start from a
forkserver (no copy of the server's threads) and each has an address-space cap, so a runaway
computation dies alone.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pebble import ProcessExpired, ProcessPool
from verireward.verifiers.protocol import Item, Verdict, Verifier


def _limit_memory(memory_mb: int | None) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _verify(verifier: Verifier, item: Item, params: Any) -> Verdict:
    try:
        return verifier.verify(item, params)
    except MemoryError:
        return Verdict.failed("memory_limit")
    except RecursionError:
        return Verdict.failed("too_deep")


class WorkerPool:
    """A fixed number of killable worker processes shared by all process verifiers."""

    def __init__(self, workers: int, memory_mb: int | None = 1024) -> None:
        self.workers = workers
        self._pool = ProcessPool(
            max_workers=workers,
            context=multiprocessing.get_context("forkserver"),
            initializer=_limit_memory,
            initargs=(memory_mb,),
        )

    async def verify(
        self, verifier: Verifier, item: Item, params: Any, timeout_s: float
    ) -> Verdict:
        future = self._pool.schedule(_verify, args=(verifier, item, params), timeout=timeout_s)
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            return Verdict.failed("timeout", deadline_s=timeout_s)
        except ProcessExpired as exc:
            return Verdict.error("worker_crashed", f"worker exited with code {exc.exitcode}")
        except asyncio.CancelledError:
            future.cancel()  # frees the worker when the client goes away
            raise

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=5)
