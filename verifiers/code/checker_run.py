"""Runs a dataset's checker program on the candidate's outputs, in a sandbox of its own (never
the candidate's: the checker sees the expected answers, the candidate must not)."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

from verireward.sandbox import Job, Language, Limits, RunResult, Sandbox
from verireward.verifiers.code.checkers import Checker, credit_of, testlib_credit
from verireward.verifiers.code.explain import clip, stderr_tail

TESTLIB_ARGV = ("input.txt", "output.txt", "answer.txt")
_BUILDS: OrderedDict[str, bytes] = OrderedDict()  # per process: source digest -> checker build
_MAX_BUILDS = 64


class CheckerFailed(Exception):
    """The checker itself cannot run (does not compile): the item's fault, not the program's."""


Triple = tuple[str, str, str]  # (input, expected, the candidate's output)


def run_checker(
    sandbox: Sandbox, checker: Checker, languages: dict[str, Language], triples: list[Triple]
) -> list[tuple[float, str]]:
    """(credit in [0, 1], note) per triple."""
    if not triples:
        return []
    limits = Limits(timeout_s=5.0, memory_mb=1024)
    if checker.kind == "python":
        job = Job("python", checker.source, "call", tuple(list(t) for t in triples), "check")
        result = sandbox.run(job, languages["python"], limits)
        return [_python_credit(result, index) for index in range(len(triples))]
    return _testlib(sandbox, checker, languages["cpp"], triples, limits)


def _python_credit(result: RunResult, index: int) -> tuple[float, str]:
    if result.compile_error is not None:
        raise CheckerFailed(f"the checker does not compile: {clip(result.compile_error)}")
    if index >= len(result.cases):
        return 0.0, "the checker did not run"
    case = result.cases[index]
    if case.status != "exited" or case.exit_code != 0:
        return 0.0, f"the checker failed ({case.status}): {stderr_tail(case.stderr, 300)}"
    try:
        credit = credit_of(json.loads(case.value))
    except json.JSONDecodeError:
        credit = None
    if credit is None:
        return 0.0, f"the checker returned {clip(case.value, 80)}, not a bool or a number"
    return credit, ""


def _testlib(
    sandbox: Sandbox, checker: Checker, cpp: Language, triples: list[Triple], limits: Limits
) -> list[tuple[float, str]]:
    digest = hashlib.sha256(repr((checker.source, checker.files)).encode()).hexdigest()
    build = _BUILDS.get(digest)
    files = tuple(
        tuple(zip(("input.txt", "answer.txt", "output.txt"), t, strict=True)) for t in triples
    )
    job = Job(
        "cpp",
        checker.source,
        inputs=("",) * len(triples),
        files=checker.files,
        case_files=files,
        argv=TESTLIB_ARGV,
        binary=build,
        emit_binary=build is None,
    )
    result = sandbox.run(job, cpp, limits)
    if result.compile_error is not None:
        raise CheckerFailed(
            f"the checker does not compile: {stderr_tail(result.compile_error, 600)}"
        )
    if build is None and result.binary:
        _BUILDS[digest] = result.binary
        while len(_BUILDS) > _MAX_BUILDS:
            _BUILDS.popitem(last=False)
    credits = []
    for index in range(len(triples)):
        if index >= len(result.cases):
            credits.append((0.0, "the checker did not run"))
            continue
        case = result.cases[index]
        credit = testlib_credit(case.exit_code, case.stdout, case.stderr)
        note = "" if credit == 1.0 else clip(f"{case.stdout}{case.stderr}".strip(), 200)
        credits.append((credit, note))
    return credits
