"""How a stdin/stdout case's output is judged: a built-in comparator, or the dataset's checker.

``tests.checker`` is one of:

- ``"lines"`` (the default), ``"tokens"``, ``"unordered_lines"``, ``"float"``, or the same as
  ``{"type": "float", "abs_tol": 1e-6, "rel_tol": 1e-6}``;
- ``{"type": "python", "source": "def check(input, expected, output): ..."}`` returning a bool
  or a score in [0, 1], run in a sandbox of its own;
- ``{"type": "cpp", "source": "...", "files": {"testlib.h": "..."}}``: a testlib-style program
  called as ``checker input.txt output.txt answer.txt``; exit 0 accepts, exit 7 with
  ``points X`` (X in [0, 1]) on its stdout or stderr gives partial credit, anything else
  rejects. Compiled once per source (per worker) and the build reused.

The float comparator applies its tolerance only to tokens that are real numbers (digits with a
decimal point or an exponent on at least one side, never ``nan``/``inf``/``1_0``); every other
token is compared as text, so ``001`` is not ``01``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

BUILT_IN = ("lines", "tokens", "unordered_lines", "float")
PROGRAMS = ("python", "cpp")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_REAL = re.compile(r"[.eE]")
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


class CheckerSpecError(ValueError):
    """``tests.checker`` cannot be read."""


@dataclass(frozen=True)
class Checker:
    kind: str = "lines"
    abs_tol: float = 0.0
    rel_tol: float = 0.0
    source: str = ""
    files: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def is_program(self) -> bool:
        return self.kind in PROGRAMS


def read_checker(spec: Any, float_tol: float = 0.0) -> Checker:
    if spec is None:
        return Checker("float", rel_tol=float_tol) if float_tol > 0 else Checker()
    if isinstance(spec, str):
        spec = {"type": spec}
    if not isinstance(spec, dict) or spec.get("type") not in BUILT_IN + PROGRAMS:
        raise CheckerSpecError(f"checker must be one of {BUILT_IN + PROGRAMS} or an object")
    kind = spec["type"]
    if kind in PROGRAMS:
        source = spec.get("source")
        files = spec.get("files", {})
        if not isinstance(source, str) or not source.strip():
            raise CheckerSpecError("a checker program needs a non-empty 'source'")
        if not isinstance(files, dict) or not all(
            isinstance(k, str) and _FILE_NAME.fullmatch(k) and isinstance(v, str)
            for k, v in files.items()
        ):
            raise CheckerSpecError("checker 'files' must map plain file names to text")
        return Checker(kind, source=source, files=tuple(sorted(files.items())))
    try:
        abs_tol = float(spec.get("abs_tol", 0.0))
        rel_tol = float(spec.get("rel_tol", float_tol if kind == "float" else 0.0))
    except (TypeError, ValueError) as exc:
        raise CheckerSpecError("abs_tol and rel_tol must be numbers") from exc
    if not (abs_tol >= 0 and rel_tol >= 0 and math.isfinite(abs_tol + rel_tol)):
        raise CheckerSpecError("abs_tol and rel_tol must be finite and >= 0")
    if kind == "float" and abs_tol == rel_tol == 0:
        abs_tol = rel_tol = 1e-6  # the customary competitive-programming tolerance
    return Checker(kind, abs_tol=abs_tol, rel_tol=rel_tol)


def compare(checker: Checker, actual: str, expected: str) -> bool:
    """A built-in comparator's verdict on one output."""
    if checker.kind == "tokens":
        return actual.split() == expected.split()
    if checker.kind == "unordered_lines":
        return Counter(lines_of(actual)) == Counter(lines_of(expected))
    got, want = lines_of(actual), lines_of(expected)
    if len(got) != len(want):
        return False
    if checker.kind == "float":
        return all(
            _same_tokens(g.split(), w.split(), checker) for g, w in zip(got, want, strict=True)
        )
    return got == want


def lines_of(text: str) -> list[str]:
    """Lines without trailing spaces, trailing blank lines dropped, any newline convention."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _same_tokens(got: list[str], want: list[str], checker: Checker) -> bool:
    return len(got) == len(want) and all(
        same_token(g, w, checker.abs_tol, checker.rel_tol) for g, w in zip(got, want, strict=True)
    )


def same_token(got: str, want: str, abs_tol: float, rel_tol: float) -> bool:
    """Equal text, or both real numbers (one written with a point or an exponent) within
    ``max(abs_tol, rel_tol * |want|)``."""
    if got == want:
        return True
    if not (_NUMBER.fullmatch(got) and _NUMBER.fullmatch(want)):
        return False
    if not (_REAL.search(got) or _REAL.search(want)):
        return False  # two integers: compared as text (001 is not 01)
    a, b = float(got), float(want)
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= max(abs_tol, rel_tol * abs(b))


def credit_of(value: Any) -> float | None:
    """A Python checker's return value as credit in [0, 1] (``None``: not a verdict)."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return min(1.0, max(0.0, float(value)))
    return None


def testlib_credit(exit_code: int | None, stdout: str, stderr: str) -> float:
    """Exit 0 accepts; exit 7 with ``points X`` is partial credit X; anything else rejects."""
    if exit_code == 0:
        return 1.0
    if exit_code == 7:
        match = re.search(r"points\s+([0-9.eE+-]+)", f"{stdout}\n{stderr}")
        if match and _NUMBER.fullmatch(match.group(1)):
            return min(1.0, max(0.0, float(match.group(1))))
    return 0.0
