"""Errors of the sandbox package.

    SandboxError            the sandbox itself failed (not the candidate's program)
     ├── SandboxUnavailable  the backend cannot start here (bwrap missing, user namespaces off)
     └── SandboxKilled       something outside killed the sandbox (OOM killer, an operator)

A candidate's failures (wrong output, crash, timeout, memory) are never exceptions: they are
``CaseOutcome`` statuses.
"""


class SandboxError(Exception):
    """The sandbox failed for reasons that are not the program's fault."""


class SandboxUnavailable(SandboxError):
    """The backend cannot run on this machine; the message says why."""


class SandboxKilled(SandboxError):
    """SIGKILL from outside: the sandbox process itself, or the runner before any candidate code
    ran. Not the program's fault and transient, like a worker that dies: worth one retry."""
