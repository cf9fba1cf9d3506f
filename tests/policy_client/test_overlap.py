"""Overlapped scoring: order kept, bounded, failures surface, and it really overlaps."""

from __future__ import annotations

import threading
import time

import pytest
from verireward.policy_client.overlap import OverlappedScorer


def test_results_come_back_in_submission_order() -> None:
    def score(items, spec):
        time.sleep(0.02 if items[0] % 2 else 0.0)  # uneven latency
        return [(i, spec) for i in items]

    with OverlappedScorer(score, "spec", max_pending=3) as scorer:
        for first in range(0, 20, 4):
            scorer.submit(list(range(first, first + 4)))
        assert scorer.collect() == [(i, "spec") for i in range(20)]
        assert scorer.collect() == []  # collect empties the queue


def test_submit_blocks_beyond_max_pending() -> None:
    release = threading.Event()
    started: list[int] = []

    def score(items, spec):
        started.append(items[0])
        release.wait(5)
        return items

    scorer = OverlappedScorer(score, max_pending=2)
    scorer.submit([1])
    scorer.submit([2])
    third = threading.Thread(target=scorer.submit, args=([3],))
    third.start()
    third.join(0.2)
    assert third.is_alive()  # the queue is full: the trainer waits instead of piling up work
    release.set()
    third.join(5)
    assert not third.is_alive()
    assert scorer.collect() == [1, 2, 3]
    scorer.close()


def test_a_failed_group_raises_at_collect() -> None:
    def score(items, spec):
        if items == ["bad"]:
            raise RuntimeError("service down")
        return items

    with OverlappedScorer(score) as scorer:
        scorer.submit(["ok"])
        scorer.submit(["bad"])
        with pytest.raises(RuntimeError, match="service down"):
            scorer.collect()


def test_scoring_runs_while_the_caller_works() -> None:
    def score(items, spec):
        time.sleep(0.2)
        return items

    with OverlappedScorer(score, max_pending=8) as scorer:
        started = time.perf_counter()
        for group in range(4):
            scorer.submit([group])
            time.sleep(0.2)  # "sampling" the next group
        assert scorer.collect() == [0, 1, 2, 3]
        elapsed = time.perf_counter() - started
    # scoring after sampling would take 1.6 s; overlapped, about the 0.8 s of "sampling"
    assert elapsed < 1.3


def test_max_pending_must_be_positive() -> None:
    with pytest.raises(ValueError):
        OverlappedScorer(lambda items, spec: items, max_pending=0)
