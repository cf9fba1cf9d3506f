"""Errors of the verifiers package.

    VerifierError
     ├── RegistryError   a plugin is invalid or two share a name: start-up stops
     └── SpecError       a reward spec names an unknown verifier, a bad weight or bad params;
                         ``field`` is the path to the offending field (for a 422)

Per-item problems are never exceptions: they are ``Verdict``s with status ``error``.
"""

from __future__ import annotations


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
