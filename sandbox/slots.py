"""Sandbox slots: one unprivileged host uid per concurrent sandbox, held with a file lock.

A uid of its own gives each sandbox its own RLIMIT_NPROC budget (one program's fork bomb does
not eat another's) and a clean way to empty it: kill every process of the uid. The budget is
also the weak point: the kernel counts a slot uid's zombies and dying processes against it until
they are reaped, so a SIGKILLed holder (the OOM killer) can leave a slot whose next sandbox the
kernel refuses to fork (EAGAIN). Slots are therefore emptied when taken and when handed back,
workers reap the orphans they adopt, and a start refused for want of processes moves to another
slot (see ``BwrapSandbox``); ``census`` says who holds a slot's processes when all that fails.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import IO, Any

from verireward.sandbox.errors import SandboxUnavailable
from verireward.sandbox.uids import can_switch_uid

# Slot uids are kernel uids, shared by every container and the host (no user-namespace
# remapping): two services on one machine need ranges of their own, or one's cleanup kills the
# other's sandboxes and their fork bombs share a process limit.
FIRST_SLOT_UID = int(os.environ.get("VERIREWARD_SANDBOX_FIRST_UID", "61000"))
SLOTS = int(os.environ.get("VERIREWARD_SANDBOX_SLOTS", "64"))
# Slots that holders for the long run (zygotes, waiting spares: an optimisation) leave free for
# runs (a run that finds no slot is a lost item). Every process that runs sandboxes keeps its
# own zygotes, two by default: on a machine with 32 or more cores the service's workers would
# otherwise hold every slot.
KEEP_FREE = max(1, SLOTS // 4)
_PR_SET_CHILD_SUBREAPER = 36
# bwrap's words when clone/fork fail with EAGAIN (the slot uid's RLIMIT_NPROC reached)
_EAGAIN = "Resource temporarily unavailable"


class SlotsBusy(SandboxUnavailable):
    """No slot to take (or none that a holder for the long run may take)."""


def acquire(
    avoid: set[int] | frozenset[int] = frozenset(), keep_free: int = 0
) -> tuple[int | None, IO[Any] | None]:
    """A free slot's uid and its lock (``(None, None)`` when we cannot switch uid: the
    sandbox then runs as ourselves). ``avoid``: uids not to take (they just refused a start).
    ``keep_free``: take one only if that many others stay free (see ``KEEP_FREE``)."""
    if not can_switch_uid():
        return None, None
    _lock_path(FIRST_SLOT_UID).parent.mkdir(exist_ok=True)  # once, not once per slot tried
    for slot in range(SLOTS):
        uid = FIRST_SLOT_UID + slot
        if uid in avoid:
            continue
        handle = open(_lock_path(uid), "w")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        if keep_free and _free_after(uid, keep_free) < keep_free:
            handle.close()
            raise SlotsBusy(f"fewer than {keep_free} of {SLOTS} sandbox slots would stay free")
        # A holder that was SIGKILLed dropped its lock without emptying the slot, and its
        # sandbox can outlive it for a moment: clear it, or the uid's RLIMIT_NPROC is spent
        # and bwrap fails to fork for an honest submission.
        kill_uid(uid)
        return uid, handle
    raise SlotsBusy(f"all {SLOTS} sandbox slots are busy")


def _free_after(uid: int, enough: int) -> int:
    """Free slots above ``uid`` (those below it were just found taken), counted up to
    ``enough``."""
    free = 0
    for other in range(uid + 1, FIRST_SLOT_UID + SLOTS):
        free += is_free(other)
        if free >= enough:
            break
    return free


def release(uid: int | None, handle: IO[Any] | None) -> None:
    """Hand a slot on, empty."""
    if uid is not None:
        kill_uid(uid)
    if handle is not None:
        handle.close()


def is_slot_uid(uid: int) -> bool:
    return FIRST_SLOT_UID <= uid < FIRST_SLOT_UID + SLOTS


def is_free(uid: int) -> bool:
    """Whether no one holds the slot of ``uid`` (checked by taking its lock for a moment)."""
    try:
        with open(_lock_path(uid), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True  # closing the file drops the lock
    except BlockingIOError:
        return False
    except OSError:
        return True  # no lock file: the slot was never taken


def _lock_path(uid: int) -> Path:
    return Path(tempfile.gettempdir()) / "verireward-sandbox-slots" / f"{uid - FIRST_SLOT_UID}.lock"


def become_subreaper() -> None:
    """Orphaned sandbox processes come back to us (not to a PID 1 that may never reap them):
    zombies of a slot uid count against its RLIMIT_NPROC until someone reaps them."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def kill_uid(uid: int, patience_s: float = 2.0) -> None:
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


def out_of_processes(message: str) -> bool:
    """Whether bwrap failed to start because the kernel refused a fork or clone (EAGAIN)."""
    return message.startswith("bwrap") and _EAGAIN in message


def census(uid: int) -> str:
    """Who holds a slot uid's processes, for the error an operator reads: how many live, and
    the zombies by the parent that has not reaped them."""
    alive, zombie_parents = 0, Counter[int]()
    for _pid, state, parent in processes(uid):
        if state == "Z":
            zombie_parents[parent] += 1
        else:
            alive += 1
    zombies = ", ".join(f"{n} of pid {pid}" for pid, n in zombie_parents.items()) or "none"
    return f"uid {uid} had {alive} live processes, zombies: {zombies}; we are pid {os.getpid()}"


def _processes_of(uid: int) -> tuple[list[int], list[int]]:
    """(live processes of ``uid``, its zombies that are our children)."""
    alive, zombies = [], []
    me = os.getpid()
    for pid, state, parent in processes(uid):
        if state != "Z":
            alive.append(pid)
        elif parent == me:
            zombies.append(pid)
    return alive, zombies


def processes(uid: int | None = None) -> list[tuple[int, str, int]]:
    """(pid, state, parent pid) of every process (of ``uid`` only, when given), from /proc."""
    tasks = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            if uid is not None and entry.stat().st_uid != uid:
                continue
            state, parent = state_and_parent(int(entry.name))
            tasks.append((int(entry.name), state, parent))
    return tasks


def state_and_parent(pid: int) -> tuple[str, int]:
    """A process's state letter (``Z``: a zombie) and parent pid, from ``/proc/<pid>/stat``
    (read after the command name's closing parenthesis: the name may hold spaces)."""
    with open(f"/proc/{pid}/stat") as handle:
        state, parent = handle.read().rpartition(")")[2].split()[:2]
    return state, int(parent)
