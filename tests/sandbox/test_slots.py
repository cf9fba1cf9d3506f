"""Slots whose uid's process budget is spent by processes we cannot reap.

The fault that made honest code items ``sandbox_unavailable`` in the SIGKILL fault test: a
killed holder's zombies, parented elsewhere, still count against the slot uid's RLIMIT_NPROC, so
bwrap's fork fails with EAGAIN. Here the zombies are made for real: a helper process forks
children under the slot uid that exit at once and are never reaped.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from verireward.sandbox import PYTHON, BwrapSandbox, Job, Limits, slots
from verireward.sandbox.errors import SandboxUnavailable
from verireward.sandbox.uids import can_switch_uid
from verireward.sandbox.zygote_host import ZygoteRun

pytestmark = pytest.mark.integration
ZOMBIE_MAKER = textwrap.dedent(
    """
    import os, sys, time
    uid, count = int(sys.argv[1]), int(sys.argv[2])
    children = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            os.setgid(uid)
            os.setuid(uid)
            os._exit(0)
        children.append(pid)
    for pid in children:  # every one dead (a zombie) before we say so
        while open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()[0] != "Z":
            time.sleep(0.001)
    print("ready", flush=True)
    time.sleep(120)  # never reaps its children: they stay zombies of uid while it lives
    """
)


def spend(uid: int, count: int = Limits().max_processes + 4) -> subprocess.Popen[str]:
    """Zombies of ``uid``, children of another process, beyond the sandbox's process limit."""
    maker = subprocess.Popen(
        [sys.executable, "-c", ZOMBIE_MAKER, str(uid), str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert maker.stdout is not None and maker.stdout.readline().strip() == "ready"
    return maker


def stop(maker: subprocess.Popen[str]) -> None:
    maker.kill()
    maker.wait()
    assert maker.stdout is not None
    maker.stdout.close()


@pytest.fixture
def first_free_uid(bwrap: BwrapSandbox) -> Iterator[int]:
    if not can_switch_uid():
        pytest.skip("slots need a uid switch (root or CAP_SETUID)")
    uid, handle = slots.acquire()
    slots.release(uid, handle)
    assert uid is not None
    yield uid


def test_a_spent_slot_is_left_for_another(bwrap: BwrapSandbox, first_free_uid: int) -> None:
    maker = spend(first_free_uid)
    try:
        assert f"{Limits().max_processes + 4} of pid {maker.pid}" in slots.census(first_free_uid)
        result = bwrap.run(Job("python", "print(6 * 7)", inputs=("",)), PYTHON, Limits())
        assert result.cases[0].status == "exited" and result.cases[0].stdout == "42\n"
        assert bwrap.last_uid != first_free_uid  # it moved on, the spent slot could not fork
    finally:
        stop(maker)


def test_every_slot_spent_names_who_holds_them(
    bwrap: BwrapSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = [slots.acquire() for _ in range(4)]  # four free slots (others may be in use)
    for uid, handle in held:
        slots.release(uid, handle)
    spent = [uid for uid, _ in held if uid is not None]
    makers = [spend(uid) for uid in spent]
    others = frozenset(range(slots.FIRST_SLOT_UID, slots.FIRST_SLOT_UID + slots.SLOTS)) - {*spent}
    real_acquire = slots.acquire
    monkeypatch.setattr(
        slots, "acquire", lambda avoid=frozenset(), keep=0: real_acquire({*avoid, *others}, keep)
    )
    try:
        with pytest.raises(SandboxUnavailable) as raised:
            bwrap.run(Job("python", "print(1)", inputs=("",)), PYTHON, Limits())
        message = str(raised.value)
        assert "Resource temporarily unavailable" in message
        # the last attempt's census names the parent that does not reap
        assert f"{Limits().max_processes + 4} of pid {makers[-1].pid}" in message
    finally:
        for maker in makers:
            stop(maker)


def test_a_start_that_fails_otherwise_is_not_retried(
    bwrap: BwrapSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    tried: list[int | None] = []
    real_acquire = slots.acquire

    def counting_acquire(avoid: frozenset[int] | set[int] = frozenset(), keep: int = 0) -> tuple:
        uid, handle = real_acquire(avoid, keep)
        tried.append(uid)
        return uid, handle

    monkeypatch.setattr(slots, "acquire", counting_acquire)
    monkeypatch.setattr(bwrap, "bwrap", "/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailable):
        bwrap.run(Job("python", "print(1)", inputs=("",)), PYTHON, Limits())
    assert len(tried) == 1


def test_pre_started_sandboxes_leave_slots_for_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Zygotes and spares hold a slot for long; every process that runs sandboxes keeps its
    own. Where too few would stay free they are not started, and runs still find a slot."""
    if not can_switch_uid():
        pytest.skip("slots need a uid switch (root or CAP_SETUID)")
    # 8 slots of our own (uids and locks no other sandbox user on this machine takes)
    monkeypatch.setattr(slots, "FIRST_SLOT_UID", slots.FIRST_SLOT_UID + slots.SLOTS + 100)
    monkeypatch.setattr(slots, "_lock_path", lambda uid: tmp_path / f"{uid}.lock")
    monkeypatch.setattr(slots, "SLOTS", 8)
    monkeypatch.setattr(slots, "KEEP_FREE", 3)
    held = [slots.acquire() for _ in range(6)]  # 2 left free
    sandbox = BwrapSandbox(warm=2)
    try:
        with pytest.raises(slots.SlotsBusy):
            slots.acquire(keep_free=3)
        for attempt in range(4):
            result = sandbox.run(Job("python", f"print({attempt})", inputs=("",)), PYTHON, Limits())
            assert result.cases[0].stdout == f"{attempt}\n"
            time.sleep(0.2)  # time to start spares, were they allowed
        assert not sandbox._pool._idle and not sandbox._zygotes._zygotes
        assert not sandbox._zygotes.broken  # no slot says nothing of whether zygotes work
        for uid, handle in held:
            slots.release(uid, handle)
        held = []
        sandbox.run(Job("python", "print(1)", inputs=("",)), PYTHON, Limits())
        deadline = time.monotonic() + 10
        while not sandbox._pool._idle:
            assert time.monotonic() < deadline, "no spare came up once slots were free"
            time.sleep(0.05)
        assert isinstance(sandbox._pool._idle[0].process, ZygoteRun)
    finally:
        sandbox.close()
        for uid, handle in held:
            slots.release(uid, handle)
