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
import traceback
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pebble import ProcessExpired, ProcessPool


class TaskTimeout(Exception):
    """The task ran past its deadline; its worker was killed."""


class WorkerCrashed(Exception):
    """The worker running the task died (killed, segfault, os._exit)."""


class WorkerRaised(Exception):
    """The task raised inside the worker; carries the type name, message and traceback text."""

    def __init__(self, kind: str, message: str, trace: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind, self.message, self.trace = kind, message, trace


def _limit_memory(memory_mb: int | None) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _guarded(fn: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    """Runs in the worker: an exception comes back as data (exceptions may not pickle)."""
    try:
        return "ok", fn(*args)
    except BaseException as exc:
        return "raised", (type(exc).__name__, str(exc)[:500], traceback.format_exc()[-4000:])


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

    async def run(self, fn: Callable[..., Any], args: tuple, timeout_s: float) -> Any:
        """``fn(*args)`` in a worker; raises TaskTimeout, WorkerCrashed or WorkerRaised."""
        future = self._pool.schedule(_guarded, args=(fn, args), timeout=timeout_s)
        try:
            status, value = await asyncio.wrap_future(future)
        except FutureTimeout as exc:
            raise TaskTimeout(f"deadline {timeout_s} s") from exc
        except ProcessExpired as exc:
            raise WorkerCrashed(f"worker exited with code {exc.exitcode}") from exc
        except asyncio.CancelledError:
            future.cancel()  # frees the worker when the client goes away
            raise
        if status == "raised":
            raise WorkerRaised(*value)
        return value

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=5)
