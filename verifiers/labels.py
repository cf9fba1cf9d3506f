"""The one reading of a dataset label: a reference answer (math) or tests (code), or why not.

Every endpoint and adapter sends labels as they are in the dataset; only this function decides
what they mean, so ``/score``'s ``label``, OpenRLHF's ``labels`` and verl's ``ground_truth`` can
never disagree. The rules, in order:

- ``None``: no label (the item is scored without a reference, as if the field were absent).
- numpy values arrive as plain JSON; in-process, anything with ``tolist()`` is read the same way.
- an empty or blank string, NaN, an empty list: ``missing_reference``.
- a number: the answer, as text (GSM8K's ``72``); ``True``/``False`` are not answers.
- a list of one element is that element (``np.array(["72"])``); a list of
  ``{input, output}`` cases is tests; any other list is unreadable.
- an object with tests keys (``cases``, ``inputs``/``outputs``, ``assert``, ``fn_name``) is tests;
  with ``test_cases`` (open-r1's ``verification_info``) its cases are the tests; with
  ``ground_truth``/``answer``/``solution``/``reference`` that value is read by these rules.
- a string: JSON text of an object or of a case list is read as that JSON; other text is the
  answer, except that a solution text gives its final answer: after GSM8K's last ``####``, or
  the last ``\\boxed{...}``. Text that is not JSON (``{1, 2}``, ``[0, 1)``) stays an answer.

    >>> read_label("72").answer, read_label(72).answer, read_label(["72"]).answer
    ('72', '72', '72')
    >>> read_label("Natalia sold 48/2 = 24 clips... #### 72").answer
    '72'
    >>> read_label('{"cases": [{"input": "1", "output": "1"}]}').tests
    {'cases': [{'input': '1', 'output': '1'}]}
    >>> read_label("").problem
    'missing_reference'
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from verireward.verifiers.math.extract import last_boxed

MISSING = "missing_reference"
UNREADABLE = "unreadable_label"
_TESTS_KEYS = ("cases", "inputs", "assert", "fn_name")
_ANSWER_KEYS = ("ground_truth", "answer", "solution", "reference")
_MAX_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Reference:
    """What a label means: ``answer`` or ``tests``, or a ``problem`` code (then both None)."""

    answer: str | None = None
    tests: Any = None
    problem: str | None = None
    message: str = ""


def read_label(label: Any) -> Reference:
    """Turn a dataset label into a reference answer or tests (rules in the module docstring)."""
    return _read(label, 0)


def _read(label: Any, depth: int) -> Reference:
    label = _plain(label)
    if label is None:
        return Reference()
    if depth > _MAX_DEPTH:
        return _unreadable("labels nested too deeply")
    if isinstance(label, bool):
        return _unreadable("a boolean is not a reference")
    if isinstance(label, int | float):
        if isinstance(label, float) and not math.isfinite(label):
            return Reference(problem=MISSING, message="the label is NaN (an empty dataset cell?)")
        return Reference(answer=str(label))
    if isinstance(label, str):
        return _text(label, depth)
    if isinstance(label, list | tuple):
        return _sequence(list(label), depth)
    if isinstance(label, dict):
        return _mapping(label, depth)
    return _unreadable(f"a label of type {type(label).__name__}")


def _text(text: str, depth: int) -> Reference:
    stripped = text.strip()
    if not stripped:
        return Reference(problem=MISSING, message="the label is empty")
    if stripped[0] in "{[":
        try:
            parsed = json.loads(stripped)
        except json.JSONDecodeError:
            return Reference(answer=stripped)  # {1, 2}, [0, 1): math notation, not JSON
        if isinstance(parsed, dict) or _is_case_list(parsed):
            return _read(parsed, depth + 1)
        return Reference(answer=stripped)  # [1, 2] is an interval or a tuple
    return Reference(answer=_final_answer(stripped))


def _final_answer(text: str) -> str:
    if "####" in text:  # GSM8K: reasoning, then "#### 72"
        tail = text.rsplit("####", 1)[1].strip()
        if tail:
            return tail
    if "\\boxed" in text or "\\fbox" in text:
        boxed = last_boxed(text)
        if boxed and boxed.strip():
            return boxed.strip()
    return text


def _sequence(values: list[Any], depth: int) -> Reference:
    if not values:
        return Reference(problem=MISSING, message="the label is an empty list")
    if _is_case_list(values):
        return Reference(tests={"cases": values})
    if len(values) == 1:
        return _read(values[0], depth + 1)
    return _unreadable(f"a list of {len(values)} values is neither one answer nor test cases")


def _mapping(value: dict[str, Any], depth: int) -> Reference:
    if any(key in value for key in _TESTS_KEYS):
        return Reference(tests=value)
    if "test_cases" in value:  # open-r1 verification_info: {"language", "test_cases"}
        cases = _plain(value["test_cases"])
        if isinstance(cases, str):
            try:
                cases = json.loads(cases)
            except json.JSONDecodeError:
                return _unreadable("test_cases is not JSON")
        if isinstance(cases, dict) and "language" in value and "language" not in cases:
            cases = {**cases, "language": value["language"]}
        return Reference(tests=cases)
    for key in _ANSWER_KEYS:
        if key in value:
            return _read(value[key], depth + 1)
    return _unreadable(f"an object with keys {sorted(value)[:8]} is neither tests nor an answer")


def _is_case_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(c, dict) and "input" in c and "output" in c for c in value)
    )


def _plain(value: Any) -> Any:
    # numpy arrays and scalars (np.str_ is already a str); no numpy import needed here
    if not isinstance(value, str | int | float | bool | list | tuple | dict) and hasattr(
        value, "tolist"
    ):
        return value.tolist()
    return value


def _unreadable(message: str) -> Reference:
    return Reference(problem=UNREADABLE, message=message)
