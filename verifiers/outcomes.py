"""Turns whatever a verifier did (returned, raised, broke its contract, timed out, lost its
worker) into a checked ``Verdict``: the one place that builds error and floor verdicts.

- An exception is that item's ``internal_error`` (logged with the request id, which the log
  records carry), except ``MemoryError`` and ``RecursionError``: the completion's doing, scored
  at the floor as ``memory_limit`` / ``too_deep``.
- A verdict that is not a ``Verdict``, has an error code outside ``ErrorCode`` or a score outside
  the verifier's declared ``score_range`` is an ``internal_error``: a broken plugin must not pay.
- Failures the engine decides (``FailReason``) score the floor of the range.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable
from typing import Any

from verireward.verifiers.contract import Contract
from verireward.verifiers.errors import ErrorCode, FailReason
from verireward.verifiers.protocol import Item, Status, Verdict

log = logging.getLogger("verireward.verifiers.engine")
_FLOOR_OF_EXCEPTION = {
    "MemoryError": FailReason.MEMORY_LIMIT,
    "RecursionError": FailReason.TOO_DEEP,
}
_CODES = frozenset(ErrorCode)


def floored(contract: Contract, params: Any, reason: FailReason, **details: Any) -> Verdict:
    """A completion-owned failure decided outside the verifier: the lowest score it can give."""
    return Verdict(Status.FAIL, contract.floor(params), reason.value, details)


def raised(contract: Contract, params: Any, kind: str, message: str, trace: str = "") -> Verdict:
    """What an exception of type name ``kind`` inside a verifier becomes."""
    reason = _FLOOR_OF_EXCEPTION.get(kind)
    if reason is not None:
        return floored(contract, params, reason)
    log.error("verifier %s raised %s: %s\n%s", contract.name, kind, message, trace)
    return _internal(contract, kind, message)


def raised_here(contract: Contract, params: Any, exc: BaseException) -> Verdict:
    kind = type(exc).__name__
    if kind in _FLOOR_OF_EXCEPTION:
        return raised(contract, params, kind, str(exc))
    log.exception("verifier %s raised", contract.name)
    return _internal(contract, kind, str(exc))


def _internal(contract: Contract, kind: str, message: str) -> Verdict:
    text = f"verifier {contract.name!r} raised {kind}"
    return Verdict.error(ErrorCode.INTERNAL_ERROR, f"{text}: {message[:200]}" if message else text)


def checked(contract: Contract, params: Any, verdict: Any) -> Verdict:
    """``verdict`` if it keeps the contract, else an ``internal_error`` saying how it broke it."""
    if not isinstance(verdict, Verdict):
        problem = f"returned {type(verdict).__name__}, not a Verdict"
    elif verdict.status is Status.ERROR:
        if verdict.code in _CODES:
            return verdict
        problem = f"used error code {verdict.code!r}, which is not an ErrorCode"
    else:
        low, high = contract.score_range(params)
        score = verdict.score
        if isinstance(score, int | float) and math.isfinite(score) and low <= score <= high:
            return verdict
        problem = f"scored {score!r}, outside its declared range [{low}, {high}]"
    log.error("verifier %s broke its contract: %s", contract.name, problem)
    return Verdict.error(ErrorCode.INTERNAL_ERROR, f"verifier {contract.name!r} {problem}")


def call_verify(contract: Contract, item: Item, params: Any) -> Verdict:
    try:
        verdict = contract.verifier.verify(item, params)
    except Exception as exc:  # RecursionError and MemoryError are Exceptions too
        return raised_here(contract, params, exc)
    return checked(contract, params, verdict)


def call_prepare(contract: Contract, item: Item, params: Any) -> Item:
    """The item as the verifier's ``prepare`` hook makes it; the item as sent when it has none,
    raises or returns something else (its other hooks then work from the raw item)."""
    if contract.prepare is None:
        return item
    try:
        ready = contract.prepare(item, params)
    except Exception:
        log.exception("prepare of %s raised; using the item as sent", contract.name)
        return item
    if not isinstance(ready, Item):
        log.error("prepare of %s returned %s, not an Item", contract.name, type(ready).__name__)
        return item
    return ready


def call_quick(contract: Contract, item: Item, params: Any) -> Verdict | None:
    if contract.quick_verify is None:
        return None
    try:
        verdict = contract.quick_verify(item, params)
    except Exception:
        log.exception("quick_verify of %s raised; sending the item to a worker", contract.name)
        return None
    return None if verdict is None else checked(contract, params, verdict)


def call_batch(
    contract: Contract, items: list[Item], params: Any, scores: list[dict[str, float]]
) -> list[Verdict]:
    try:
        verdicts = list(contract.verifier.verify_batch(items, params, scores))
    except Exception as exc:
        return [raised_here(contract, params, exc)] * len(items)
    return batch_checked(contract, params, verdicts, len(items))


def batch_checked(contract: Contract, params: Any, verdicts: Any, count: int) -> list[Verdict]:
    if not isinstance(verdicts, list) or len(verdicts) != count:
        log.error("verify_batch of %s did not return one verdict per item", contract.name)
        error = Verdict.error(
            ErrorCode.INTERNAL_ERROR,
            f"verifier {contract.name!r} did not return one verdict per item",
        )
        return [error] * count
    return [checked(contract, params, v) for v in verdicts]


def cache_key(contract: Contract, item: Item, params: Any) -> Hashable | None:
    if contract.cache_key is None:
        return None
    try:
        key = contract.cache_key(item, params)
    except Exception:
        log.exception("cache_key of %s failed; checking without dedupe", contract.name)
        return None
    return None if key is None else (contract.name, repr(params), key)


def in_worker(verifier: Any, item: Item, params: Any) -> Any:
    """Runs in a worker process (module-level so it pickles by name); the pool reports raises."""
    return verifier.verify(item, params)


def batch_in_worker(
    verifier: Any, items: list[Item], params: Any, scores: list[dict[str, float]]
) -> Any:
    return list(verifier.verify_batch(items, params, scores))
