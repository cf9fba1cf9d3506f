"""R1's stage 3: sample several completions per training prompt, keep the ones the verifiers
accept, and use them as SFT data (for the policy itself, or a fresh student: distillation).

The filter is ``verireward score --correct-only`` when the service package is installed here
(the same verifiers, offline, on a JSONL file); with only the trainer side installed it is the
remote service's own verdicts over HTTP. Either way an item is kept only when its answer is
correct *and* its format passed (R1 kept only clean traces), and duplicates are dropped.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# every weight must be earned: correct answer (math) and R1 format
REJECTION_SPEC = {"weights": {"math": 1.0, "format": 1.0}}
FULL_REWARD = sum(REJECTION_SPEC["weights"].values())


def cli_available() -> bool:
    return importlib.util.find_spec("verireward.service") is not None


def keep_correct_cli(candidates: Sequence[dict], workdir: str | Path) -> list[dict]:
    """``verireward score --correct-only --min-reward 2``: correct (math) and formatted."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    source, kept = workdir / "candidates.jsonl", workdir / "kept.jsonl"
    source.write_text("".join(json.dumps(item) + "\n" for item in candidates))
    command = [
        *[sys.executable, "-m", "verireward.service.cli", "score", str(source)],
        *["-o", str(kept), "--correct-only", "--min-reward", str(FULL_REWARD)],
        *["--reward", json.dumps(REJECTION_SPEC), "--no-progress"],
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"verireward score failed ({done.returncode}): {done.stderr[-2000:]}")
    rows = [json.loads(line) for line in kept.read_text().splitlines() if line.strip()]
    return unique(rows)


def keep_correct_http(candidates: Sequence[dict], scorer: Any) -> list[dict]:
    """The same filter from the service's HTTP verdicts: every weighted verifier scored 1."""
    scored = scorer.score(list(candidates), REJECTION_SPEC)
    accepted = [
        item
        for item, result in zip(candidates, scored, strict=True)
        if all(result.scores.get(name) == 1.0 for name in REJECTION_SPEC["weights"])
    ]
    return unique(accepted)


def keep_correct(candidates: Sequence[dict], workdir: str | Path, scorer: Any) -> list[dict]:
    if cli_available():
        return keep_correct_cli(candidates, workdir)
    return keep_correct_http(candidates, scorer)


def unique(rows: Sequence[dict]) -> list[dict]:
    """One row per distinct (prompt, completion), first seen kept, order kept."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for row in rows:
        key = (row["prompt"], row["completion"])
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept
