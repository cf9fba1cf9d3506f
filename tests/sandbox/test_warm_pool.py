"""Pre-started sandboxes (forked by zygotes): one submission each, torn down after, nothing
carried over."""

from __future__ import annotations

import os
import signal
import time

import pytest
from verireward.sandbox import PYTHON, BwrapSandbox, Job, Limits
from verireward.sandbox.zygote_host import ZygoteRun

pytestmark = pytest.mark.integration


@pytest.fixture
def warm(bwrap: BwrapSandbox) -> BwrapSandbox:
    sandbox = BwrapSandbox(warm=2)
    yield sandbox
    sandbox.close()


def run(sandbox: BwrapSandbox, code: str, **limits: object) -> str:
    result = sandbox.run(Job("python", code, inputs=("",)), PYTHON, Limits(**limits))  # type: ignore[arg-type]
    return result.cases[0].stdout


def wait_for_spares(sandbox: BwrapSandbox, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(sandbox._pool._idle) < count:
        assert time.monotonic() < deadline, "the pool never filled"
        time.sleep(0.05)


def test_spares_are_started_and_used_once(warm: BwrapSandbox) -> None:
    assert run(warm, "print('first')") == "first\n"  # no spare yet: started the usual way
    wait_for_spares(warm, 2)
    spares = [s.process for s in warm._pool._idle]
    assert all(isinstance(spare, ZygoteRun) for spare in spares)  # forked by zygotes
    assert run(warm, "print('second')") == "second\n"
    wait_for_spares(warm, 2)
    now = [s.process for s in warm._pool._idle]
    gone = [p for p in spares if all(p is not q for q in now)]
    assert len(gone) == 1  # the one used is gone, a new one took its place


def test_nothing_carries_over_between_submissions(warm: BwrapSandbox) -> None:
    run(warm, "print('x')")
    wait_for_spares(warm, 2)
    planted = (
        "import os\nopen('/tmp/planted', 'w').write('secret')\n"
        "if os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(30)\n"
        "print('planted')"
    )
    assert run(warm, planted) == "planted\n"
    wait_for_spares(warm, 2)
    probe = (
        "import os\nprint(os.path.exists('/tmp/planted'), "
        "sorted(p for p in os.listdir('/proc') if p.isdigit() and int(p) > 2))"
    )
    seen = run(warm, probe)
    assert seen.startswith("False"), seen  # another sandbox: no file, none of its processes


def test_other_limits_and_dead_spares_start_fresh(warm: BwrapSandbox) -> None:
    run(warm, "print('x')")
    wait_for_spares(warm, 2)
    idle = [s.process for s in warm._pool._idle]
    assert run(warm, "print('big tmp')", tmp_mb=128) == "big tmp\n"  # not a pre-started one
    assert all(any(p is s.process for s in warm._pool._idle) for p in idle)
    for spare in warm._pool._idle:
        os.killpg(spare.process.pid, signal.SIGKILL)
    assert run(warm, "print('after')") == "after\n"


def test_a_fork_bomb_does_not_spend_the_next_runs_processes(warm: BwrapSandbox) -> None:
    """A zygote serves its slot's runs one after another: a fork bomb's processes die with
    its namespace before the next run is forked, so the slot uid's process budget is whole."""
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    run(warm, "print('x')")
    for _ in range(3):
        wait_for_spares(warm, 2)
        result = warm.run(Job("python", bomb, inputs=("",)), PYTHON, Limits(timeout_s=1.0))
        assert result.cases[0].status == "timeout"
    wait_for_spares(warm, 2)
    spawn = "import subprocess\nprint(len([subprocess.run(['true']) for _ in range(20)]))"
    assert run(warm, spawn) == "20\n"


def test_zygotes_that_cannot_make_a_sandbox_give_way(
    warm: BwrapSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the environment refuses what a zygote's run needs (here: a limit it cannot set),
    every submission still runs, in a fresh sandbox, and the pool stops using zygotes."""
    monkeypatch.setattr(warm, "_zygote_rlimits", lambda: {"no_such_limit": 1})
    for attempt in range(8):
        assert run(warm, f"print({attempt})") == f"{attempt}\n"
        if warm._zygotes.broken:
            break
        time.sleep(0.3)  # the pool refills between submissions
    assert warm._zygotes.broken
    for attempt in range(2):  # spares forked before the pool gave up are found dead, and go
        wait_for_spares(warm, 2)
        assert run(warm, f"print({attempt})") == f"{attempt}\n"
    wait_for_spares(warm, 2)
    assert not any(isinstance(s.process, ZygoteRun) for s in warm._pool._idle)
    assert run(warm, "print('fresh')") == "fresh\n"


def test_sysv_shared_memory_does_not_outlive_its_run(warm: BwrapSandbox) -> None:
    """Runs of one zygote follow each other in the same user namespace: a SysV segment (it
    outlives its processes) must still not reach the next run (an IPC namespace per run)."""
    shm = (
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "segment = libc.shmget(0x5EC12E7, 4096, {flags})\n"
        "print(segment >= 0, ctypes.get_errno())\n"
    )
    run(warm, "print('x')")
    wait_for_spares(warm, 2)
    assert run(warm, shm.format(flags="0o1000 | 0o600")).startswith("True")  # IPC_CREAT
    for _ in range(2):  # whichever zygote serves the next one
        wait_for_spares(warm, 2)
        assert run(warm, shm.format(flags="0")).startswith("False 2")  # ENOENT


SECRET_CHECK = "assert add(2, 3) == 5  # the unique mark 7f3a9c\n"
MEMORY_SCAN = """
import gc, sys
MARK = '7f3a' + str(9) + 'c'  # (not a constant of this program)
def add(a, b):
    return a + b
def strings(obj):
    if isinstance(obj, dict):
        return [*obj.keys(), *obj.values()]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)
    if type(obj).__name__ in ('frame', 'function', 'code'):
        code = getattr(obj, 'f_code', getattr(obj, '__code__', obj))
        return list(code.co_consts) + [code.co_filename]
    return []
marked = any(
    isinstance(s, str) and MARK in s and s != MARK
    for o in gc.get_objects() for s in strings(o)
)
frames, frame = [], sys._getframe()
while frame is not None:
    frames.append(frame.f_code.co_filename)
    frame = frame.f_back
print(marked, '<tests>' in frames, flush=True)
"""


def assert_job(sandbox: BwrapSandbox, code: str) -> tuple[str, str]:
    job = Job("python", code, mode="script", check=SECRET_CHECK)
    case = sandbox.run(job, PYTHON, Limits()).cases[0]
    return case.value, case.stdout


def test_spares_follow_the_mode_of_the_last_job(warm: BwrapSandbox) -> None:
    """After an assert-mode job the spares come with the candidate's and the judge's processes
    already forked; a job of another mode on such a spare still runs as it should, and the
    spares after it are plain again."""
    add = "def add(a, b):\n    return a + b\n"
    assert assert_job(warm, add)[0] == "checked"
    wait_for_spares(warm, 2)
    assert all(s.process.script for s in warm._pool._idle)
    assert assert_job(warm, add)[0] == "checked"  # on a pre-forked spare
    assert assert_job(warm, "def add(a, b):\n    return a - b\n")[0] == ""  # wrong: not passed
    wait_for_spares(warm, 2)
    for _ in range(2):  # on the two pre-forked spares
        assert run(warm, "print('stdio')") == "stdio\n"
        wait_for_spares(warm, 2)
    assert not any(s.process.script for s in warm._pool._idle)
    assert assert_job(warm, add)[0] == "checked"  # on a plain spare


def test_a_preforked_candidate_never_held_the_tests(warm: BwrapSandbox) -> None:
    """The candidate's process of a pre-forked spare was forked before the job came: no object
    of it carries the tests' text, and no frame of the tests is on its stack."""
    assert_job(warm, "def add(a, b):\n    return a + b\n")
    wait_for_spares(warm, 2)
    assert all(s.process.script for s in warm._pool._idle)
    value, stdout = assert_job(warm, MEMORY_SCAN)
    assert (value, stdout) == ("checked", "False False\n")


KEYS = """
import ctypes, platform
libc = ctypes.CDLL(None, use_errno=True)
add_key, keyctl = {"x86_64": (248, 250), "aarch64": (217, 219)}[platform.machine()]
USER_KEYRING, SEARCH, READ = -4, 10, 11
if WRITE:
    made = libc.syscall(add_key, b"user", b"vr-probe", b"from the last run", 17, USER_KEYRING)
    print(made > 0, ctypes.get_errno())
else:
    key = libc.syscall(keyctl, SEARCH, USER_KEYRING, b"user", b"vr-probe", 0)
    buffer = ctypes.create_string_buffer(64)
    size = libc.syscall(keyctl, READ, key, buffer, 64) if key > 0 else 0
    print(key > 0, buffer.value[: max(size, 0)])
"""


@pytest.mark.skipif(os.uname().machine not in ("x86_64", "aarch64"), reason="syscall numbers")
def test_no_key_passes_from_one_run_to_the_next() -> None:
    """A zygote's runs share its uid and user namespace, so its kernel keyring: a run may not
    add a key there (nor read one)."""
    sandbox = BwrapSandbox(warm=1)  # one zygote: every run after the first comes from it
    try:
        run(sandbox, "print('x')")
        for _ in range(2):
            wait_for_spares(sandbox, 1)
            assert run(sandbox, KEYS.replace("WRITE", "True")) == "False 1\n"  # EPERM
        wait_for_spares(sandbox, 1)
        assert run(sandbox, KEYS.replace("WRITE", "False")) == "False b''\n"
    finally:
        sandbox.close()
