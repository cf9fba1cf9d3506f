"""The contract between the scoring engine and every verifier, ours or a plugin's.

A verifier is a small class with a name, a description, a frozen ``Params`` dataclass and one
``verify`` method. It never raises for a bad completion: the completion's own failure is a
``fail`` verdict (score 0, or the floor of its ``score_range``) with a reason; only what is not
the completion's fault (a reference that cannot be read, a sandbox that is down) is an ``error``
verdict with an ``ErrorCode``, which the engine turns into ``reward: null`` so that trainers can
mask the item. Optional hooks are declared in ``verireward.verifiers.contract``.

Example::

    @dataclass(frozen=True)
    class ShoutParams:
        min_ratio: float = 0.5

    class ShoutVerifier:
        name = "shout"
        description = "1 when the completion is mostly upper case."
        Params = ShoutParams
        execution = "inline"

        def verify(self, item: Item, params: ShoutParams) -> Verdict:
            letters = [c for c in item.completion if c.isalpha()]
            ratio = sum(c.isupper() for c in letters) / max(1, len(letters))
            return Verdict.of(ratio >= params.min_ratio, reason=f"upper ratio {ratio:.2f}")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from verireward.verifiers.errors import ErrorCode

Execution = Literal["inline", "process"]


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Item:
    """One completion to score, as the engine sees it (no HTTP types)."""

    completion: str
    id: str | int | None = None
    prompt: str | None = None
    answer: str | None = None
    tests: Any = None
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A verifier's typed result.

    ``score`` is what the reward sums; ``reason`` a short machine-friendly word (``no_answer``,
    ``timeout``, ``equal_rational``...); ``details`` what a researcher needs to see why.
    For ``error`` verdicts ``code`` is the typed error code sent to the client.
    ``supersedes`` names another verifier of the same item whose verdict this one stands in
    for (a judge deciding where a rule could not): that one stays in ``details`` only.
    """

    status: Status
    score: float
    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    code: str | None = None
    supersedes: str | None = None

    @classmethod
    def of(cls, passed: bool, reason: str, **details: Any) -> Verdict:
        return cls(Status.PASS if passed else Status.FAIL, 1.0 if passed else 0.0, reason, details)

    @classmethod
    def failed(cls, reason: str, **details: Any) -> Verdict:
        return cls(Status.FAIL, 0.0, reason, details)

    @classmethod
    def error(cls, code: ErrorCode | str, message: str, **details: Any) -> Verdict:
        """The one way to build an error verdict; ``code`` must be an ``ErrorCode``."""
        return cls(Status.ERROR, 0.0, message, details, code=ErrorCode(code))


@runtime_checkable
class Verifier(Protocol):
    """What the registry accepts: these four attributes, plus ``verify(item, params) -> Verdict``
    (or, with ``batch = True``, ``verify_batch(items, params, scores) -> list[Verdict]``).

    ``execution`` says *where* it runs: ``"inline"`` in a thread of the service, ``"process"``
    in a worker process with a hard deadline (sympy, sandboxes: anything that may hang or blow
    up; the instance must then be picklable). ``batch`` says *whether* it sees the whole request:
    a batch verifier runs after the others and gets, for each of its items, the other verifiers'
    scores of that item (length rewards that depend on correctness, group-relative rewards);
    with ``reads_verdicts = True`` it gets the other verifiers' full ``Verdict``s instead (errors
    included) and runs before the other batch verifiers, so that they see its scores (a judge
    standing in for a rule).

    Every optional hook (``batch``, ``score_range``, ``cache_key``, ``quick_verify``,
    ``deadline_s``, ``unavailable_reason``, ``unavailable_code``, ``close``...) is declared, with
    its signature and default, in ``verireward.verifiers.contract.HOOKS``; the registry refuses a
    verifier with any other public attribute or a hook of the wrong signature.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    Params: ClassVar[type]
    execution: ClassVar[Execution]
