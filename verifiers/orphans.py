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
import time

from verireward.sandbox import slots

log = logging.getLogger(__name__)
# Orphans reach us only when a process between us and them dies, which the pool sees (it kills
# or loses a worker): then we look often for a while; otherwise a slow sweep, since each pass
# reads every thread's children list (about 6% of the service's CPU when done every 0.1 s).
_POLL_S = 0.1
_WATCH_S = 5.0  # how long after a worker's loss orphans may still arrive (teardown, reparenting)
_SWEEP_S = 2.0

_lock = threading.Lock()
_adopter_pid: int | None = None  # the process whose reaper thread runs (none in a fork of it)
_given_up: set[int] = set()  # worker pids to reap once they are our zombies
_watch_until = 0.0  # monotonic time until which we poll often
_woken = threading.Event()


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
    """A worker the pool killed or lost: reap it if it dies as our child (else its parent does),
    and watch closely for the orphans its sandboxes leave."""
    global _watch_until
    with _lock:
        _given_up.add(pid)
        _watch_until = time.monotonic() + _WATCH_S
    _woken.set()


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
        watching = time.monotonic() < _watch_until
        _woken.wait(_POLL_S if watching else _SWEEP_S)
        _woken.clear()


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
        return slots.state_and_parent(pid)[0], os.stat(f"/proc/{pid}").st_uid
    except (OSError, ValueError):
        return "?", -1
