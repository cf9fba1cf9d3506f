"""Pre-started sandboxes: bubblewrap and the runner already up, waiting on stdin for a job, so
that a submission costs a write, not a sandbox start. Each is used by one submission only and
torn down after it; the pool starts a replacement at once (starting is asynchronous: ``Popen``
returns in a few milliseconds while the sandbox comes up beside the current run)."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from verireward.sandbox.job import Limits


@dataclass
class Started:
    process: subprocess.Popen[bytes]
    uid: int | None  # the slot uid it runs as (root only)
    handle: IO[Any] | None  # the slot's lock, held until it is released


class WarmPool:
    def __init__(
        self,
        size: int,
        start: Callable[[], Started | None],
        release: Callable[[Started], None],
    ) -> None:
        self.size = size
        self._start, self._release = start, release
        self._idle: list[Started] = []
        self._starting = 0  # spares being started right now (outside the lock)
        self._lock = threading.Lock()

    @staticmethod
    def fits(limits: Limits) -> bool:
        """Pre-started sandboxes have the default process, file and /tmp limits."""
        default = Limits()
        return (limits.max_processes, limits.max_file_mb, limits.max_open_files, limits.tmp_mb) == (
            default.max_processes,
            default.max_file_mb,
            default.max_open_files,
            default.tmp_mb,
        )

    def take(self, limits: Limits) -> Started | None:
        """A live pre-started sandbox for these limits, or None (start one the usual way)."""
        if self.size <= 0 or not self.fits(limits):
            return None
        with self._lock:
            while self._idle:
                started = self._idle.pop(0)
                if started.process.poll() is None:
                    return started
                self._release(started)  # died while waiting (killed from outside)
        return None

    def fill(self) -> None:
        """Start spares until the pool is full. Several threads may fill at once: each start
        happens outside the lock, so spares come up side by side on several cores."""
        while True:
            with self._lock:
                if len(self._idle) + self._starting >= self.size:
                    return
                self._starting += 1
            started = None
            try:
                started = self._start()
            finally:
                with self._lock:
                    self._starting -= 1
                    if started is not None:
                        self._idle.append(started)
            if started is None:  # no free slot: run without a spare
                return

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for started in idle:
            self._release(started)
