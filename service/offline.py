"""Scores a JSONL dataset file with the same engine as the service (``verireward score``).

Each input line is a ``/score`` item (extra columns are kept); each output line is that object
plus ``reward``, ``scores``, ``error`` and ``details``. With ``min_reward`` only items whose
reward is at or above it are written (rejection sampling, R1 stage 3); ``null`` rewards never pass.
Bad lines are reported with their number and skipped, never silently dropped.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson
from pydantic import ValidationError
from tqdm import tqdm
from verireward.service.schemas import ScoreItem
from verireward.verifiers import RewardSpec, ScoringEngine

CHUNK = 512


@dataclass
class OfflineReport:
    read: int = 0
    scored: int = 0
    written: int = 0
    bad_lines: int = 0


def score_file(
    engine: ScoringEngine,
    spec: RewardSpec,
    source: IO[bytes],
    sink: IO[bytes],
    min_reward: float | None = None,
    progress: bool = True,
    errors: IO[str] = sys.stderr,
) -> OfflineReport:
    report = OfflineReport()
    with tqdm(desc="scoring", unit="item", disable=not progress) as bar:
        for chunk in _chunks(source, report, errors):
            items = [parsed.to_item() for _, parsed in chunk]
            results = asyncio.run(engine.score(items, spec))
            for (raw, _), result in zip(chunk, results, strict=True):
                report.scored += 1
                if min_reward is not None and (result.reward is None or result.reward < min_reward):
                    continue
                sink.write(orjson.dumps({**raw, **dataclasses.asdict(result)}, default=str))
                sink.write(b"\n")
                report.written += 1
            bar.update(len(chunk))
    return report


def _chunks(
    source: IO[bytes], report: OfflineReport, errors: IO[str]
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
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"line {number}: skipped: {reason}", file=errors)
            continue
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
