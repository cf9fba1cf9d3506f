"""Turns a sandbox's raw case outcomes into verdicts, comparing against expected outputs that
never entered the sandbox."""

from __future__ import annotations

import json
from typing import Any

from verireward.sandbox import CaseOutcome
from verireward.verifiers.code.checkers import Checker, compare, read_checker

SIGXCPU = 24
_SCRIPT_VERDICTS = ("wrong_answer", "runtime_error", "memory_limit")


def verdict_of(
    outcome: CaseOutcome, mode: str, expected: Any, float_tol: float, checker: Checker | None = None
) -> str:
    """The case's verdict; with a checker program, ``passed`` means "ran cleanly, to be checked"."""
    if outcome.status in ("timeout", "memory_limit", "output_limit"):
        return outcome.status
    if outcome.status == "signaled":
        return "timeout" if outcome.signal == SIGXCPU else "runtime_error"
    if mode == "script":  # the judge's own report (the candidate cannot write it)
        if outcome.value == "checked" and outcome.exit_code == 0:
            return "passed"
        verdict = str(outcome.detail.get("verdict", "runtime_error"))
        return verdict if verdict in _SCRIPT_VERDICTS else "runtime_error"
    if outcome.exit_code != 0:
        return "runtime_error"
    if mode == "stdio":
        if checker is not None and checker.is_program:
            return "passed"
        same = same_output(outcome.stdout, expected, float_tol, checker)
        return "passed" if same else "wrong_answer"
    if mode == "call":
        try:
            value = json.loads(outcome.value)
        except json.JSONDecodeError:
            return "runtime_error"  # returned something JSON cannot carry
    return "passed" if same_value(value, expected, float_tol) else "wrong_answer"


def same_output(
    actual: str, expected: str, float_tol: float = 0.0, checker: Checker | None = None
) -> bool:
    """Line by line, tolerating trailing spaces and trailing blank lines only (or ``checker``'s
    built-in comparison)."""
    return compare(checker or read_checker(None, float_tol), actual, expected)


def same_value(got: Any, want: Any, float_tol: float) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, int | float) and isinstance(got, int | float):
        if float_tol > 0:
            return abs(got - want) <= float_tol * max(1.0, abs(want))
        return got == want
    if isinstance(want, list) and isinstance(got, list):
        return len(got) == len(want) and all(
            same_value(g, w, float_tol) for g, w in zip(got, want, strict=True)
        )
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(
            same_value(got[k], want[k], float_tol) for k in want
        )
    return got == want
