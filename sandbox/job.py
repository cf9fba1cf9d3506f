"""What a sandbox is asked to run, the limits it runs under, and what comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal["stdio", "call", "script"]
_CASE_SLACK_S = 0.5  # fork, pipes and reaping around each case
_START_S = 10.0  # sandbox start-up (namespaces, the runner's interpreter)
_TEARDOWN_S = 5.0  # killing the sandbox's processes (patience 2 s) and the verdict's way back
CaseStatus = Literal["exited", "signaled", "timeout", "memory_limit", "output_limit"]


@dataclass(frozen=True)
class Limits:
    """Per-case and per-sandbox limits. Defaults suit competitive-programming style tests."""

    timeout_s: float = 2.0  # wall clock per case
    memory_mb: int = 512  # address space per case
    max_processes: int = 32  # processes of the sandbox's uid
    max_file_mb: int = 16  # largest file a program may write
    max_open_files: int = 128
    output_limit_bytes: int = 1 << 20  # stdout/stderr captured per case
    tmp_mb: int = 64  # size of the sandbox's /tmp (RLIMIT_AS does not cover tmpfs)
    compile_timeout_s: float = 20.0

    # The one place sandbox deadlines are computed; every layer derives its own from these, each
    # outer one a little later than the one inside it, so the innermost limit always fires first:
    # per case (the runner) < whole run (wall clock and CPU rlimit of the runner) < the worker.
    def run_deadline_s(self, cases: int) -> float:
        """Whole run: the build, every case at its full limit plus fork/teardown slack, start-up."""
        return self.compile_timeout_s + max(1, cases) * (self.timeout_s + _CASE_SLACK_S) + _START_S

    def worker_deadline_s(self, cases: int) -> float:
        """What the worker pool allows the verifier: the run, then killing and reaping it."""
        return self.run_deadline_s(cases) + _TEARDOWN_S


@dataclass(frozen=True)
class Job:
    """A program and the inputs of its cases. Expected outputs stay outside the sandbox."""

    language: str
    code: str
    mode: Mode = "stdio"
    inputs: tuple[Any, ...] = ()  # stdio: stdin text; call: list of arguments; script: unused
    fn_name: str | None = None
    check: str | None = None  # script mode: the check program run after the code
    files: tuple[tuple[str, str], ...] = ()  # extra source files (a checker's headers)
    case_files: tuple[tuple[tuple[str, str], ...], ...] = ()  # per case: files written before it
    argv: tuple[str, ...] = ()  # appended to a compiled program's command line
    binary: bytes | None = None  # a build returned by an earlier run (``emit_binary``)
    emit_binary: bool = False


@dataclass(frozen=True)
class CaseOutcome:
    status: CaseStatus
    exit_code: int | None
    signal: int | None
    seconds: float
    stdout: str
    stderr: str
    value: str = ""  # call mode: the JSON of the returned value; script mode: "checked"
    # script mode: why the tests failed (verdict, line, assertion, expected, actual, error)
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunResult:
    compile_error: str | None = None
    cases: tuple[CaseOutcome, ...] = field(default_factory=tuple)
    runner_died: bool = False  # the program killed the runner: remaining cases did not run
    binary: bytes | None = None  # the built program, when the job asked for it
