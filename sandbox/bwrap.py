"""The default backend: bubblewrap, under an unprivileged host uid.

Measured on the development machine, these hold together and are all applied:
- as root, first drop to a per-slot unprivileged uid (root in a sandbox could remount a
  read-only bind writable, and RLIMIT_NPROC does not apply to root); one uid per concurrent
  slot, so one program's fork bomb does not eat another's process budget;
- ``--unshare-all`` (no network at all, own PID namespace), ``--die-with-parent``,
  ``--new-session``, ``--clearenv``, ``--cap-drop ALL``, ``--disable-userns``;
- read-only binds of only the system interpreter's and compiler's tree (``/usr``), a
  size-limited tmpfs ``/tmp`` (RLIMIT_AS does not cover tmpfs);
- rlimits (processes, file size, open files, CPU) inherited by everything inside, address
  space per case, a wall-clock deadline per case and for the whole run, output read with a cap.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from verireward.sandbox import slots
from verireward.sandbox.bwrap_argv import bwrap_argv
from verireward.sandbox.errors import SandboxError, SandboxUnavailable
from verireward.sandbox.job import Job, Limits, RunResult
from verireward.sandbox.languages import Language
from verireward.sandbox.python_env import SANDBOX_SITE, PythonEnv, find_env
from verireward.sandbox.runner_process import (
    RUNNER_FILES,
    CaseCallback,
    close_streams,
    finish_runner,
    payload,
    rlimit_values,
    rlimits,
    run_runner,
    start_runner,
)
from verireward.sandbox.uids import can_switch_uid
from verireward.sandbox.warm_pool import Started, WarmPool
from verireward.sandbox.zygote_host import ZYGOTE_PROCESSES, ZygotePool, ZygoteRun

SYSTEM_PYTHON = "/usr/bin/python3"
_PROBE_KILLED = "the bubblewrap probe was killed from outside; probing again on next use"
_START_ATTEMPTS = 4  # a start refused with EAGAIN is tried on other slots
_RETRY_PAUSE_S = 0.05  # times the attempt: a dying namespace takes milliseconds to go
_WARM_CASES = 1_000  # a pre-started runner's CPU backstop (its job's wall deadline still holds)


class BwrapSandbox:
    """Runs jobs in a fresh bubblewrap sandbox each, with a warm runner inside."""

    name = "bwrap"

    def __init__(
        self,
        bwrap: str | None = None,
        python: str = SYSTEM_PYTHON,
        env: PythonEnv | None = None,
        warm: int = 0,
        zygote: bool = True,
    ) -> None:
        self.bwrap = bwrap or shutil.which("bwrap") or "/usr/bin/bwrap"
        self.python = python
        self.python_env = env or find_env(python)
        self._share = Path(tempfile.mkdtemp(prefix="verireward-sandbox-"))
        self._share.chmod(0o755)  # readable by the slot uids
        for source in RUNNER_FILES:
            shutil.copy(source, self._share / source.name)
            (self._share / source.name).chmod(0o644)
        self._compiled = self._precompile()
        self._script = self._compiled["runner.py"]
        self._reason: str | None = None
        self._probed = False
        self._reaping = False
        self._pool = WarmPool(warm, self._start_warm, self._release)
        # pre-started sandboxes are forked by zygotes (one per spare) when they can start here
        self._zygotes = (
            ZygotePool(warm, self._zygote_argv, self._zygote_preexec) if zygote else None
        )
        self.last_uid: int | None = None  # the slot uid of the last sandbox started (for tests)
        # spares are made for the kind of job that came last (a trainer's batches are alike):
        # for assert-mode jobs, with the candidate's and the judge's processes already forked
        self._script_spares = False
        self._retiring: queue.Queue[Started | None] = queue.Queue()
        self._retirers: list[threading.Thread] = []
        self._retire_lock = threading.Lock()

    def _precompile(self) -> dict[str, str]:
        """Bytecode for the runner files, made once by the sandbox's interpreter: compiling
        them in every sandbox costs 10-20 ms. Falls back to the sources."""
        names = [source.name for source in RUNNER_FILES]
        sources = {name: f"/sandbox/{name}" for name in names}
        script = (
            "import py_compile, sys\n"
            "for name in sys.argv[1:]:\n"
            "    print(py_compile.compile(name, doraise=True))"
        )
        try:
            made = subprocess.run(
                [self.python, "-I", "-S", "-c", script, *names],
                cwd=self._share,
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout.split()
        except (OSError, subprocess.SubprocessError):
            return sources
        cache = self._share / "__pycache__"
        cache.chmod(0o755)
        for path in cache.iterdir():
            path.chmod(0o644)
        # (py_compile names them relative to its working directory, the share)
        if len(made) != len(names) or not all((self._share / m).is_file() for m in made):
            return sources
        pairs = zip(names, made, strict=True)
        return {name: f"/sandbox/__pycache__/{Path(m).name}" for name, m in pairs}

    def unavailable_reason(self) -> str | None:
        if not self._probed:
            for _ in range(3):  # a probe SIGKILLed from outside says nothing about this host
                reason = self._probe()
                if reason != _PROBE_KILLED:
                    break
            self._reason, self._probed = reason, reason != _PROBE_KILLED
        return self._reason

    def run(
        self, job: Job, language: Language, limits: Limits, on_case: CaseCallback | None = None
    ) -> RunResult:
        reason = self.unavailable_reason()
        if reason:
            raise SandboxUnavailable(reason)
        if not self._reaping and can_switch_uid():
            # only processes that run sandboxes (workers) take orphans on, and reap them
            slots.become_subreaper()
            self._reaping = True
        self._script_spares = job.mode == "script"
        started = self._pool.take(limits)
        if started is not None:
            self.last_uid = started.uid
            try:
                return finish_runner(
                    started.process,
                    payload(job, language, limits, reap=True, sys_path=self._sys_path()),
                    max(1, len(job.inputs)),
                    limits,
                    on_case,
                    teardown=False,
                )
            except SandboxError:
                pass  # the spare died before its job (no program ran in it): start one afresh
            finally:
                self._retire(started)
        try:
            return self._run_cold(job, language, limits, on_case)
        finally:
            self._retire(None)

    def _run_cold(
        self, job: Job, language: Language, limits: Limits, on_case: CaseCallback | None
    ) -> RunResult:
        """Start a sandbox for this job. A start that the kernel refuses for want of processes
        (EAGAIN: the slot uid's RLIMIT_NPROC still spent by a killed holder's dying or unreaped
        sandbox) is retried on another slot: bwrap failed before any program ran."""
        refused: set[int] = set()
        for attempt in range(_START_ATTEMPTS):
            with self._slot(avoid=refused) as uid:
                try:
                    return run_runner(
                        self._argv(limits),
                        payload(job, language, limits, reap=True, sys_path=self._sys_path()),
                        max(1, len(job.inputs)),
                        limits,
                        rlimits(limits, len(job.inputs)),
                        cwd="/",
                        user=uid,
                        on_case=on_case,
                    )
                except SandboxUnavailable as exc:
                    if uid is None or not slots.out_of_processes(str(exc)):
                        raise
                    if attempt == _START_ATTEMPTS - 1:
                        raise SandboxUnavailable(f"{exc} [{slots.census(uid)}]") from exc
                    refused.add(uid)
            time.sleep(_RETRY_PAUSE_S * (attempt + 1))
        raise AssertionError("unreachable")

    def _retire(self, started: Started | None) -> None:
        """Tear down a used sandbox and start spares, after the result is back, in one
        long-lived thread: bwrap's --die-with-parent follows the thread that started it."""
        if self._pool.size <= 0:
            return
        with self._retire_lock:
            # one long-lived thread per spare: teardowns and starts overlap (each start is a
            # bwrap and an interpreter coming up, tens of milliseconds of CPU)
            while len(self._retirers) < self._pool.size:
                thread = threading.Thread(target=self._retire_loop, daemon=True)
                thread.start()
                self._retirers.append(thread)
        self._retiring.put(started)

    def _retire_loop(self) -> None:
        while True:
            started = self._retiring.get()
            if started is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    started.process.wait(timeout=1.0)  # bwrap reaps its namespace first
                self._release(started)
            with contextlib.suppress(Exception):
                self._pool.fill()

    def close(self) -> None:
        """Tear down the pre-started sandboxes."""
        self._pool.close()
        if self._zygotes is not None:
            self._zygotes.close()

    def _start_warm(self) -> Started | None:
        if self._zygotes is not None and not self._zygotes.broken:
            run = self._zygotes.fork(Limits(), self._zygote_rlimits(), self._script_spares)
            if run is not None:
                return Started(run, run.zygote.uid, None)
            if not self._zygotes.broken:
                return None  # every zygote busy: the next release fills the pool
        try:
            uid, handle = self._acquire_slot(keep_free=slots.KEEP_FREE)
        except SandboxUnavailable:
            return None
        try:
            process = start_runner(
                self._argv(Limits()), rlimits(Limits(), _WARM_CASES), cwd="/", user=uid
            )
        except SandboxUnavailable:
            slots.release(uid, handle)
            return None
        return Started(process, uid, handle)

    def _zygote_argv(self) -> list[str]:
        """The sandbox a zygote lives in: as any other, plus CAP_SYS_ADMIN inside its own user
        namespace (to make each run's namespaces and mounts; every run drops it)."""
        argv = self._argv(Limits())
        at = argv.index("--cap-drop")
        argv[at : at + 2] = ["--cap-drop", "ALL", "--cap-add", "CAP_SYS_ADMIN"]
        argv[-1] = self._compiled["zygote.py"]
        return argv

    def _zygote_preexec(self) -> None:
        rlimits(Limits(), 1, extra_processes=ZYGOTE_PROCESSES, cpu=False)()

    def _zygote_rlimits(self) -> dict[str, int]:
        """A spare's: the defaults, a CPU backstop as for any pre-started runner."""
        return rlimit_values(Limits(), _WARM_CASES, extra_processes=ZYGOTE_PROCESSES)

    def _release(self, started: Started) -> None:
        if isinstance(started.process, ZygoteRun):
            started.process.close()
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(started.process.pid, signal.SIGKILL)
        started.process.wait()
        close_streams(started.process)
        slots.release(started.uid, started.handle)

    def _sys_path(self) -> tuple[str, ...]:
        return (SANDBOX_SITE,) if self.python_env.site_packages else ()

    def _argv(self, limits: Limits) -> list[str]:
        return bwrap_argv(
            self.bwrap,
            self.python,
            self._script,
            self._share,
            self.python_env.site_packages,
            limits,
        )

    @contextmanager
    def _slot(self, avoid: set[int] | frozenset[int] = frozenset()) -> Iterator[int | None]:
        """A uid of our own for this run (when we can switch: root, or the capabilities)."""
        uid, handle = self._acquire_slot(avoid)
        try:
            yield uid
        finally:
            slots.release(uid, handle)

    def _acquire_slot(
        self, avoid: set[int] | frozenset[int] = frozenset(), keep_free: int = 0
    ) -> tuple[int | None, IO[Any] | None]:
        uid, handle = slots.acquire(avoid, keep_free)
        if uid is not None:
            self.last_uid = uid
        return uid, handle

    def _probe(self) -> str | None:
        if not Path(self.bwrap).exists():
            return f"bubblewrap not found ({self.bwrap}); install the 'bubblewrap' package"
        if not Path(self.python).exists():
            return f"system Python {self.python} not found"
        try:
            with self._slot() as uid:
                probe = subprocess.run(
                    [*self._argv(Limits())[:-5], "/usr/bin/true"],
                    capture_output=True,
                    timeout=10,
                    user=uid,
                    group=uid,
                    extra_groups=[] if uid is not None else None,
                    cwd="/",
                )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap failed to start: {exc}"
        if probe.returncode < 0 or probe.returncode == 128 + signal.SIGKILL:  # bwrap, or `true`
            return _PROBE_KILLED
        if probe.returncode != 0:
            detail = probe.stderr.decode("utf-8", "replace").strip()
            return f"bubblewrap cannot create a sandbox here: {detail} ({_hint(detail)})"
        return None


def _hint(detail: str) -> str:
    if "mount proc" in detail:  # Docker masks parts of /proc; a fresh /proc is then refused
        return "in a container: needs security_opt systempaths=unconfined, see compose.yaml"
    return "unprivileged user namespaces off, or a container's seccomp/AppArmor profile?"
