"""Turns a sandbox's raw case outcomes into verdicts, comparing against expected outputs that
never entered the sandbox."""

from __future__ import annotations

import json
import math
from typing import Any

from verireward.sandbox import CaseOutcome

SIGXCPU = 24
_SCRIPT_VERDICTS = ("wrong_answer", "runtime_error", "memory_limit")


def verdict_of(outcome: CaseOutcome, mode: str, expected: Any, float_tol: float) -> str:
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
        return "passed" if same_output(outcome.stdout, expected, float_tol) else "wrong_answer"
    if mode == "call":
        try:
            value = json.loads(outcome.value)
        except json.JSONDecodeError:
            return "runtime_error"  # returned something JSON cannot carry
    return "passed" if same_value(value, expected, float_tol) else "wrong_answer"


def same_output(actual: str, expected: str, float_tol: float = 0.0) -> bool:
    """Line by line, tolerating trailing spaces and trailing blank lines only."""
    got, want = _lines(actual), _lines(expected)
    if len(got) != len(want):
        return False
    return all(_same_line(g, w, float_tol) for g, w in zip(got, want, strict=True))


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _same_line(got: str, want: str, float_tol: float) -> bool:
    if got == want:
        return True
    if float_tol <= 0:
        return False
    got_tokens, want_tokens = got.split(), want.split()
    if len(got_tokens) != len(want_tokens):
        return False
    return all(_same_token(g, w, float_tol) for g, w in zip(got_tokens, want_tokens, strict=True))


def _same_token(got: str, want: str, float_tol: float) -> bool:
    if got == want:
        return True
    try:
        a, b = float(got), float(want)
    except ValueError:
        return False
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= float_tol * max(1.0, abs(b))


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
