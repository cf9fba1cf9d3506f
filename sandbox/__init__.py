"""Runs untrusted programs against inputs, isolated, with limits. Knows nothing of rewards.

    sandbox = BwrapSandbox()
    result = sandbox.run(Job("python", "print(input())", inputs=("hi\\n",)), PYTHON, Limits())
    result.cases[0].stdout  # "hi\\n"

A backend (``Sandbox``) has ``name``, ``unavailable_reason()`` and ``run(job, language, limits)``.
"""

from typing import Protocol

from verireward.sandbox.bwrap import BwrapSandbox
from verireward.sandbox.call_harness import CallHarnessError
from verireward.sandbox.errors import SandboxError, SandboxKilled, SandboxUnavailable
from verireward.sandbox.job import CaseOutcome, Job, Limits, RunResult
from verireward.sandbox.languages import CPP, PYTHON, Language, language_for_fence, load_languages
from verireward.sandbox.runner_process import CaseCallback
from verireward.sandbox.unsandboxed import UnsandboxedRunner

WARM_SANDBOXES = 2  # pre-started sandboxes per process that runs them (one per core is plenty)


class Sandbox(Protocol):
    name: str

    def unavailable_reason(self) -> str | None:
        """Why this backend cannot run here, or ``None``."""
        ...

    def run(
        self, job: Job, language: Language, limits: Limits, on_case: CaseCallback | None = None
    ) -> RunResult:
        """Run the cases of ``job`` (``on_case`` may stop early); raise ``SandboxError`` only
        for the sandbox's own failures."""
        ...


def make_sandbox(backend: str) -> Sandbox:
    if backend == "bwrap":
        return BwrapSandbox(warm=WARM_SANDBOXES)
    if backend == "none":
        return UnsandboxedRunner()
    raise SandboxError(f"unknown sandbox backend {backend!r} (bwrap | none)")


__all__ = [
    "CPP",
    "PYTHON",
    "BwrapSandbox",
    "CallHarnessError",
    "CaseCallback",
    "CaseOutcome",
    "Job",
    "Language",
    "Limits",
    "RunResult",
    "Sandbox",
    "SandboxError",
    "SandboxKilled",
    "SandboxUnavailable",
    "UnsandboxedRunner",
    "language_for_fence",
    "load_languages",
    "make_sandbox",
]
