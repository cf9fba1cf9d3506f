"""The verifier contract: every optional hook the engine uses, its signature and its default,
declared here and nowhere else, and checked once when a verifier registers.

A verifier's public attributes are its contract: anything public that is neither required nor
declared in ``HOOKS`` (a misspelt ``cache_keys``, a hook removed in a later version) stops
start-up, as pluggy refuses an unknown hook implementation. Helpers stay private (``_name``).
The engine never looks a hook up by name: it reads the ``Contract`` built here.
"""

from __future__ import annotations

import difflib
import inspect
import math
import pickle
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from verireward.verifiers.errors import ErrorCode, RegistryError
from verireward.verifiers.protocol import Verdict

REQUIRED = ("name", "description", "Params", "execution")
EXECUTIONS = ("inline", "process")


@dataclass(frozen=True)
class Hook:
    """``args``: the parameters a method hook is called with (``None``: a plain attribute)."""

    args: tuple[str, ...] | None
    default: Any
    doc: str


HOOKS: dict[str, Hook] = {
    "verify": Hook(("item", "params"), None, "score one item (required unless batch)"),
    "batch": Hook(None, False, "True: verify_batch sees the whole request, after the others"),
    "verify_batch": Hook(
        ("items", "params", "scores"),
        None,
        "batch verifiers: one verdict per item; scores[i] = the other verifiers' scores of item i",
    ),
    "reads_verdicts": Hook(
        None,
        False,
        "batch verifiers: scores[i] holds the others' full Verdicts (errors too), and it runs"
        " before the other batch verifiers (a judge standing in for a rule: Verdict.supersedes)",
    ),
    "score_range": Hook(
        None,
        (0.0, 1.0),
        "(low, high) every score lies in, or a method (params) -> (low, high); failures the engine"
        " decides (too_long, timeout, memory_limit, too_deep) score low",
    ),
    "prepare": Hook(
        ("item", "params"),
        None,
        "per-item verifiers: the Item its other hooks and its worker receive, built once per item"
        " in the service (answer extraction, normalization); None: the item as sent",
    ),
    "cache_key": Hook(
        ("item", "params"),
        None,
        "items with equal keys get one check per batch and share the LRU cache",
    ),
    "quick_verify": Hook(
        ("item", "params"),
        None,
        "process verifiers: a cheap inline decision; None sends the item to a worker",
    ),
    "deadline_s": Hook(("item", "params"), None, "worker deadline when it is not params.timeout_s"),
    "unavailable_reason": Hook((), None, "why it cannot run here (None: it can); for /readyz"),
    "unavailable_code": Hook(
        None, ErrorCode.VERIFIER_UNAVAILABLE, "the ErrorCode of items it cannot judge here"
    ),
    "sandbox_backend": Hook(None, None, "what it runs candidate code in, reported by /readyz"),
    "sandbox_python": Hook(
        None, None, "the interpreter and packages candidate code gets (/readyz)"
    ),
    "close": Hook((), None, "release resources at shutdown"),
}


@dataclass(frozen=True, eq=False)
class Contract:
    """A registered verifier with every hook resolved (``None``: not provided)."""

    verifier: Any
    name: str
    execution: str
    batch: bool
    reads_verdicts: bool
    unavailable_code: ErrorCode
    prepare: Callable[[Any, Any], Any] | None
    cache_key: Callable[[Any, Any], Hashable | None] | None
    quick_verify: Callable[[Any, Any], Verdict | None] | None
    deadline_s: Callable[[Any, Any], float] | None
    unavailable_reason: Callable[[], str | None] | None
    close: Callable[[], None] | None
    _score_range: tuple[float, float] | Callable[[Any], tuple[float, float]]

    def score_range(self, params: Any) -> tuple[float, float]:
        declared = self._score_range
        return declared(params) if callable(declared) else declared

    def floor(self, params: Any) -> float:
        return self.score_range(params)[0]

    def check_picklable(self) -> None:
        """Process verifiers travel to workers; checked where a pool is built (start-up)."""
        try:
            pickle.dumps(self.verifier)
        except Exception as exc:
            label = type(self.verifier).__qualname__
            raise RegistryError(f"{label} runs in workers, so it must pickle: {exc!r}") from exc


def contract_of(verifier: Any) -> Contract:
    """Validate ``verifier`` against the contract; raise ``RegistryError`` saying what is wrong."""
    label = type(verifier).__qualname__
    check_required(verifier, label)
    _check_unknown(verifier, label)
    for name, hook in HOOKS.items():
        if hook.args is not None and name != "score_range" and hasattr(verifier, name):
            _check_signature(getattr(verifier, name), name, hook.args, label)
    batch = getattr(verifier, "batch", False)
    if not isinstance(batch, bool):
        raise RegistryError(f"{label}.batch must be True or False")
    needed = "verify_batch" if batch else "verify"
    if not callable(getattr(verifier, needed, None)):
        raise RegistryError(f"{label}: a {'batch ' if batch else ''}verifier needs {needed}()")
    if batch and hasattr(verifier, "prepare"):
        raise RegistryError(f"{label}.prepare is for per-item verifiers; a batch one sees items")
    try:
        code = ErrorCode(getattr(verifier, "unavailable_code", ErrorCode.VERIFIER_UNAVAILABLE))
    except ValueError as exc:
        raise RegistryError(f"{label}.unavailable_code: {exc}; see ErrorCode") from exc
    contract = Contract(
        verifier=verifier,
        name=verifier.name,
        execution=verifier.execution,
        batch=batch,
        reads_verdicts=bool(getattr(verifier, "reads_verdicts", False)),
        unavailable_code=code,
        prepare=getattr(verifier, "prepare", None),
        cache_key=getattr(verifier, "cache_key", None),
        quick_verify=getattr(verifier, "quick_verify", None),
        deadline_s=getattr(verifier, "deadline_s", None),
        unavailable_reason=getattr(verifier, "unavailable_reason", None),
        close=getattr(verifier, "close", None),
        _score_range=getattr(verifier, "score_range", HOOKS["score_range"].default),
    )
    _check_score_range(contract, verifier.Params, label)
    return contract


def check_required(verifier: Any, label: str) -> None:
    missing = [attr for attr in REQUIRED if not hasattr(verifier, attr)]
    if missing:
        raise RegistryError(f"{label} is not a Verifier: missing {missing}")
    if verifier.execution == "batch":
        raise RegistryError(
            f"{label}.execution must be 'inline' or 'process'; 'batch' is now a separate hook:"
            " execution = 'inline' and batch = True (no verify needed)"
        )
    if verifier.execution not in EXECUTIONS:
        raise RegistryError(f"{label}.execution must be 'inline' or 'process'")


def _check_unknown(verifier: Any, label: str) -> None:
    known = set(REQUIRED) | set(HOOKS)
    for attr in dir(type(verifier)):
        if attr.startswith("_") or attr in known:
            continue
        close = difflib.get_close_matches(attr, sorted(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise RegistryError(
            f"{label} has an unknown hook {attr!r}{hint}; the hooks are "
            f"{sorted(HOOKS)}; make helpers private (_{attr})"
        )


def _check_signature(hook: Any, name: str, args: tuple[str, ...], label: str) -> None:
    if not callable(hook):
        raise RegistryError(f"{label}.{name} must be a method {name}({', '.join(args)})")
    try:
        inspect.signature(hook).bind(*args)
    except TypeError as exc:
        raise RegistryError(
            f"{label}.{name}{inspect.signature(hook)} cannot be called as "
            f"{name}({', '.join(args)}): {exc}"
        ) from exc
    except ValueError:  # builtins without a signature: nothing to check
        pass


def _check_score_range(contract: Contract, params_type: type, label: str) -> None:
    declared = contract._score_range
    if callable(declared):
        _check_signature(declared, "score_range", ("params",), label)
    try:
        low, high = contract.score_range(params_type())
    except Exception as exc:
        raise RegistryError(f"{label}.score_range must be (low, high): {exc!r}") from exc
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        raise RegistryError(f"{label}.score_range ({low}, {high}) needs finite low <= high")
