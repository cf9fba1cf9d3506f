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
import ctypes
import fcntl
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

from verireward.sandbox.errors import SandboxError, SandboxUnavailable
from verireward.sandbox.job import Job, Limits, RunResult
from verireward.sandbox.languages import Language
from verireward.sandbox.python_env import SANDBOX_SITE, PythonEnv, find_env
from verireward.sandbox.runner_process import (
    RUNNER_FILES,
    CaseCallback,
    finish_runner,
    payload,
    rlimits,
    run_runner,
    start_runner,
)
from verireward.sandbox.uids import can_switch_uid
from verireward.sandbox.warm_pool import Started, WarmPool

SYSTEM_PYTHON = "/usr/bin/python3"
# Slot uids are kernel uids, shared by every container and the host (no user-namespace
# remapping): two services on one machine need ranges of their own, or one's cleanup kills the
# other's sandboxes and their fork bombs share a process limit.
FIRST_SLOT_UID = int(os.environ.get("VERIREWARD_SANDBOX_FIRST_UID", "61000"))
_PR_SET_CHILD_SUBREAPER = 36
_PROBE_KILLED = "the bubblewrap probe was killed from outside; probing again on next use"
SLOTS = 64
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
    ) -> None:
        self.bwrap = bwrap or shutil.which("bwrap") or "/usr/bin/bwrap"
        self.python = python
        self.python_env = env or find_env(python)
        self._share = Path(tempfile.mkdtemp(prefix="verireward-sandbox-"))
        self._share.chmod(0o755)  # readable by the slot uids
        for source in RUNNER_FILES:
            shutil.copy(source, self._share / source.name)
            (self._share / source.name).chmod(0o644)
        self._script = self._precompile()
        self._reason: str | None = None
        self._probed = False
        self._reaping = False
        self._pool = WarmPool(warm, self._start_warm, self._release)
        self.last_uid: int | None = None  # the slot uid of the last sandbox started (for tests)
        self._retiring: queue.Queue[Started | None] = queue.Queue()
        self._retirer: threading.Thread | None = None
        self._retire_lock = threading.Lock()

    def _precompile(self) -> str:
        """Bytecode for the runner files, made once by the sandbox's interpreter: compiling
        them in every sandbox costs 10-20 ms. Falls back to the sources."""
        names = [source.name for source in RUNNER_FILES]
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
            return "/sandbox/runner.py"
        cache = self._share / "__pycache__"
        cache.chmod(0o755)
        for path in cache.iterdir():
            path.chmod(0o644)
        runner = Path(made[0]) if made else None
        if runner is None or not runner.is_file():
            return "/sandbox/runner.py"
        return f"/sandbox/__pycache__/{runner.name}"

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
            _become_subreaper()
            self._reaping = True
        started = self._pool.take(limits)
        if started is not None:
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
            with self._slot() as uid:
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
        finally:
            self._retire(None)

    def _retire(self, started: Started | None) -> None:
        """Tear down a used sandbox and start spares, after the result is back, in one
        long-lived thread: bwrap's --die-with-parent follows the thread that started it."""
        if self._pool.size <= 0:
            return
        with self._retire_lock:
            if self._retirer is None:
                self._retirer = threading.Thread(target=self._retire_loop, daemon=True)
                self._retirer.start()
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

    def _start_warm(self) -> Started | None:
        try:
            uid, handle = self._acquire_slot()
        except SandboxUnavailable:
            return None
        try:
            process = start_runner(
                self._argv(Limits()), rlimits(Limits(), _WARM_CASES), cwd="/", user=uid
            )
        except SandboxUnavailable:
            self._release_slot(uid, handle)
            return None
        return Started(process, uid, handle)

    def _release(self, started: Started) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(started.process.pid, signal.SIGKILL)
        started.process.wait()
        for stream in (started.process.stdin, started.process.stdout, started.process.stderr):
            with contextlib.suppress(OSError):
                stream.close() if stream is not None else None
        self._release_slot(started.uid, started.handle)

    def _sys_path(self) -> tuple[str, ...]:
        return (SANDBOX_SITE,) if self.python_env.site_packages else ()

    def _argv(self, limits: Limits) -> list[str]:
        argv = [
            self.bwrap,
            "--unshare-all",
            "--unshare-user",
            "--die-with-parent",
            "--new-session",
            "--clearenv",
            "--cap-drop",
            "ALL",
            "--disable-userns",
            "--ro-bind",
            "/usr",
            "/usr",
            "--symlink",
            "usr/bin",
            "/bin",
            "--symlink",
            "usr/lib",
            "/lib",
        ]
        if Path("/usr/lib64").exists():
            argv += ["--symlink", "usr/lib64", "/lib64"]
        if Path("/etc/alternatives").is_dir():  # /usr/bin/java and friends point through it
            argv += ["--ro-bind", "/etc/alternatives", "/etc/alternatives"]
        for config in sorted(Path("/etc").glob("java-*")):  # Debian's JDK keeps its conf there
            argv += ["--ro-bind", str(config), str(config)]
        if Path("/etc/ld.so.cache").exists():
            argv += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
        argv += [
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--size",
            str(limits.tmp_mb * 1024 * 1024),
            "--tmpfs",
            "/tmp",
            "--ro-bind",
            str(self._share),
            "/sandbox",
        ]
        if self.python_env.site_packages:  # the scientific stack, read-only
            argv += ["--ro-bind", str(self.python_env.site_packages), SANDBOX_SITE]
        argv += [
            "--chdir",
            "/tmp",
            "--setenv",
            "PATH",
            "/usr/bin:/bin",
            "--setenv",
            "HOME",
            "/tmp",
            "--setenv",
            "LANG",
            "C.UTF-8",
            # one thread per numerical library: a case gets one core's worth, and OpenBLAS's
            # per-thread buffers would not fit the address-space limit
            "--setenv",
            "OPENBLAS_NUM_THREADS",
            "1",
            "--setenv",
            "OMP_NUM_THREADS",
            "1",
            "--setenv",
            "MKL_NUM_THREADS",
            "1",
            self.python,
            "-I",
            "-S",
            "-B",
            self._script,
        ]
        return argv

    @contextmanager
    def _slot(self) -> Iterator[int | None]:
        """A uid of our own for this run (when we can switch: root, or the capabilities)."""
        uid, handle = self._acquire_slot()
        try:
            yield uid
        finally:
            self._release_slot(uid, handle)

    def _acquire_slot(self) -> tuple[int | None, IO[Any] | None]:
        if not can_switch_uid():
            return None, None
        lock_dir = Path(tempfile.gettempdir()) / "verireward-sandbox-slots"
        lock_dir.mkdir(exist_ok=True)
        for slot in range(SLOTS):
            handle = open(lock_dir / f"{slot}.lock", "w")  # noqa: SIM115
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            self.last_uid = FIRST_SLOT_UID + slot
            # A holder that was SIGKILLed dropped its lock without emptying the slot, and its
            # sandbox can outlive it for a moment: clear it, or the uid's RLIMIT_NPROC is spent
            # and bwrap fails to fork for an honest submission.
            _kill_uid(self.last_uid)
            return self.last_uid, handle
        raise SandboxUnavailable(f"all {SLOTS} sandbox slots are busy")

    @staticmethod
    def _release_slot(uid: int | None, handle: IO[Any] | None) -> None:
        if uid is not None:
            _kill_uid(uid)  # a slot is handed on empty
        if handle is not None:
            handle.close()

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


def _become_subreaper() -> None:
    """Orphaned sandbox processes come back to us (not to a PID 1 that may never reap them):
    zombies of a slot uid count against its RLIMIT_NPROC until someone reaps them."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _kill_uid(uid: int, patience_s: float = 2.0) -> None:
    """SIGKILL every process of ``uid`` and reap what was orphaned to us, until none is left
    (PID-namespace teardown is asynchronous)."""
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline:
        alive, zombies = _processes_of(uid)
        for pid in zombies:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
        if not alive:
            return
        for pid in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)


def _processes_of(uid: int) -> tuple[list[int], list[int]]:
    """(live processes of ``uid``, its zombies that are our children)."""
    alive, zombies = [], []
    me = os.getpid()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            if entry.stat().st_uid != uid:
                continue
            with open(f"{entry.path}/stat") as handle:
                state, parent = handle.read().rpartition(")")[2].split()[:2]
            if state != "Z":
                alive.append(int(entry.name))
            elif int(parent) == me:
                zombies.append(int(entry.name))
    return alive, zombies
