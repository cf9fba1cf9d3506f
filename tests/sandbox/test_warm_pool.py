"""Pre-started sandboxes: one submission each, torn down after, nothing carried over."""

from __future__ import annotations

import os
import signal
import time

import pytest
from verireward.sandbox import PYTHON, BwrapSandbox, Job, Limits

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
    spares = {s.process.pid for s in warm._pool._idle}
    assert run(warm, "print('second')") == "second\n"
    wait_for_spares(warm, 2)
    now = {s.process.pid for s in warm._pool._idle}
    assert len(spares - now) == 1  # the one used is gone, a new one took its place


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
    idle = list(warm._pool._idle)
    assert run(warm, "print('big tmp')", tmp_mb=128) == "big tmp\n"  # not a pre-started one
    assert {s.process.pid for s in warm._pool._idle} >= {s.process.pid for s in idle}
    for spare in warm._pool._idle:
        os.killpg(spare.process.pid, signal.SIGKILL)
    assert run(warm, "print('after')") == "after\n"
