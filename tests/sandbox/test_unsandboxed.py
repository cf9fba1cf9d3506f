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


def test_assert_mode_runs_from_the_runner_script() -> None:
    """runner.py runs as ``__main__`` here: its assert-mode module finds it by name."""
    runner = make_sandbox("none")
    check = "assert add(2, 3) == 5\n"
    right = Job("python", "def add(a, b):\n    return a + b\n", mode="script", check=check)
    assert runner.run(right, PYTHON, Limits()).cases[0].value == "checked"
    wrong = Job("python", "def add(a, b):\n    return a - b\n", mode="script", check=check)
    detail = runner.run(wrong, PYTHON, Limits()).cases[0].detail
    assert (detail["verdict"], detail["actual"]) == ("wrong_answer", "-1")


def test_unknown_backend_is_refused() -> None:
    from verireward.sandbox import SandboxError

    with pytest.raises(SandboxError):
        make_sandbox("docker")
