"""The explicit no-isolation backend still runs the same runner, with limits."""

from __future__ import annotations

import pytest
from verireward.sandbox import PYTHON, Job, Limits, UnsandboxedRunner, make_sandbox

pytestmark = pytest.mark.integration


def test_runs_cases_with_limits() -> None:
    runner = make_sandbox("none")
    assert isinstance(runner, UnsandboxedRunner) and runner.unavailable_reason() is None
    job = Job("python", "print(input()[::-1])", inputs=("abc\n", "xy\n"))
    result = runner.run(job, PYTHON, Limits())
    assert [c.stdout for c in result.cases] == ["cba\n", "yx\n"]
    slow = runner.run(
        Job("python", "while True: pass", inputs=("",)), PYTHON, Limits(timeout_s=0.5)
    )
    assert slow.cases[0].status == "timeout"


def test_unknown_backend_is_refused() -> None:
    from verireward.sandbox import SandboxError

    with pytest.raises(SandboxError):
        make_sandbox("docker")
