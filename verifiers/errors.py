"""Every error of the verifiers package, per item and at start-up, in one place.

Per item (never exceptions: ``Verdict.error(ErrorCode.X, message)``, which the engine turns into
``reward: null`` and ``error: {"code", "message"}``): ``ErrorCode`` is the complete list; a verifier
that needs a new code adds it here (and to the README's table) rather than inventing a string.

Completion-owned failures the engine itself decides (``FailReason``) are not errors: they are
``fail`` verdicts scored at the floor of the verifier's declared range, so exceeding a limit never
pays more than an honest attempt.

Exceptions (start-up and request validation only)::

    VerifierError
     ├── RegistryError   a plugin is invalid or two share a name: start-up stops
     └── SpecError       a reward spec names an unknown verifier, a bad weight or bad params;
                         ``loc`` is the path to the offending field (for a 422)
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Why an item could not be judged (``reward: null``). Not the completion's fault."""

    VERIFIER_UNAVAILABLE = "verifier_unavailable"  # not installed, or its backend is missing
    SANDBOX_UNAVAILABLE = "sandbox_unavailable"  # the code sandbox cannot start here
    SANDBOX_ERROR = "sandbox_error"  # the sandbox itself failed (not the program)
    WORKER_CRASHED = "worker_crashed"  # its worker process died twice (retried once)
    INTERNAL_ERROR = "internal_error"  # a verifier raised or broke its contract
    MISSING_REFERENCE = "missing_reference"  # math: no ``answer`` on the item
    REFERENCE_UNPARSEABLE = "reference_unparseable"  # math: the reference cannot be read
    INVALID_TESTS = "invalid_tests"  # code: the item's ``tests`` cannot be read
    MISSING_DEPENDENCY = "missing_dependency"  # a batch verifier lacks the score it builds on
    MISSING_TARGET = "missing_target"  # language: no target language for the item
    UNKNOWN_LANGUAGE = "unknown_language"  # language: the item's target names no language
    JUDGE_UNAVAILABLE = "judge_unavailable"  # judge: the endpoint cannot be reached
    JUDGE_BAD_REPLY = "judge_bad_reply"  # judge: its reply is not a verdict
    REWARD_MODEL_UNAVAILABLE = "reward_model_unavailable"  # reward_model: no usable score


class FailReason(StrEnum):
    """Completion-owned failures decided by the engine or the worker pool: scored at the floor."""

    TOO_LONG = "too_long"  # over ``max_completion_chars``: never checked
    TIMEOUT = "timeout"  # past the worker deadline: the worker is killed
    MEMORY_LIMIT = "memory_limit"  # MemoryError under the worker's address-space cap
    TOO_DEEP = "too_deep"  # RecursionError


class VerifierError(Exception):
    """Base of this package's exceptions."""


class RegistryError(VerifierError):
    """A verifier plugin cannot be registered."""


class SpecError(VerifierError):
    """A reward spec is invalid; ``loc`` locates the field, e.g. ``("reward", "weights", "x")``."""

    def __init__(self, loc: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message
