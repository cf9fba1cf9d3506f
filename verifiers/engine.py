"""The one place where a batch is fanned out to verifiers, deduplicated, timed and collected.

For every item the engine decides the weights, runs each verifier (``inline`` ones in a thread,
``process`` ones in the worker pool, with a deadline), then the ``batch`` verifiers, which see
the others' scores, and folds the verdicts into a result: ``reward`` is the weighted sum of
scores, or ``None`` with a typed error when any verifier could not judge the item for reasons
that are not the completion's fault. Results come back in input order, one per item, whatever
happens to the others. Hooks come from the registry's ``Contract`` (``contract.HOOKS``); what a
verifier returns or raises is checked in ``outcomes``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from verireward.verifiers import outcomes
from verireward.verifiers.contract import Contract
from verireward.verifiers.errors import ErrorCode, FailReason
from verireward.verifiers.protocol import Item, Status, Verdict
from verireward.verifiers.registry import VerifierRegistry
from verireward.verifiers.reward_spec import RewardSpec
from verireward.verifiers.worker_pool import TaskTimeout, WorkerCrashed, WorkerPool, WorkerRaised

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ItemError:
    code: str
    message: str


@dataclass(slots=True)
class ItemResult:
    id: Any
    reward: float | None
    scores: dict[str, float]
    error: ItemError | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EngineLimits:
    max_completion_chars: int = 200_000
    default_timeout_s: float = 5.0  # worker deadline when params carry no timeout_s
    cache_size: int = 65_536


# Receives (verifier, [(status, seconds), ...]) after each run, for metrics, in batches: a
# per-check call into Prometheus costs more than a format check.
VerdictObserver = Callable[[str, list[tuple[Status, float]]], None]


@dataclass(slots=True)
class _Task:
    contract: Contract
    item: Item
    params: Any
    cache_key: Hashable | None
    slots: list[int]  # indexes of the items sharing this check


class ScoringEngine:
    """Scores batches against a registry. Create once per process; safe for concurrent batches."""

    def __init__(
        self,
        registry: VerifierRegistry,
        pool: WorkerPool | None = None,
        limits: EngineLimits | None = None,
        observe: VerdictObserver | None = None,
    ) -> None:
        self.registry = registry
        self.pool = pool
        self.limits = limits or EngineLimits()
        self._observe = observe
        self._cache: OrderedDict[Hashable, Verdict] = OrderedDict()
        self._cache_lock = threading.Lock()  # batches plan concurrently in threads
        if pool is not None:
            process = [c for c in map(registry.contract, registry) if c.execution == "process"]
            for contract in process:
                contract.check_picklable()
            # Workers import the process verifiers' modules (sympy) before their first task.
            pool.start(preload={type(c.verifier).__module__ for c in process})

    async def score(self, items: Sequence[Item], spec: RewardSpec) -> list[ItemResult]:
        verdicts: list[dict[str, Verdict]] = [{} for _ in items]
        weights = [spec.weights_for(item) for item in items]
        # Planning and inline checks run off the event loop: /healthz stays responsive.
        tasks = await asyncio.to_thread(self._plan, items, spec, weights, verdicts)
        done, remote = await asyncio.to_thread(self._run_local, tasks)
        remote_verdicts = await asyncio.gather(*(self._run_remote(t) for t in remote))
        for task, verdict in [*done, *zip(remote, remote_verdicts, strict=True)]:
            for slot in task.slots:
                verdicts[slot][task.contract.name] = verdict
        # Batch verifiers see the whole request and the other verifiers' scores (length
        # rewards that depend on correctness, group-relative rewards). Those reading verdicts
        # stand in for other verifiers (a judge for its rule): first, so the rest see them.
        batch = [c for c in map(self.registry.contract, self.registry) if c.batch]
        for contract in sorted(batch, key=lambda c: not c.reads_verdicts):
            await self._run_batch(contract, items, spec, weights, verdicts)
        described: dict[int, dict[str, Any]] = {}  # one details dict per distinct verdict
        return [
            _combine(item, w, v, described)
            for item, w, v in zip(items, weights, verdicts, strict=True)
        ]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        self.registry.close()

    def _plan(
        self,
        items: Sequence[Item],
        spec: RewardSpec,
        weights: list[dict[str, float]],
        verdicts: list[dict[str, Verdict]],
    ) -> list[_Task]:
        """Fill what needs no check; return one task per distinct check still to run."""
        tasks: list[_Task] = []
        by_key: dict[Hashable, _Task] = {}
        unavailable = self.registry.unavailable()
        params_of: dict[str, Any] = {}
        limit = self.limits.max_completion_chars
        for index, item in enumerate(items):
            too_long = len(item.completion) > limit
            for name in weights[index]:
                if name not in self.registry or name in unavailable:
                    verdicts[index][name] = _unavailable(self.registry, name, unavailable)
                    continue
                contract = self.registry.contract(name)
                if name not in params_of:
                    params_of[name] = spec.params_for(name, contract.verifier.Params)
                params = params_of[name]
                if too_long:
                    verdicts[index][name] = outcomes.floored(
                        contract, params, FailReason.TOO_LONG, limit_chars=limit
                    )
                    continue
                if contract.batch:
                    continue  # after the others: see _run_batch
                # once per item: the cache key, the quick path and the worker get this one
                ready = outcomes.call_prepare(contract, item, params)
                key = outcomes.cache_key(contract, ready, params)
                cached = self._cached(key)
                if key is None:
                    tasks.append(_Task(contract, ready, params, None, [index]))
                elif cached is not None:
                    verdicts[index][name] = cached
                elif key in by_key:
                    by_key[key].slots.append(index)
                else:
                    by_key[key] = _Task(contract, ready, params, key, [index])
                    tasks.append(by_key[key])
        return tasks

    def _run_local(self, tasks: list[_Task]) -> tuple[list[tuple[_Task, Verdict]], list[_Task]]:
        """Run inline verifiers and the quick path of process ones; return what is left."""
        done: list[tuple[_Task, Verdict]] = []
        remote: list[_Task] = []
        observed: dict[str, list[tuple[Status, float]]] = {}
        clock = time.perf_counter
        for task in tasks:
            start = clock()
            contract = task.contract
            if contract.execution == "inline":
                verdict: Verdict | None = outcomes.call_verify(contract, task.item, task.params)
            else:
                verdict = outcomes.call_quick(contract, task.item, task.params)
            if verdict is None:
                remote.append(task)
                continue
            observed.setdefault(contract.name, []).append((verdict.status, clock() - start))
            done.append((task, self._remember(task, verdict)))
        if self._observe is not None:
            for name, seen in observed.items():
                self._observe(name, seen)
        return done, remote

    async def _run_remote(self, task: _Task) -> Verdict:
        contract, params = task.contract, task.params
        if self.pool is None:  # in-process use without workers (tests, notebooks): no deadline
            verdict = await asyncio.to_thread(outcomes.call_verify, contract, task.item, params)
            return self._remember(task, verdict)
        timeout = self._timeout(contract, task.item, params)
        start = time.perf_counter()
        args = (contract.verifier, task.item, params)
        verdict = await self._in_pool(contract, params, outcomes.in_worker, args, timeout)
        if self._observe is not None:
            self._observe(contract.name, [(verdict.status, time.perf_counter() - start)])
        return self._remember(task, verdict)

    async def _run_batch(
        self,
        contract: Contract,
        items: Sequence[Item],
        spec: RewardSpec,
        weights: list[dict[str, float]],
        verdicts: list[dict[str, Verdict]],
    ) -> None:
        name = contract.name
        slots = [i for i, w in enumerate(weights) if name in w and name not in verdicts[i]]
        if not slots:
            return
        params = spec.params_for(name, contract.verifier.Params)
        chosen = [items[i] for i in slots]
        scores: list[Any] = [
            dict(verdicts[i])
            if contract.reads_verdicts
            else {n: v.score for n, v in verdicts[i].items() if v.status is not Status.ERROR}
            for i in slots
        ]
        start = time.perf_counter()
        if contract.execution == "inline" or self.pool is None:
            results = await asyncio.to_thread(outcomes.call_batch, contract, chosen, params, scores)
        else:
            timeout = sum(self._timeout(contract, item, params) for item in chosen)
            args = (contract.verifier, chosen, params, scores)
            raw = await self._in_pool(contract, params, outcomes.batch_in_worker, args, timeout)
            results = (
                [raw] * len(chosen)
                if isinstance(raw, Verdict)
                else outcomes.batch_checked(contract, params, raw, len(chosen))
            )
        seconds = (time.perf_counter() - start) / len(slots)
        for slot, verdict in zip(slots, results, strict=True):
            verdicts[slot][name] = verdict
        if self._observe is not None:
            self._observe(name, [(v.status, seconds) for v in results])

    async def _in_pool(
        self, contract: Contract, params: Any, fn: Callable[..., Any], args: tuple, timeout: float
    ) -> Any:
        """Run ``fn(*args)`` in a worker; a crashed worker is replaced and the call tried once
        more on the fresh one, then the item is ``worker_crashed``. Single verdicts come back
        checked; lists (batch) are checked by the caller."""
        assert self.pool is not None
        for attempt in (1, 2):
            try:
                value = await self.pool.run(fn, args, timeout)
            except TaskTimeout:
                return outcomes.floored(contract, params, FailReason.TIMEOUT, deadline_s=timeout)
            except WorkerRaised as exc:
                return outcomes.raised(contract, params, exc.kind, exc.message, exc.trace)
            except WorkerCrashed as exc:
                if attempt == 2:
                    return Verdict.error(ErrorCode.WORKER_CRASHED, str(exc))
                log.warning("worker died under %s (%s); retrying once", contract.name, exc)
                continue
            if isinstance(value, list):
                return value
            verdict = outcomes.checked(contract, params, value)
            # A verifier's own child killed from outside (a sandbox) is retried like a worker.
            if verdict.code == ErrorCode.WORKER_CRASHED and attempt == 1:
                log.warning("%s lost a child process (%s); retrying once", contract.name, verdict)
                continue
            return verdict
        raise AssertionError("unreachable")

    def _timeout(self, contract: Contract, item: Item, params: Any) -> float:
        if contract.deadline_s is not None:
            try:
                return float(contract.deadline_s(item, params))
            except Exception:
                log.exception("deadline_s of %s raised; using the default", contract.name)
        timeout = getattr(params, "timeout_s", None)  # the params convention, not a hook
        return float(timeout) if timeout is not None else self.limits.default_timeout_s

    def _cached(self, key: Hashable | None) -> Verdict | None:
        if key is None:
            return None
        with self._cache_lock:
            verdict = self._cache.get(key)
            if verdict is not None:
                self._cache.move_to_end(key)
            return verdict

    def _remember(self, task: _Task, verdict: Verdict) -> Verdict:
        # Errors are not the completion's doing and may be transient: never cache them.
        if task.cache_key is not None and verdict.status is not Status.ERROR:
            with self._cache_lock:
                self._cache[task.cache_key] = verdict
                if len(self._cache) > self.limits.cache_size:
                    self._cache.popitem(last=False)
        return verdict


def _unavailable(registry: VerifierRegistry, name: str, unavailable: dict[str, str]) -> Verdict:
    if name not in registry:
        return Verdict.error(
            ErrorCode.VERIFIER_UNAVAILABLE, f"verifier {name!r} is unavailable: not installed"
        )
    return Verdict.error(
        registry.contract(name).unavailable_code,
        f"verifier {name!r} is unavailable: {unavailable[name]}",
    )


def _combine(
    item: Item,
    weights: dict[str, float],
    verdicts: dict[str, Verdict],
    described: dict[int, dict[str, Any]],
) -> ItemResult:
    scores: dict[str, float] = {}
    details: dict[str, Any] = {}
    error: ItemError | None = None
    reward = 0.0
    # A verdict standing in for another (a judge for its rule) removes that one from the
    # reward and the scores; it stays visible in details.
    superseded = {v.supersedes: n for n, v in verdicts.items() if v.supersedes in verdicts}
    for name, verdict in verdicts.items():
        detail = described.get(id(verdict))
        if detail is None:
            detail = {"status": verdict.status.value, "reason": verdict.reason, **verdict.details}
            described[id(verdict)] = detail
        if name in superseded:
            details[name] = {**detail, "superseded_by": superseded[name]}
            continue
        details[name] = detail
        if verdict.status is Status.ERROR:
            error = error or ItemError(str(verdict.code), verdict.reason)
        else:
            scores[name] = verdict.score
            reward += weights[name] * verdict.score
    return ItemResult(item.id, None if error else reward, scores, error, details)
