"""Runs jobs with rlimits only, no isolation. Only for an explicit setting
(``VERIREWARD_SANDBOX_BACKEND=none``), for machines where the operator accepts that the
candidate code can read the filesystem and reach the network. Logged loudly."""

from __future__ import annotations

import logging
import sys
import tempfile

from verireward.sandbox.job import Job, Limits, RunResult
from verireward.sandbox.languages import Language
from verireward.sandbox.python_env import find_env
from verireward.sandbox.runner_process import (
    RUNNER_SOURCE,
    CaseCallback,
    payload,
    rlimits,
    run_runner,
)

log = logging.getLogger(__name__)
WARNING = "UNSANDBOXED: candidate code runs with rlimits only (VERIREWARD_SANDBOX_BACKEND=none)"


class UnsandboxedRunner:
    name = "none"

    def __init__(self, python: str = "/usr/bin/python3") -> None:
        self.python = python if python else sys.executable
        self.python_env = find_env(self.python)
        log.warning(WARNING)

    def _sys_path(self) -> tuple[str, ...]:
        site = self.python_env.site_packages
        return (str(site),) if site else ()

    def unavailable_reason(self) -> str | None:
        return None

    def run(
        self, job: Job, language: Language, limits: Limits, on_case: CaseCallback | None = None
    ) -> RunResult:
        with tempfile.TemporaryDirectory(prefix="verireward-run-") as workdir:
            return run_runner(
                [self.python, "-I", "-S", "-B", str(RUNNER_SOURCE)],
                payload(job, language, limits, reap=False, sys_path=self._sys_path()),
                max(1, len(job.inputs)),
                limits,
                rlimits(limits, len(job.inputs)),
                cwd=workdir,
                on_case=on_case,
            )
