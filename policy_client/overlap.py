"""Scoring that overlaps generation: groups go to the service as soon as they exist.

The trainer submits each prompt's group right after sampling it and goes on sampling the next
prompts; one background thread posts the groups in order. At most ``max_pending`` groups wait or
are in flight (``submit`` blocks beyond that: a bounded queue, so a slow service slows the
trainer instead of piling up memory). ``collect`` returns every result in submission order and
re-raises the first failure.

    scorer = OverlappedScorer(client.score, reward_spec)
    for group in groups:
        scorer.submit(items_of(group))      # returns at once
    scored = scorer.collect()               # all groups, in the order submitted
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

ScoreFn = Callable[[Sequence[Mapping[str, Any]], Any], list[Any]]


class OverlappedScorer:
    def __init__(self, score: ScoreFn, reward_spec: Any = None, max_pending: int = 4) -> None:
        if max_pending < 1:
            raise ValueError("max_pending must be >= 1")
        self._score, self._spec = score, reward_spec
        # one worker: requests leave in submission order and one trainer holds one connection
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="overlap-score")
        self._slots = threading.BoundedSemaphore(max_pending)
        self._pending: list[Future] = []

    def submit(self, items: Sequence[Mapping[str, Any]]) -> None:
        self._slots.acquire()  # blocks while max_pending groups are queued or in flight
        try:
            future = self._pool.submit(self._score, list(items), self._spec)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        self._pending.append(future)

    def collect(self) -> list[Any]:
        """Every submitted group's results, flattened in submission order."""
        pending, self._pending = self._pending, []
        results: list[Any] = []
        for future in pending:
            results += future.result()  # re-raises the scorer's exception, if any
        return results

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> OverlappedScorer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
