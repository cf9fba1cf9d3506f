"""``code``: does the completion's program pass the item's tests?

The program is the last fenced code block of the completion (or of its last ``<answer>``); its
fence tag picks the language (else ``tests.language``, else the ``language`` param). It runs in
the sandbox (bubblewrap by default), one warm interpreter per submission, one forked child per
case. The score is the pass ratio, or 0/1 with ``binary``; ``stop_on_first_failure`` stops the
sandbox at the first failing case. A sandbox that cannot start is not the completion's fault:
``sandbox_unavailable`` and ``reward: null``. The backend comes from the service's settings
(``VerifierConfig.sandbox_backend``), handed over when the registry builds the verifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from verireward.sandbox import (
    CallHarnessError,
    CaseOutcome,
    Job,
    Language,
    Limits,
    RunResult,
    Sandbox,
    SandboxError,
    SandboxKilled,
    SandboxUnavailable,
    language_for_fence,
    load_languages,
    make_sandbox,
)
from verireward.verifiers.code.checker_run import CheckerFailed, run_checker
from verireward.verifiers.code.checkers import Checker, read_checker
from verireward.verifiers.code.explain import case_detail, stderr_tail
from verireward.verifiers.code.item_tests import ItemTests, ItemTestsError, read_tests
from verireward.verifiers.code.judge import verdict_of
from verireward.verifiers.errors import ErrorCode
from verireward.verifiers.protocol import Item, Status, Verdict
from verireward.verifiers.registry import VerifierConfig

_FENCE = re.compile(r"```[ \t]*([\w+#-]*)[^\n]*\n(.*?)```", re.DOTALL)
_ANSWER = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)
_DETAIL_CASES = 50


@dataclass(frozen=True)
class CodeParams:
    timeout_s: float = field(default=2.0, metadata={"doc": "wall-clock limit per test case"})
    memory_mb: int = field(default=512, metadata={"doc": "address-space limit per test case"})
    binary: bool = field(default=False, metadata={"doc": "1 only if every case passes"})
    stop_on_first_failure: bool = field(default=False, metadata={"doc": "stop at first failure"})
    float_tol: float = field(default=0.0, metadata={"doc": "relative tolerance for numbers"})
    language: str = field(default="python", metadata={"doc": "when no fence tag says"})

    def __post_init__(self) -> None:
        if not 0 < self.timeout_s <= 60 or not 16 <= self.memory_mb <= 8192:
            raise ValueError("timeout_s must be in (0, 60] and memory_mb in [16, 8192]")
        if self.float_tol < 0:
            raise ValueError("float_tol must be >= 0")


class CodeVerifier:
    name = "code"
    description = "Runs the last fenced code block against the item's tests in a sandbox."
    Params = CodeParams
    execution = "process"
    unavailable_code = ErrorCode.SANDBOX_UNAVAILABLE

    def __init__(self, service_config: VerifierConfig | None = None) -> None:
        # A str, so it pickles to workers; the sandbox itself is made there, on first use.
        self._backend = (service_config or VerifierConfig()).sandbox_backend
        load_languages()  # a bad language plugin stops start-up here, not in a worker

    def unavailable_reason(self) -> str | None:
        return _sandbox(self._backend).unavailable_reason()

    @property
    def sandbox_backend(self) -> str:
        """The backend actually in use (``bwrap``, or ``none`` when explicitly unsandboxed)."""
        return _sandbox(self._backend).name

    @property
    def sandbox_python(self) -> dict[str, object] | None:
        """The interpreter and packages candidate Python gets (``make sandbox-python``)."""
        env = getattr(_sandbox(self._backend), "python_env", None)
        return env.describe() if env is not None else None

    def deadline_s(self, item: Item, params: CodeParams) -> float:
        """Whole-run deadline for the worker: every case may use its full limit."""
        try:
            cases = len(read_tests(item.tests).inputs)
        except ItemTestsError:
            cases = 1
        return Limits(timeout_s=params.timeout_s).worker_deadline_s(cases)

    def verify(self, item: Item, params: CodeParams) -> Verdict:
        try:
            spec = read_tests(item.tests)
        except ItemTestsError as exc:
            return Verdict.error(ErrorCode.INVALID_TESTS, str(exc))
        extracted = extract_code(item.completion)
        if extracted is None:
            return Verdict.failed("no_code")
        fence, code = extracted
        languages = _languages()
        language = language_for_fence(fence, languages) if fence else None
        language = language or languages.get(spec.language or params.language)
        if language is None:
            return Verdict.failed("unsupported_language", fence=fence)
        if spec.mode not in language.modes:
            return Verdict.failed("unsupported_language", language=language.name, mode=spec.mode)
        return _judge(_sandbox(self._backend), code, spec, language, params)


def extract_code(completion: str) -> tuple[str, str] | None:
    answers = _ANSWER.findall(completion)
    for text in ([answers[-1]] if answers else []) + [completion]:
        blocks = _FENCE.findall(text)
        if blocks:
            return blocks[-1][0], blocks[-1][1]
    return None


def _judge(
    sandbox: Sandbox, code: str, spec: ItemTests, language: Language, params: CodeParams
) -> Verdict:
    limits = Limits(timeout_s=params.timeout_s, memory_mb=params.memory_mb)
    job = Job(language.name, code, spec.mode, spec.inputs, spec.fn_name, spec.check)
    expected = spec.expected or (None,)
    checker = read_checker(spec.checker, params.float_tol) if spec.mode == "stdio" else None
    verdicts: list[str] = []

    def on_case(index: int, outcome: CaseOutcome) -> bool:
        verdict = verdict_of(outcome, spec.mode, expected[index], params.float_tol, checker)
        verdicts.append(verdict)
        return verdict == "passed" or not params.stop_on_first_failure

    try:
        result = sandbox.run(job, language, limits, on_case)
        total = len(expected)
        if result.compile_error is not None:
            stderr = stderr_tail(result.compile_error)
            return Verdict.failed("compile_error", stderr=stderr, total=total)
        verdicts += ["runtime_error"] * (total - len(verdicts))  # cases after a killed runner
        credits = [1.0 if v == "passed" else 0.0 for v in verdicts]
        notes = _check_outputs(sandbox, checker, spec, result, verdicts, credits)
    except CallHarnessError as exc:  # its function cannot be called: the program's failure
        return Verdict.failed("compile_error", stderr=str(exc), total=len(expected))
    except SandboxKilled as exc:  # like a worker's death: the engine retries it once
        return Verdict.error(ErrorCode.WORKER_CRASHED, str(exc))
    except SandboxUnavailable as exc:
        return Verdict.error(ErrorCode.SANDBOX_UNAVAILABLE, str(exc))
    except SandboxError as exc:
        return Verdict.error(ErrorCode.SANDBOX_ERROR, str(exc))
    except CheckerFailed as exc:
        return Verdict.error(ErrorCode.INVALID_TESTS, str(exc))
    return _verdict(verdicts, credits, notes, result, spec, language, params)


def _check_outputs(
    sandbox: Sandbox,
    checker: Checker | None,
    spec: ItemTests,
    result: RunResult,
    verdicts: list[str],
    credits: list[float],
) -> dict[int, str]:
    """Run the dataset's checker program on the outputs of the cases that ran cleanly."""
    if checker is None or not checker.is_program:
        return {}
    ran = [i for i, v in enumerate(verdicts) if v == "passed" and i < len(result.cases)]
    triples = [(spec.inputs[i], spec.expected[i], result.cases[i].stdout) for i in ran]
    notes = {}
    for index, (credit, note) in zip(
        ran, run_checker(sandbox, checker, _languages(), triples), strict=True
    ):
        credits[index] = credit
        verdicts[index] = "passed" if credit == 1.0 else "wrong_answer"
        if note:
            notes[index] = note
    return notes


def _verdict(
    verdicts: list[str],
    credits: list[float],
    notes: dict[int, str],
    result: RunResult,
    spec: ItemTests,
    language: Language,
    params: CodeParams,
) -> Verdict:
    total = len(verdicts)
    passed = verdicts.count("passed")
    score = float(passed == total) if params.binary else sum(credits) / total
    expected = spec.expected or (None,)
    cases = []
    for index, (v, o, w) in enumerate(
        zip(verdicts[:_DETAIL_CASES], result.cases, expected, strict=False)
    ):
        case = {"verdict": v, **case_detail(v, o, spec.mode, w)}
        if 0.0 < credits[index] < 1.0:
            case["credit"] = credits[index]
        if index in notes:
            case["checker"] = notes[index]
        cases.append(case)
    details = {"language": language.name, "passed": passed, "total": total, "cases": cases}
    status = Status.PASS if passed == total else Status.FAIL
    reason = "all_passed" if passed == total else next(v for v in verdicts if v != "passed")
    return Verdict(status, score, reason, details)


@cache
def _sandbox(backend: str) -> Sandbox:
    # One per process and backend (workers included), made on first use, never pickled.
    return make_sandbox(backend)


@cache
def _languages() -> dict[str, Language]:
    return load_languages()
