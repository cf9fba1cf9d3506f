"""Worker processes for verifiers that may hang or blow up (sympy, sandboxes), and that heal.

Our own small pool rather than pebble's ``ProcessPool``: pebble breaks for good once its
workers or the forkserver are killed from outside (``BrokenProcessPool``, then every task
fails), which is what the kernel's OOM killer does in a container. Here each of ``workers``
slots is a thread in the service that owns one worker process and a pipe to it:

- a task past its deadline has its worker SIGKILLed and replaced (a thread or
  ``signal.alarm`` cannot stop sympy from inside a web server);
- a worker that dies (killed, segfault, ``os._exit``), idle or busy, is noticed by its pipe
  closing and replaced; the busy one's task fails with ``WorkerCrashed`` (the engine retries it
  once on a fresh worker, then marks the item ``worker_crashed``);
- workers start from a forkserver that has the process verifiers' modules imported
  (``preload``), so a replacement is ready in milliseconds; a killed forkserver is restarted
  by ``multiprocessing`` on the next start, and a failed start is retried with backoff;
- ``ready()`` is true only while some worker is alive: ``/readyz`` answers 503 while the pool
  cannot score, and when no worker can start, queued tasks fail at once instead of hanging.

The pool's process adopts and reaps what dies below it (``orphans``): a killed worker's sandbox
processes would otherwise wait for PID 1 to reap them, spending their slot's process limit.
Each worker has an address-space cap, so a runaway computation dies alone. The pipe, not the
``multiprocessing`` sentinel, tells whether a worker lives: a forkserver child's sentinel reads
as dead once the forkserver is gone, although the worker is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from verireward.verifiers import orphans

log = logging.getLogger(__name__)
_IDLE_CHECK_S = 0.5  # how often an idle slot checks that its worker still lives
_POLL_S = 0.1  # how often a busy slot looks at its deadline and at cancellation
_START_TIMEOUT_S = 60.0  # a restarted forkserver imports sympy first
_BACKOFF_S = (0.05, 0.2, 0.5, 1.0, 2.0)
# With no live worker for this long, queued tasks fail (worker_crashed) instead of waiting: a
# killed forkserver takes seconds to come back (it imports sympy), a broken host never does.
_NO_WORKER_GRACE_S = 10.0


class TaskTimeout(Exception):
    """The task ran past its deadline; its worker was killed."""


class WorkerCrashed(Exception):
    """The worker running the task died (killed, segfault, os._exit), or none could start."""


class WorkerRaised(Exception):
    """The task raised inside the worker; carries the type name, message and traceback text."""

    def __init__(self, kind: str, message: str, trace: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind, self.message, self.trace = kind, message, trace


def _worker_main(conn: Connection, memory_mb: int | None, imports: tuple[str, ...]) -> None:
    """The worker process: run ``(fn, args)`` messages until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the service decides when workers stop
    for module in imports:  # before "ready": an import never eats into a task's deadline
        importlib.import_module(module)  # (a no-op when the forkserver preloaded it)
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(("ready", os.getpid()))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return  # the service is gone or closed us
        try:
            outcome: tuple[str, Any] = ("ok", fn(*args))
        except BaseException as exc:  # everything must reach the engine as data
            outcome = ("raised", (type(exc).__name__, str(exc)[:500], traceback.format_exc()))
        try:
            conn.send(outcome)
        except Exception as exc:  # a result that does not pickle is the verifier's bug
            conn.send(("raised", (type(exc).__name__, f"result did not pickle: {exc}", "")))


class _Worker:
    def __init__(self, context: Any, memory_mb: int | None, imports: tuple[str, ...]) -> None:
        parent, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=_worker_main, args=(child, memory_mb, imports), daemon=True
        )
        try:
            self.process.start()
        finally:
            child.close()  # only the worker holds its end: its death closes the pipe
        self.conn: Connection = parent
        if not parent.poll(_START_TIMEOUT_S):
            self.kill()
            raise OSError("worker did not start in time")
        try:
            parent.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise OSError(f"worker died while starting: {exc!r}") from exc

    def alive(self) -> bool:
        # An idle worker never writes: a readable pipe means it closed (the worker died).
        try:
            return not self.conn.poll(0)
        except OSError:
            return False

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError, TypeError):
            os.kill(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.conn.close()
        with contextlib.suppress(Exception):
            self.process.join(timeout=1)  # reaped by the forkserver; this drops our handle
        if self.process.pid is not None:  # or by us, if the forkserver died before it
            orphans.reap_when_dead(self.process.pid)


@dataclass(eq=False)
class _Job:
    fn: Callable[..., Any]
    args: tuple
    timeout_s: float
    future: Future = field(default_factory=Future)
    abandoned: threading.Event = field(default_factory=threading.Event)


class WorkerPool:
    """``workers`` killable worker processes shared by all process verifiers; see the module."""

    def __init__(
        self, workers: int, memory_mb: int | None = 1024, preload: Iterable[str] = ()
    ) -> None:
        self.workers = workers
        self._memory_mb = memory_mb
        self._context = multiprocessing.get_context("forkserver")
        self._imports: tuple[str, ...] = tuple(sorted(set(preload)))
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._current: list[_Worker | None] = [None] * workers
        self._lock = threading.Lock()
        self._closing = False
        self.restarts = 0  # workers replaced after dying, being killed at a deadline, ...
        self.start_failures = 0
        self._last_live = time.monotonic()
        self._threads: list[threading.Thread] = []

    def start(self, preload: Iterable[str] = ()) -> None:
        """Start the workers (idempotent; ``run`` starts them too). ``preload``: modules every
        worker imports before taking tasks (the engine passes its process verifiers')."""
        with self._lock:
            if self._threads or self._closing:
                return
            orphans.adopt_orphans()  # what dies below us comes back here to be reaped
            self._imports = tuple(sorted({*self._imports, *preload}))
            if self._imports:  # takes effect when the forkserver (re)starts
                self._context.set_forkserver_preload(list(self._imports))
            self._threads = [
                threading.Thread(target=self._slot, args=(i,), name=f"worker-{i}", daemon=True)
                for i in range(self.workers)
            ]
            for thread in self._threads:
                thread.start()

    def live(self) -> int:
        return sum(worker is not None for worker in self._current)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for operators and fault tests)."""
        return [w.process.pid for w in self._current if w is not None and w.process.pid]

    def ready(self) -> bool:
        """True while at least one worker is alive to take tasks."""
        return not self._closing and self.live() > 0

    def wait_ready(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while not self.ready() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.ready()

    def state(self) -> dict[str, int]:
        return {
            "workers": self.workers,
            "live": self.live(),
            "restarts": self.restarts,
            "start_failures": self.start_failures,
        }

    async def run(self, fn: Callable[..., Any], args: tuple, timeout_s: float) -> Any:
        """``fn(*args)`` in a worker; raises TaskTimeout, WorkerCrashed or WorkerRaised."""
        if self._closing:
            raise WorkerCrashed("the worker pool is shut down")
        self.start()
        job = _Job(fn, args, timeout_s)
        self._jobs.put(job)
        try:
            return await asyncio.wrap_future(job.future)
        except asyncio.CancelledError:
            job.abandoned.set()  # the client went away: its worker is killed and replaced
            job.future.cancel()
            raise

    def close(self) -> None:
        with self._lock:
            self._closing = True
        for _ in self._threads:
            self._jobs.put(None)
        for index, worker in enumerate(self._current):
            if worker is not None:
                worker.kill()
                self._current[index] = None
        for thread in self._threads:
            thread.join(timeout=5)

    def _slot(self, index: int) -> None:
        failures = 0
        while not self._closing:
            if self._current[index] is None:
                worker = self._start()
                if worker is None:
                    failures += 1
                    stranded = time.monotonic() - self._last_live > _NO_WORKER_GRACE_S
                    if self.live() == 0 and stranded:
                        self._fail_waiting("no worker process can be started")
                    time.sleep(_BACKOFF_S[min(failures, len(_BACKOFF_S)) - 1])
                    continue
                failures = 0
                self._current[index] = worker
            if self.live():
                self._last_live = time.monotonic()
            try:
                job = self._jobs.get(timeout=_IDLE_CHECK_S)
            except queue.Empty:
                self._check_idle(index)
                continue
            if job is None:
                break
            if job.future.set_running_or_notify_cancel():
                self._execute(index, job)

    def _start(self) -> _Worker | None:
        try:
            return _Worker(self._context, self._memory_mb, self._imports)
        except Exception as exc:  # fork failing, a dead forkserver restarting, EAGAIN...
            with self._lock:
                self.start_failures += 1
            log.warning("could not start a worker process: %r", exc)
            return None

    def _check_idle(self, index: int) -> None:
        worker = self._current[index]
        if worker is not None and not worker.alive():
            log.warning("idle worker %s died; replacing it", worker.process.pid)
            self._discard(index)

    def _discard(self, index: int) -> None:
        worker = self._current[index]
        self._current[index] = None
        if worker is not None:
            worker.kill()
            with self._lock:
                self.restarts += 1

    def _fail_waiting(self, why: str) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is None:
                self._jobs.put(None)
                return
            if job.future.set_running_or_notify_cancel():
                job.future.set_exception(WorkerCrashed(why))

    def _execute(self, index: int, job: _Job) -> None:
        worker = self._current[index]
        assert worker is not None
        if not worker.alive():  # died while idle: the task has not started, start it afresh
            self._discard(index)
            worker = self._start()
            if worker is None:
                job.future.set_exception(WorkerCrashed("no worker process could be started"))
                return
            self._current[index] = worker
        try:
            worker.conn.send((job.fn, job.args))
        except (OSError, EOFError) as exc:
            self._discard(index)
            job.future.set_exception(WorkerCrashed(f"worker died before the task: {exc!r}"))
            return
        except Exception as exc:  # the task itself does not pickle
            job.future.set_exception(WorkerRaised(type(exc).__name__, str(exc), ""))
            return
        self._await_result(index, worker, job)

    def _await_result(self, index: int, worker: _Worker, job: _Job) -> None:
        deadline = time.monotonic() + job.timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or job.abandoned.is_set():
                self._discard(index)
                job.future.set_exception(TaskTimeout(f"deadline {job.timeout_s:g} s"))
                return
            try:
                if not worker.conn.poll(min(remaining, _POLL_S)):
                    continue
                status, value = worker.conn.recv()
            except (EOFError, OSError):
                pid = worker.process.pid
                self._discard(index)
                job.future.set_exception(WorkerCrashed(f"worker {pid} died during the task"))
                return
            except Exception as exc:  # a result that does not unpickle here
                job.future.set_exception(WorkerRaised(type(exc).__name__, str(exc), ""))
                return
            if status == "raised":
                job.future.set_exception(WorkerRaised(*value))
            else:
                job.future.set_result(value)
            return
