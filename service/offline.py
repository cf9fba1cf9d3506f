"""Scores a JSONL dataset file with the same engine as the service (``verireward score``).

Each input line is a ``/score`` item (extra columns are kept); each output line is that object
plus ``reward``, ``scores``, ``error`` and ``details``. Rejection sampling (R1 stage 3) keeps
only some items: ``min_reward`` those whose reward is at or above it, ``correct_only`` those
whose correctness verifiers all passed (see ``offline_report.is_correct``); ``null`` rewards
never pass either. Bad lines are reported with their number and the offending field, and
skipped, never silently dropped.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson
from pydantic import ValidationError
from tqdm import tqdm
from verireward.service.offline_report import OfflineReport, is_correct
from verireward.service.precision import round_results
from verireward.service.schemas import ScoreItem
from verireward.verifiers import RewardSpec, ScoringEngine

CHUNK = 512

__all__ = ["Keep", "OfflineReport", "count_items", "score_file"]


@dataclass(frozen=True)
class Keep:
    """Which scored items are written."""

    min_reward: float | None = None
    correct_only: bool = False


def score_file(
    engine: ScoringEngine,
    spec: RewardSpec,
    source: IO[bytes],
    sink: IO[bytes],
    keep: Keep | None = None,
    progress: bool = True,
    errors: IO[str] = sys.stderr,
    total: int | None = None,
) -> OfflineReport:
    """Score every line of ``source``; ``total`` (items expected) gives the progress bar an ETA."""
    keep = keep or Keep()
    report = OfflineReport()
    started = time.perf_counter()
    with tqdm(desc="scoring", unit="item", total=total, disable=not progress, file=errors) as bar:
        for chunk in _chunks(source, report, lambda line: bar.write(line, file=errors)):
            results = asyncio.run(engine.score([parsed.to_item() for _, parsed in chunk], spec))
            round_results(results)
            for (raw, _), result in zip(chunk, results, strict=True):
                report.add(result.reward, result.error and result.error.code, result.details)
                if not _kept(keep, result, report):
                    continue
                sink.write(orjson.dumps({**raw, **dataclasses.asdict(result)}, default=str))
                sink.write(b"\n")
                report.written += 1
            bar.update(report.read - bar.n)  # lines, bad ones included: the total counts them
    report.seconds = time.perf_counter() - started
    return report


def count_items(source: IO[bytes]) -> int | None:
    """Non-blank lines of a seekable file (then rewound); ``None`` for pipes."""
    if not source.seekable():
        return None
    count = sum(1 for line in source if line.strip())
    source.seek(0)
    return count


def _kept(keep: Keep, result: Any, report: OfflineReport) -> bool:
    if keep.min_reward is not None and (result.reward is None or result.reward < keep.min_reward):
        return False
    if keep.correct_only and not is_correct(result.reward, result.details):
        report.not_correct += 1
        return False
    return True


def _chunks(
    source: IO[bytes], report: OfflineReport, say: Callable[[str], None]
) -> Iterator[list[tuple[dict[str, Any], ScoreItem]]]:
    chunk: list[tuple[dict[str, Any], ScoreItem]] = []
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        report.read += 1
        try:
            raw = orjson.loads(line)
            chunk.append((raw, ScoreItem.model_validate(raw)))
        except (orjson.JSONDecodeError, ValidationError) as exc:
            report.bad_lines += 1
            say(f"line {number}: skipped: {_why(exc)}")
            continue
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _why(exc: Exception) -> str:
    """One line naming the field: ``completion: Field required``, ``invalid JSON: ...``."""
    if isinstance(exc, orjson.JSONDecodeError):
        return f"invalid JSON: {exc}"
    assert isinstance(exc, ValidationError)
    # Union members add their own loc part (``id.str``, ``id.constrained-int``): group by field.
    by_field: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        where = str(error["loc"][0]) if error["loc"] else ""
        messages = by_field.setdefault(where, [])
        if error["msg"] not in messages:
            messages.append(error["msg"])
    if "" in by_field:  # the line itself: a list, a number, a string
        return "not a JSON object"
    return "; ".join(f"{name}: {' or '.join(msgs)}" for name, msgs in by_field.items())
