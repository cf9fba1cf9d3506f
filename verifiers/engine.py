"""The one place where a batch is fanned out to verifiers, deduplicated, timed and collected.

For every item the engine decides the weights, runs each verifier (inline ones in a thread,
``process`` ones in the worker pool, with a deadline), and folds the verdicts into a result:
``reward`` is the weighted sum of scores, or ``None`` with a typed error when any verifier could
not judge the item for reasons that are not the completion's fault. Results come back in input
order, one per item, whatever happens to the others.
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

from verireward.verifiers.protocol import Item, Status, Verdict, Verifier
from verireward.verifiers.registry import VerifierRegistry
from verireward.verifiers.reward_spec import RewardSpec
from verireward.verifiers.worker_pool import WorkerPool

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
    default_timeout_s: float = 5.0
    cache_size: int = 65_536


# Receives (verifier, [(status, seconds), ...]) after each run, for metrics, in batches: a
# per-check call into Prometheus costs more than a format check.
VerdictObserver = Callable[[str, list[tuple[Status, float]]], None]


@dataclass(slots=True)
class _Task:
    verifier: Verifier
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

    async def score(self, items: Sequence[Item], spec: RewardSpec) -> list[ItemResult]:
        verdicts: list[dict[str, Verdict]] = [{} for _ in items]
        weights = [spec.weights_for(item) for item in items]
        # Planning and inline checks run off the event loop: /healthz stays responsive.
        tasks = await asyncio.to_thread(self._plan, items, spec, weights, verdicts)
        done, remote = await asyncio.to_thread(self._run_local, tasks)
        remote_verdicts = await asyncio.gather(*(self._run_remote(t) for t in remote))
        for task, verdict in [*done, *zip(remote, remote_verdicts, strict=True)]:
            for slot in task.slots:
                verdicts[slot][task.verifier.name] = verdict
        # Batch verifiers see the whole request and the other verifiers' scores (length
        # rewards that depend on correctness, group-relative rewards).
        await asyncio.to_thread(self._run_batch_verifiers, items, spec, weights, verdicts)
        described: dict[int, dict[str, Any]] = {}  # one details dict per distinct verdict
        return [
            _combine(item, w, v, described)
            for item, w, v in zip(items, weights, verdicts, strict=True)
        ]

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
                verifier = self.registry.get(name)
                if verifier is None or name in unavailable:
                    reason = unavailable.get(name, "not installed")
                    code = getattr(verifier, "unavailable_code", "verifier_unavailable")
                    verdicts[index][name] = Verdict.error(
                        code, f"verifier {name!r} is unavailable: {reason}"
                    )
                    continue
                if too_long:
                    verdicts[index][name] = Verdict.failed("too_long", limit_chars=limit)
                    continue
                if verifier.execution == "batch":
                    continue  # after the others: see _run_batch_verifiers
                if name not in params_of:
                    params_of[name] = spec.params_for(name, verifier.Params)
                params = params_of[name]
                key = _cache_key(verifier, item, params)
                cached = self._cached(key)
                if key is None:
                    tasks.append(_Task(verifier, item, params, None, [index]))
                elif cached is not None:
                    verdicts[index][name] = cached
                elif key in by_key:
                    by_key[key].slots.append(index)
                else:
                    by_key[key] = _Task(verifier, item, params, key, [index])
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
            if task.verifier.execution == "inline":
                verdict: Verdict | None = _call_verify(task)
            else:
                verdict = _call_quick(task)
            if verdict is None:
                remote.append(task)
                continue
            observed.setdefault(task.verifier.name, []).append((verdict.status, clock() - start))
            done.append((task, self._remember(task, verdict)))
        if self._observe is not None:
            for name, outcomes in observed.items():
                self._observe(name, outcomes)
        return done, remote

    def _run_batch_verifiers(
        self,
        items: Sequence[Item],
        spec: RewardSpec,
        weights: list[dict[str, float]],
        verdicts: list[dict[str, Verdict]],
    ) -> None:
        batch = [v for v in self.registry.values() if v.execution == "batch"]
        # Those reading verdicts stand in for other verifiers: first, so the rest see them.
        batch.sort(key=lambda v: not getattr(v, "reads_verdicts", False))
        for verifier in batch:
            name = verifier.name
            slots = [i for i, w in enumerate(weights) if name in w and name not in verdicts[i]]
            if not slots:
                continue
            scores: list[Any] = [
                dict(verdicts[i])
                if getattr(verifier, "reads_verdicts", False)
                else {n: v.score for n, v in verdicts[i].items() if v.status is not Status.ERROR}
                for i in slots
            ]
            start = time.perf_counter()
            results = _call_batch(verifier, [items[i] for i in slots], spec, scores)
            seconds = (time.perf_counter() - start) / len(slots)
            for slot, verdict in zip(slots, results, strict=True):
                verdicts[slot][name] = verdict
            if self._observe is not None:
                self._observe(name, [(v.status, seconds) for v in results])

    async def _run_remote(self, task: _Task) -> Verdict:
        if self.pool is None:  # in-process use without workers (tests, notebooks): no deadline
            return self._remember(task, await asyncio.to_thread(_call_verify, task))
        deadline = getattr(task.verifier, "deadline_s", None)
        timeout = float(
            deadline(task.item, task.params)
            if deadline is not None
            else getattr(task.params, "timeout_s", self.limits.default_timeout_s)
        )
        start = time.perf_counter()
        verdict = await self.pool.verify(task.verifier, task.item, task.params, timeout)
        if verdict.code == "worker_crashed":  # replaced worker, one more try, then marked
            verdict = await self.pool.verify(task.verifier, task.item, task.params, timeout)
        if self._observe is not None:
            self._observe(task.verifier.name, [(verdict.status, time.perf_counter() - start)])
        return self._remember(task, verdict)

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


def _cache_key(verifier: Verifier, item: Item, params: Any) -> Hashable | None:
    hook = getattr(verifier, "cache_key", None)
    if hook is None:
        return None
    try:
        key = hook(item, params)
    except Exception:
        log.exception("cache_key of %s failed; checking without dedupe", verifier.name)
        return None
    return None if key is None else (verifier.name, repr(params), key)


def _call_batch(
    verifier: Verifier, items: list[Item], spec: RewardSpec, scores: list[dict[str, Any]]
) -> list[Verdict]:
    params = spec.params_for(verifier.name, verifier.Params)
    try:
        results = list(verifier.verify_batch(items, params, scores))  # type: ignore[attr-defined]
    except Exception as exc:
        log.exception("verifier %s raised", verifier.name)
        error = Verdict.error("internal_error", f"verifier {verifier.name!r} raised {exc!r}")
        return [error] * len(items)
    if len(results) != len(items) or not all(isinstance(v, Verdict) for v in results):
        return [Verdict.error("internal_error", f"{verifier.name!r} returned bad verdicts")] * len(
            items
        )
    return results


def _call_quick(task: _Task) -> Verdict | None:
    quick = getattr(task.verifier, "quick_verify", None)
    if quick is None:
        return None
    try:
        return quick(task.item, task.params)
    except Exception:
        log.exception("quick_verify of %s raised; sending the item to a worker", task.verifier.name)
        return None


def _call_verify(task: _Task) -> Verdict:
    try:
        verdict = task.verifier.verify(task.item, task.params)
    except Exception as exc:
        log.exception("verifier %s raised", task.verifier.name)
        return Verdict.error("internal_error", f"verifier {task.verifier.name!r} raised {exc!r}")
    if not isinstance(verdict, Verdict):
        return Verdict.error("internal_error", f"{task.verifier.name!r} returned no Verdict")
    return verdict


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
            error = error or ItemError(verdict.code or "verifier_error", verdict.reason)
        else:
            scores[name] = verdict.score
            reward += weights[name] * verdict.score
    return ItemResult(item.id, None if error else reward, scores, error, details)
