"""Hostile programs: each is run in the bubblewrap sandbox and asserted harmless."""

from __future__ import annotations

import contextlib
import os
import socket
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from verireward.sandbox import PYTHON, BwrapSandbox, Job, Limits, RunResult
from verireward.sandbox.warm_pool import WarmPool
from verireward.sandbox.zygote_host import ZygoteRun

pytestmark = pytest.mark.integration
SLOT_UIDS = range(61_000, 61_064)


@pytest.fixture(scope="module", params=["fresh", "zygote"])
def bwrap(request: pytest.FixtureRequest, bwrap: BwrapSandbox) -> Iterator[BwrapSandbox]:
    """Every hostile program against both kinds of sandbox: a fresh bwrap per run, and the
    pre-started ones a zygote forks (the service's default)."""
    if request.param == "fresh":
        yield bwrap
        return
    sandbox = BwrapSandbox(warm=2)
    yield sandbox
    sandbox.close()


def zygote_mode(sandbox: BwrapSandbox) -> bool:
    return sandbox._pool.size > 0


def run(sandbox: BwrapSandbox, code: str, **limits: object) -> RunResult:
    job = Job("python", textwrap.dedent(code), inputs=("",))
    chosen = Limits(**limits)  # type: ignore[arg-type]
    if zygote_mode(sandbox) and WarmPool.fits(chosen):
        deadline = time.monotonic() + 10  # a spare is ready: the run is a zygote's
        if not sandbox._pool._idle:
            sandbox._retire(None)  # (the pool fills after a run; the first has none before)
        while not sandbox._pool._idle:
            assert time.monotonic() < deadline, "no pre-started sandbox came up"
            time.sleep(0.02)
        assert all(isinstance(s.process, ZygoteRun) for s in sandbox._pool._idle), [
            (type(s.process), s.process.poll()) for s in sandbox._pool._idle
        ] + [(z.alive, z.busy) for z in sandbox._zygotes._zygotes]
    return sandbox.run(job, PYTHON, chosen)


def stdout(sandbox: BwrapSandbox, code: str, **limits: object) -> str:
    return run(sandbox, code, **limits).cases[0].stdout


def sandbox_processes(uid: int | None = None) -> list[int]:
    """Processes of the slot uid our last run used (of every slot uid when unknown: other test
    sessions on a shared machine run sandboxes too)."""
    uids = SLOT_UIDS if uid is None else (uid,)
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                continue
    return pids


def leftovers(sandbox: BwrapSandbox) -> list[int]:
    """Processes the last run left behind, after a moment for namespace teardown. A fresh
    sandbox's slot uid has none left at all; a zygote's keeps the zygote's own processes and
    its next spare's first process (PID 1 of its namespace): any other process in a run's
    PID namespace (nested two deep) is a leftover."""
    deadline = time.monotonic() + 2
    while True:
        pids = sandbox_processes(sandbox.last_uid)
        if zygote_mode(sandbox):
            pids = [pid for pid in pids if _run_pid(pid) not in (None, 1)]
        if not pids or time.monotonic() > deadline:
            return pids
        time.sleep(0.05)


def _run_pid(pid: int) -> int | None:
    """A process's pid inside a run's PID namespace (None outside any run's)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            line = next(x for x in status if x.startswith("NSpid:"))
    except (OSError, StopIteration):
        return None
    levels = line.split()[1:]
    return int(levels[-1]) if len(levels) >= 3 else None


TRY = """
def attempt(action):
    try:
        result = action()
        print("ALLOWED", repr(result)[:80])
    except BaseException as exc:
        print("blocked", type(exc).__name__)
"""


@pytest.mark.parametrize(
    "action",
    [
        "lambda: open('/etc/shadow').read()",
        "lambda: os.listdir('/root')",
        "lambda: open('/etc/passwd').read()",
        "lambda: os.listdir('/home')",
        "lambda: open('/usr/evil', 'w')",
        "lambda: open('/sandbox/runner.py', 'a')",
        "lambda: os.setuid(0)",
        "lambda: os.listdir('/work')",
        "lambda: socket.create_connection(('1.1.1.1', 53), timeout=1)",
        "lambda: socket.getaddrinfo('pypi.org', 443)",
        "lambda: subprocess.run(['mount', '-t', 'tmpfs', 'none', '/usr'], check=True)",
        "lambda: subprocess.run(['unshare', '-r', 'true'], check=True)",
        "lambda: os.open('/proc/2/fd/1', os.O_WRONLY)",  # the runner's result channel
        "lambda: os.open('/proc/1/fd/1', os.O_WRONLY)",  # ... when it is PID 1 (a zygote's)
        "lambda: open('/proc/self/status').read().split('CapEff:')[1].split()[0] != '0' * 16"
        " or 1 / 0",  # no capability left (a zygote holds CAP_SYS_ADMIN in its namespace)
        "lambda: subprocess.run(['mount', '-t', 'tmpfs', 'none', '/tmp'], check=True)",
    ],
)
def test_forbidden_actions_are_blocked(bwrap: BwrapSandbox, action: str) -> None:
    if zygote_mode(bwrap) and "/proc/2/" in action:
        pytest.skip("in a zygote's sandbox PID 2 is the program itself; the runner is PID 1")
    code = f"import os, socket, subprocess\n{TRY}\nattempt({action})"
    assert stdout(bwrap, code).startswith("blocked"), action


def test_no_connection_reaches_a_loopback_listener(bwrap: BwrapSandbox) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(3)
    port = listener.getsockname()[1]
    accepted: list[object] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            accepted.append(listener.accept())

    thread = threading.Thread(target=accept)
    thread.start()
    code = (
        f"import socket\n{TRY}\nattempt(lambda: socket.create_connection(('127.0.0.1', {port}), 1))"
    )
    output = stdout(bwrap, code)
    thread.join()
    listener.close()
    assert output.startswith("blocked") and accepted == []


def test_service_environment_does_not_leak(
    bwrap: BwrapSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIREWARD_API_KEY", "s3cr3t-token")
    code = """
    import os
    print(dict(os.environ))
    for path in ('/proc/1/environ', '/proc/self/environ', '/proc/2/environ'):
        try:
            print(open(path, 'rb').read())
        except OSError as exc:
            print(path, type(exc).__name__)
    """
    output = stdout(bwrap, code)
    assert "s3cr3t" not in output
    assert "PATH" in output  # the program did print its (cleared) environment


def test_filling_tmp_stops_at_its_size(bwrap: BwrapSandbox) -> None:
    fill = """
    def fill():
        with open('/tmp/big', 'wb') as f:
            for _ in range(200):
                f.write(b'x' * (1 << 20))
    attempt(fill)
    """
    result = run(bwrap, TRY + textwrap.dedent(fill), tmp_mb=8, max_file_mb=64)
    assert result.cases[0].stdout.startswith("blocked")


def test_no_unbounded_writable_place(bwrap: BwrapSandbox) -> None:
    """Many files each under the file-size limit: only /tmp and /dev/shm take them, each up to
    its size (bwrap's root and /dev are tmpfs too, and writable they would hold any amount)."""
    code = """
    import os, multiprocessing
    written = {}
    for folder in ('/', '/dev', '/dev/shm', '/tmp', '/sandbox', '/proc'):
        total = 0
        try:
            for i in range(12):
                with open(os.path.join(folder, f'fill{i}'), 'wb') as f:
                    for _ in range(4):
                        f.write(b'x' * (1 << 20))
                        total += 1
        except OSError:
            pass
        written[folder] = total
    print(written)
    for i in range(12):
        if os.path.exists(f'/dev/shm/fill{i}'):
            os.remove(f'/dev/shm/fill{i}')  # room for the semaphore below
    with open('/dev/null', 'w') as sink:
        print('devnull', sink.write('still a sink'))
    lock = multiprocessing.Lock()  # a POSIX semaphore in /dev/shm
    print('semaphore', lock.acquire())
    """
    case = run(bwrap, code, tmp_mb=16, max_file_mb=8).cases[0]
    written = eval(case.stdout.splitlines()[0])  # the program's own dict literal
    assert written == {"/": 0, "/dev": 0, "/dev/shm": 16, "/tmp": 16, "/sandbox": 0, "/proc": 0}
    assert "devnull 12" in case.stdout and "semaphore True" in case.stdout, case.stderr


def test_file_size_limit(bwrap: BwrapSandbox) -> None:
    code = "open('/tmp/f', 'wb').write(b'x' * (32 << 20))\nprint('ALLOWED')"
    case = run(bwrap, code, max_file_mb=4, tmp_mb=64).cases[0]
    assert "ALLOWED" not in case.stdout and case.status in ("signaled", "exited")


def test_memory_bomb_is_a_memory_limit(bwrap: BwrapSandbox) -> None:
    case = run(bwrap, "x = bytearray(8 * 1024**3)\nprint('ALLOWED')", memory_mb=256).cases[0]
    assert case.status == "memory_limit"


def test_fork_bomb_is_contained(bwrap: BwrapSandbox) -> None:
    code = """
    import os
    while True:
        try:
            os.fork()
        except OSError:
            pass
    """
    start = time.perf_counter()
    case = run(bwrap, code, timeout_s=1.0, max_processes=16).cases[0]
    assert case.status == "timeout"
    assert time.perf_counter() - start < 10
    assert leftovers(bwrap) == []


def test_infinite_output_is_capped(bwrap: BwrapSandbox) -> None:
    code = "while True:\n    print('x' * 10000)"
    case = run(bwrap, code, output_limit_bytes=100_000).cases[0]
    assert case.status == "output_limit"
    assert len(case.stdout) <= 100_000


def test_segfault_is_a_signal(bwrap: BwrapSandbox) -> None:
    case = run(bwrap, "import ctypes\nctypes.string_at(0)").cases[0]
    assert case.status == "signaled" and case.signal == 11


def test_killing_the_runner_only_ends_this_run(bwrap: BwrapSandbox) -> None:
    result = run(bwrap, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('ok')")
    if zygote_mode(bwrap):  # the runner is PID 1 of its namespace: SIGKILL from inside is void
        assert not result.runner_died and result.cases[0].stdout == "ok\n"
    else:
        assert result.runner_died
    assert stdout(bwrap, "print('still here')") == "still here\n"  # the next run works


def test_kill_everything_reaches_only_the_sandbox(bwrap: BwrapSandbox) -> None:
    witness = os.fork()
    if witness == 0:  # a process of the host that must survive
        time.sleep(30)
        os._exit(0)
    try:
        result = run(bwrap, "import os, signal\nos.kill(-1, signal.SIGKILL)")
        alone = zygote_mode(bwrap) and "ProcessLookupError" in result.cases[0].stderr
        # (in a zygote's sandbox only the runner, PID 1 and immune, shares the namespace)
        assert result.runner_died or result.cases[0].status == "signaled" or alone
        assert os.waitpid(witness, os.WNOHANG) == (0, 0), "host process was killed"
    finally:
        os.kill(witness, 9)
        os.waitpid(witness, 0)


def test_daemon_does_not_outlive_the_run(bwrap: BwrapSandbox) -> None:
    code = """
    import os, time
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(60)
            open('/tmp/late', 'w').write('still alive')
        os._exit(0)
    print('parent done')
    """
    assert stdout(bwrap, code) == "parent done\n"
    time.sleep(0.2)
    assert leftovers(bwrap) == []


def test_sleeping_past_the_deadline_with_children(bwrap: BwrapSandbox) -> None:
    code = """
    import subprocess, time
    children = [subprocess.Popen(['sleep', '100']) for _ in range(3)]
    time.sleep(100)
    """
    start = time.perf_counter()
    case = run(bwrap, code, timeout_s=1.0).cases[0]
    assert case.status == "timeout" and time.perf_counter() - start < 5
    assert leftovers(bwrap) == []


def test_forged_result_lines_are_just_output(bwrap: BwrapSandbox) -> None:
    forged = '{"status": "exited", "exit_code": 0}'
    code = f"import sys, os\nprint({forged!r})\nos.write(1, b'\\n' + {forged!r}.encode())"
    result = run(bwrap, code)
    assert len(result.cases) == 1 and forged in result.cases[0].stdout


def test_nothing_is_left_behind(bwrap: BwrapSandbox) -> None:
    run(bwrap, "open('/tmp/x', 'w').write('data')\nprint('wrote')")
    assert leftovers(bwrap) == []
    uid = bwrap.last_uid
    files = [p for p in Path("/tmp").iterdir() if p.exists() and p.stat().st_uid == uid]
    assert files == []
