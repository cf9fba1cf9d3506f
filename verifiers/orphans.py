"""The service adopts the orphans of processes that die below it, and reaps them.

When a worker is SIGKILLed (the OOM killer), its sandboxes die with it (bwrap's
``--die-with-parent``), but their processes go to the nearest subreaper, else to PID 1, which
may reap late (1.3 s for the development VM's init, measured) or never (a container whose PID 1
is a shell). Until reaped, a zombie of a sandbox slot's uid counts against that uid's
RLIMIT_NPROC, and the next sandbox on the slot cannot fork: an honest submission then gets
``sandbox_unavailable``. So the pool's process makes itself a subreaper (whatever dies below it
comes back to it) and a thread reaps what came back:

- a zombie child of a sandbox slot's uid whose slot no one holds (a holder, the start-up probe
  included, waits for its own children);
- a worker the pool has given up on, once it is our child (after a killed forkserver).

Never any other child: multiprocessing waits for the forkserver and the resource tracker itself,
and a reaped forkserver would break its restart.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import threading

from verireward.sandbox import slots

log = logging.getLogger(__name__)
_POLL_S = 0.1

_lock = threading.Lock()
_adopter_pid: int | None = None  # the process whose reaper thread runs (none in a fork of it)
_given_up: set[int] = set()  # worker pids to reap once they are our zombies


def adopt_orphans() -> None:
    """Make this process the subreaper of everything below it and start reaping (idempotent)."""
    global _adopter_pid
    with _lock:
        if _adopter_pid == os.getpid():
            return
        _adopter_pid = os.getpid()
        _given_up.clear()
    slots.become_subreaper()
    threading.Thread(target=_reap_forever, name="orphan-reaper", daemon=True).start()


def reap_when_dead(pid: int) -> None:
    """A worker the pool killed or lost: reap it if it dies as our child (else its parent does)."""
    with _lock:
        _given_up.add(pid)


def reap_once() -> int:
    """One pass over our zombie children; how many were reaped."""
    reaped = 0
    for pid in _children():
        state, uid = _state_and_uid(pid)
        if state == "Z" and slots.is_slot_uid(uid) and slots.is_free(uid):
            with contextlib.suppress(ChildProcessError):
                reaped += os.waitpid(pid, os.WNOHANG)[0] == pid
    with _lock:
        given_up = list(_given_up)
    for pid in given_up:
        try:
            done = os.waitpid(pid, os.WNOHANG)[0] == pid
            reaped += done
        except ChildProcessError:  # not our child: its parent (the forkserver) reaps it
            done = True
        if done:
            with _lock:
                _given_up.discard(pid)
    return reaped


def _reap_forever() -> None:
    me = os.getpid()
    while _adopter_pid == me:
        try:
            reap_once()
        except Exception:  # a reaper that stops would let slots fill up again: keep going
            log.exception("reaping orphans failed")
        threading.Event().wait(_POLL_S)


def _children() -> list[int]:
    """Our children (the kernel lists each thread's: adoptees may land on any of them)."""
    me = os.getpid()
    listed = glob.glob(f"/proc/{me}/task/*/children")
    if not listed:  # a kernel without CONFIG_PROC_CHILDREN: every process's parent, then
        return [pid for pid, _, parent in slots.processes() if parent == me]
    pids: list[int] = []
    for path in listed:
        with contextlib.suppress(OSError), open(path) as handle:
            pids += [int(pid) for pid in handle.read().split()]
    return pids


def _state_and_uid(pid: int) -> tuple[str, int]:
    try:
        uid = os.stat(f"/proc/{pid}").st_uid
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rpartition(")")[2].split()[0], uid
    except (OSError, IndexError):
        return "?", -1
