"""The pool's process reaps the sandbox orphans that come back to it, and nothing else.

Real processes: a maker process forks a child under a slot uid that exits at once; the maker is
then killed, so the zombie is adopted by us (a subreaper), as a killed worker's sandbox is.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
from verireward.sandbox import slots
from verireward.sandbox.uids import can_switch_uid
from verireward.verifiers import orphans

pytestmark = pytest.mark.skipif(not can_switch_uid(), reason="slot uids need root/CAP_SETUID")
MAKER = textwrap.dedent(
    """
    import os, sys, time
    pid = os.fork()
    if pid == 0:
        os.setgid(int(sys.argv[1]))
        os.setuid(int(sys.argv[1]))
        os._exit(0)
    print(pid, flush=True)
    time.sleep(60)
    """
)


def orphaned_zombie(uid: int) -> int:
    """The pid of a zombie of ``uid`` whose parent was killed: it is ours now."""
    maker = subprocess.Popen([sys.executable, "-c", MAKER, str(uid)], stdout=subprocess.PIPE)
    assert maker.stdout is not None
    pid = int(maker.stdout.readline())
    maker.kill()
    maker.wait()
    deadline = time.monotonic() + 10
    while not (_parent(pid) == os.getpid() and _is_zombie(pid)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _parent(pid) == os.getpid() and _is_zombie(pid), "not adopted by us, or not dead"
    return pid


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rpartition(")")[2].split()[1])
    except FileNotFoundError:
        return None


def free_uid() -> int:
    uid, handle = slots.acquire()
    slots.release(uid, handle)
    assert uid is not None
    return uid


@pytest.fixture(autouse=True)
def adopting() -> None:
    slots.become_subreaper()  # what adopt_orphans does, without its background thread


def test_an_orphan_of_a_free_slot_is_reaped() -> None:
    pid = orphaned_zombie(free_uid())
    orphans.reap_once()  # (a pool started by an earlier test may have a reaper thread too)
    assert _parent(pid) is None  # gone from /proc: its uid's process count is back


def test_an_orphan_of_a_held_slot_waits_for_the_slot() -> None:
    uid, handle = slots.acquire()
    assert uid is not None
    try:
        pid = orphaned_zombie(uid)
        orphans.reap_once()
        assert _parent(pid) == os.getpid()  # its holder may be waiting for it: left alone
    finally:
        handle.close()  # handed back without kill_uid: the zombie is still there
    orphans.reap_once()
    assert _parent(pid) is None


def test_our_own_children_are_never_reaped() -> None:
    child = subprocess.Popen(["sh", "-c", "exit 3"])
    while _parent(child.pid) == os.getpid() and not _is_zombie(child.pid):
        time.sleep(0.01)
    orphans.reap_once()
    assert child.wait(timeout=5) == 3  # its exit status was still ours to read


def test_a_given_up_worker_is_reaped_once_dead() -> None:
    worker = subprocess.Popen(["sleep", "60"])
    orphans.reap_when_dead(worker.pid)
    orphans.reap_once()
    assert _parent(worker.pid) == os.getpid()  # alive: left alone
    worker.kill()
    deadline = time.monotonic() + 5
    while _parent(worker.pid) is not None and time.monotonic() < deadline:
        orphans.reap_once()
        time.sleep(0.01)
    assert _parent(worker.pid) is None


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return False
