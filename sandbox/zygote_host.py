"""Host side of the sandbox zygote (``zygote.py``): pre-started sandboxes that cost a fork.

A ``Zygote`` is one bubblewrap sandbox (its own slot uid, held for its life) whose interpreter
has the runner imported and forks one sandbox per submission, one at a time: fresh mount, PID
and IPC namespaces, a fresh /tmp and /dev/shm, no capabilities. A ``ZygoteRun`` is one such
sandbox, with the parts of ``subprocess.Popen`` the runner protocol uses, so ``finish_runner``
drives it as it drives a bwrap process. ``ZygotePool`` keeps a few zygotes and hands out runs.

Measured on the development machine (``perf stat``, 200 runs 20 ms apart): a trivial run
(``print(1)``) costs 10 ms of CPU this way, against 36 ms in a fresh bwrap and interpreter.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import select
import signal
import socket
import subprocess
import threading
from collections.abc import Callable, Sequence
from typing import IO

from verireward.sandbox import slots
from verireward.sandbox.errors import SandboxUnavailable
from verireward.sandbox.job import Limits
from verireward.sandbox.runner_process import close_streams, start_runner

SET_UP_FAILED = 72  # zygote.py's status for a run it could not make

_READY_TIMEOUT_S = 10.0
_GIVE_UP_AFTER = 3  # zygote starts failed in a row, or runs zygotes could not make
# The zygote gone without a word: killed from outside, as a bwrap process SIGKILLed is
_KILLED = -signal.SIGKILL
# The zygote (two processes, see zygote.py) is of the slot uid too: RLIMIT_NPROC counts it beside
# bwrap's two processes and the runner, as for a fresh sandbox.
ZYGOTE_PROCESSES = 2


class ZygoteRun:
    """One submission's sandbox: stdin/stdout/stderr pipes, and its status from the zygote."""

    def __init__(
        self,
        zygote: Zygote,
        status: socket.socket,
        streams: Sequence[IO[bytes]],
        script: bool = False,
    ) -> None:
        self.zygote, self._status = zygote, status
        self.script = script  # made for an assert-mode job (its two processes forked)
        self.stdin, self.stdout, self.stderr = streams
        self.returncode: int | None = None
        self.pid = zygote.process.pid  # the process group that holds it (the zygote's bwrap)
        self._closed = False

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._status], [], [], 0)[0]:
            self._read_status()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._status], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired("zygote run", timeout or 0)
            self._read_status()
        assert self.returncode is not None
        return self.returncode

    def _read_status(self) -> None:
        try:
            data = self._status.recv(4)
        except OSError:
            data = b""
        if len(data) == 4:
            self.returncode = int.from_bytes(data, "big")
            if self.returncode == SET_UP_FAILED:  # this environment refuses what it needs
                self.zygote.set_up_failed = True
                self.zygote.lost()
        else:  # the zygote was killed: nothing ran to an end in there
            self.returncode = _KILLED
            self.zygote.lost()

    def kill_sandbox(self) -> None:
        """Hang up: the zygote kills the sandbox's first process, and the kernel every other."""
        with contextlib.suppress(OSError):
            self._status.shutdown(socket.SHUT_WR)

    def close(self, patience_s: float = 2.0) -> None:
        """Kill, wait until the zygote says the namespace is gone, free the zygote."""
        if self._closed:
            return
        self._closed = True
        self.kill_sandbox()
        try:
            self.wait(patience_s)
        except subprocess.TimeoutExpired:
            self.zygote.lost()  # a zygote that does not answer goes
        close_streams(self)
        self._status.close()
        self.zygote.done(self)


class Zygote:
    def __init__(self, argv: Sequence[str], preexec: Callable[[], None]) -> None:
        self.uid, self._handle = slots.acquire(keep_free=slots.KEEP_FREE)
        self._control, theirs = socket.socketpair()
        try:
            quiet = subprocess.DEVNULL
            self.process = start_runner(argv, preexec, "/", self.uid, (theirs, quiet, quiet))
        except SandboxUnavailable:
            self._control.close()
            slots.release(self.uid, self._handle)
            raise
        finally:
            theirs.close()
        self.busy = False
        self.alive = True
        self.set_up_failed = False  # a run it forked could not be made (see zygote.py)
        self._closed = False
        self._control.settimeout(_READY_TIMEOUT_S)
        try:
            ready = self._control.recv(1)
        except OSError:
            ready = b""
        if ready != b"R":
            self.close()
            raise SandboxUnavailable("the sandbox zygote did not start")
        self._control.settimeout(None)

    def fork(self, limits: Limits, rlimits: dict[str, int], script: bool = False) -> ZygoteRun:
        """A fresh sandbox from this zygote, its runner waiting on stdin for a job (``script``:
        with assert mode's processes already forked, for an assert-mode job)."""
        runner_in, job_w = os.pipe()
        out_r, runner_out = os.pipe()
        err_r, runner_err = os.pipe()
        status, zygote_status = socket.socketpair()
        request = marshal.dumps((limits.tmp_mb * 1024 * 1024, rlimits, script))
        try:
            sent = [runner_in, runner_out, runner_err, zygote_status.fileno()]
            socket.send_fds(self._control, [request], sent)
        except OSError as exc:
            for fd in (job_w, out_r, err_r):
                os.close(fd)
            status.close()
            self.lost()
            raise SandboxUnavailable(f"the sandbox zygote is gone: {exc}") from exc
        finally:
            for fd in (runner_in, runner_out, runner_err):
                os.close(fd)
            zygote_status.close()
        streams = (os.fdopen(job_w, "wb"), os.fdopen(out_r, "rb"), os.fdopen(err_r, "rb"))
        return ZygoteRun(self, status, streams, script)

    def lost(self) -> None:
        self.alive = False

    def done(self, run: ZygoteRun) -> None:
        self.busy = False
        if not self.alive:
            self.close()

    def close(self) -> None:
        self.alive = False
        if self._closed:  # a second release would empty the slot under its next holder
            return
        self._closed = True
        with contextlib.suppress(OSError):
            self._control.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        slots.release(self.uid, self._handle)
        self._handle = None


class ZygotePool:
    """Up to ``size`` zygotes; each serves one submission's sandbox at a time."""

    def __init__(self, size: int, argv: Callable[[], list[str]], preexec: Callable[[], None]):
        self.size = size
        self._argv, self._preexec = argv, preexec
        self._zygotes: list[Zygote] = []
        self._starting = 0
        self._failed_starts = 0  # in a row
        self._set_up_failures = 0  # runs a zygote could not make
        self._lock = threading.Lock()

    @property
    def broken(self) -> bool:
        """Zygotes cannot start here (e.g. a container that refuses namespaces inside the
        sandbox): the caller starts its sandboxes the usual way."""
        return max(self._failed_starts, self._set_up_failures) >= _GIVE_UP_AFTER

    def fork(
        self, limits: Limits, rlimits: dict[str, int], script: bool = False
    ) -> ZygoteRun | None:
        """A sandbox from an idle zygote (started when none is idle), or None when all
        ``size`` zygotes are busy. Call from long-lived threads only: bwrap's
        --die-with-parent follows the thread that started it."""
        zygote = self._idle_zygote()
        if zygote is None:
            return None
        try:
            return zygote.fork(limits, rlimits, script)
        except SandboxUnavailable:
            zygote.busy = False
            return None

    def _idle_zygote(self) -> Zygote | None:
        with self._lock:
            for dead in [z for z in self._zygotes if not z.alive and not z.busy]:
                self._zygotes.remove(dead)
                self._set_up_failures += dead.set_up_failed
                dead.close()
            for zygote in self._zygotes:
                if zygote.alive and not zygote.busy and zygote.process.poll() is None:
                    zygote.busy = True
                    return zygote
            if len(self._zygotes) + self._starting >= self.size:
                return None
            self._starting += 1
        no_slot = False
        try:
            zygote = Zygote(self._argv(), self._preexec)
        except slots.SlotsBusy:  # says nothing of whether zygotes work here
            zygote, no_slot = None, True
        except SandboxUnavailable:
            zygote = None
        with self._lock:
            self._starting -= 1
            if not no_slot:
                self._failed_starts = 0 if zygote is not None else self._failed_starts + 1
            if zygote is not None:
                zygote.busy = True
                self._zygotes.append(zygote)
        return zygote

    def close(self) -> None:
        with self._lock:
            zygotes, self._zygotes = self._zygotes, []
        for zygote in zygotes:
            zygote.close()
