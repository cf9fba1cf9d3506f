"""The contract between the scoring engine and every verifier, ours or a plugin's.

A verifier is a small class with a name, a description, a frozen ``Params`` dataclass and one
``verify`` method. It never raises for a bad completion: the completion's own failure is a
``fail`` verdict with score 0 and a reason; only what is not the completion's fault (a reference
that cannot be read, a sandbox that is down) is an ``error`` verdict, which the engine turns into
``reward: null`` so that trainers can mask the item.

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

Execution = Literal["inline", "process", "batch"]


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
    def error(cls, code: str, message: str, **details: Any) -> Verdict:
        return cls(Status.ERROR, 0.0, message, details, code=code)


@runtime_checkable
class Verifier(Protocol):
    """What the registry accepts.

    ``execution = "process"`` asks the engine to run ``verify`` in a worker process with a hard
    deadline (for sympy or sandboxes that may hang); the instance must then be picklable.
    ``execution = "batch"`` runs after all the others, inline, through
    ``verify_batch(items, params, scores) -> list[Verdict]``, where ``scores[i]`` holds the
    other verifiers' scores of ``items[i]`` in this request (length rewards that depend on
    correctness, rewards relative to a group of completions). A batch verifier with
    ``reads_verdicts = True`` gets ``verdicts[i]``, the other verifiers' full ``Verdict``s of
    ``items[i]`` (errors included), instead of scores, and runs before the other batch
    verifiers so that they see its scores (a judge standing in for a rule).

    Optional hooks, looked up with ``getattr``:

    - ``cache_key(item, params) -> Hashable | None``: items with equal keys get one check per
      batch and share the LRU cache (math keys on the normalized answer).
    - ``unavailable_reason() -> str | None``: why the verifier cannot run here (sandbox
      missing...); reported by ``/readyz`` and turned into errors coded ``unavailable_code``
      (default ``verifier_unavailable``).
    - ``deadline_s(item, params) -> float``: the worker deadline when it is not ``timeout_s``
      (code runs many cases, each with its own limit).
    - ``quick_verify(item, params) -> Verdict | None``: for ``process`` verifiers, a cheap
      inline decision (string match, plain numbers); ``None`` sends the item to a worker.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    Params: ClassVar[type]
    execution: ClassVar[Execution]

    def verify(self, item: Item, params: Any) -> Verdict:
        """Score one item with already validated params."""
        ...
