"""Reads an item's ``tests`` field into one of three shapes.

- stdin/stdout: ``{"cases": [{"input": "1 2\\n", "output": "3\\n"}]}`` (also APPS/LiveCodeBench
  ``{"inputs": [...], "outputs": [...]}``);
- function call: the same with ``"fn_name"``; each ``input`` is a JSON list of arguments (a list
  or its JSON text), each ``output`` the JSON-encoded expected value;
- assert script: ``{"assert": "assert f(1) == 2\\n..."}`` (MBPP) or HumanEval's
  ``{"assert": "def check(candidate): ...", "entry_point": "f"}``, run after the code.

A malformed ``tests`` field is the dataset's fault, not the completion's: ``ItemTestsError``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from verireward.verifiers.code.checkers import CheckerSpecError, read_checker

MAX_CASES = 1_000


class ItemTestsError(ValueError):
    """The item's tests cannot be read."""


@dataclass(frozen=True)
class ItemTests:
    mode: str  # stdio | call | script
    inputs: tuple[Any, ...]
    expected: tuple[Any, ...]
    fn_name: str | None = None
    check: str | None = None
    language: str | None = None
    checker: Any = None  # stdin/stdout only: ``tests.checker`` as given (see checkers.py)


def read_tests(tests: Any) -> ItemTests:
    if isinstance(tests, str):
        try:
            tests = json.loads(tests)
        except json.JSONDecodeError as exc:
            raise ItemTestsError(f"tests is not JSON: {exc}") from exc
    if not isinstance(tests, dict):
        raise ItemTestsError("tests must be an object")
    language = tests.get("language")
    if "assert" in tests:
        return _script(tests, language)
    cases = _cases(tests)
    if not cases:
        raise ItemTestsError("tests has no cases")
    if len(cases) > MAX_CASES:
        raise ItemTestsError(f"more than {MAX_CASES} cases")
    fn_name = tests.get("fn_name")
    if fn_name:
        inputs = tuple(_arguments(case_input) for case_input, _ in cases)
        expected = tuple(_json_value(output) for _, output in cases)
        return ItemTests("call", inputs, expected, fn_name=str(fn_name), language=language)
    for case_input, output in cases:
        if not isinstance(case_input, str) or not isinstance(output, str):
            raise ItemTestsError("stdin/stdout cases need string input and output")
    try:
        read_checker(tests.get("checker"))
    except CheckerSpecError as exc:
        raise ItemTestsError(str(exc)) from exc
    inputs, outputs = tuple(i for i, _ in cases), tuple(o for _, o in cases)
    return ItemTests("stdio", inputs, outputs, language=language, checker=tests.get("checker"))


def _cases(tests: dict[str, Any]) -> list[tuple[Any, Any]]:
    if "cases" in tests:
        cases = tests["cases"]
        if not isinstance(cases, list) or not all(
            isinstance(c, dict) and "input" in c and "output" in c for c in cases
        ):
            raise ItemTestsError("cases must be a list of {input, output}")
        return [(c["input"], c["output"]) for c in cases]
    if "inputs" in tests and "outputs" in tests:
        inputs, outputs = tests["inputs"], tests["outputs"]
        if (
            not isinstance(inputs, list)
            or not isinstance(outputs, list)
            or len(inputs) != len(outputs)
        ):
            raise ItemTestsError("inputs and outputs must be lists of equal length")
        return list(zip(inputs, outputs, strict=True))
    raise ItemTestsError("tests needs 'cases', 'inputs'/'outputs' or 'assert'")


def _script(tests: dict[str, Any], language: str | None) -> ItemTests:
    check = tests["assert"]
    if isinstance(check, list):
        check = "\n".join(str(line) for line in check)
    if not isinstance(check, str) or not check.strip():
        raise ItemTestsError("assert must be a non-empty program")
    setup = tests.get("setup")  # MBPP's test_setup_code / test_imports, run before the asserts
    if isinstance(setup, list):
        setup = "\n".join(str(line) for line in setup)
    if isinstance(setup, str) and setup.strip():
        check = f"{setup}\n{check}"
    entry_point = tests.get("entry_point")
    if entry_point and "def check" in check:
        if not str(entry_point).isidentifier():
            raise ItemTestsError("entry_point must be a Python name")
        check += f"\n\ncheck({entry_point})\n"
    try:
        compile(check, "<tests>", "exec")
    except (SyntaxError, ValueError) as exc:
        raise ItemTestsError(f"the assert program does not compile: {exc}") from exc
    return ItemTests("script", (), (), check=check, language=language)


def _arguments(value: Any) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ItemTestsError(f"call input is not JSON: {exc}") from exc
    if not isinstance(value, list):
        raise ItemTestsError("a call input must be a JSON list of arguments")
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value  # a bare string expected value
    return value
