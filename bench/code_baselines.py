"""The benchmarks' own way of running a program against its tests, rewritten here to compare
against (no isolation: exec in a forked process with a time limit).

- ``humaneval_check``: as human-eval's ``check_correctness`` does it: a ``multiprocessing``
  Manager list for the result, a forked Process that execs prompt + completion + test +
  ``check(entry_point)`` in fresh globals with stdout/stderr/stdin swallowed and a
  ``setitimer`` time limit, joined with ``timeout + 1`` and killed if still alive. (Its
  ``reliability_guard``, which disables destructive os/shutil functions, is left out: it costs
  nothing measurable and the canonical solutions do not touch them.)
- ``mbpp_check``: the plain MBPP exec-with-timeout: a forked Process execs code + setup + the
  asserts, reports through a Queue, joined with the timeout.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import signal
from typing import Any

_FORK = multiprocessing.get_context("fork")


class _TimedOut(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    def on_alarm(signum: int, frame: Any) -> None:
        raise _TimedOut

    signal.setitimer(signal.ITIMER_REAL, seconds)
    signal.signal(signal.SIGALRM, on_alarm)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _run_program(program: str, timeout: float) -> str:
    try:
        sink = io.StringIO()
        with (
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
            _time_limit(timeout),
        ):
            exec(program, {})
        return "passed"
    except _TimedOut:
        return "timed out"
    except BaseException as exc:
        return f"failed: {exc}"


def _humaneval_child(program: str, timeout: float, result: Any) -> None:
    result.append(_run_program(program, timeout))


def humaneval_check(problem: dict[str, Any], completion: str, timeout: float = 3.0) -> bool:
    program = (
        problem["prompt"]
        + completion
        + "\n"
        + problem["test"]
        + "\n"
        + f"check({problem['entry_point']})"
    )
    with _FORK.Manager() as manager:
        result = manager.list()
        process = _FORK.Process(target=_humaneval_child, args=(program, timeout, result))
        process.start()
        process.join(timeout=timeout + 1)
        if process.is_alive():
            process.kill()
        return bool(result) and result[0] == "passed"


def _mbpp_child(program: str, timeout: float, queue: Any) -> None:
    queue.put(_run_program(program, timeout))


def mbpp_check(task: dict[str, Any], code: str, timeout: float = 3.0) -> bool:
    program = "\n".join([code, task.get("test_setup_code", ""), *task["test_list"]])
    queue = _FORK.Queue()
    process = _FORK.Process(target=_mbpp_child, args=(program, timeout, queue))
    process.start()
    process.join(timeout=timeout + 1)
    if process.is_alive():
        process.kill()
        return False
    try:
        return queue.get(timeout=1) == "passed"
    except Exception:
        return False
