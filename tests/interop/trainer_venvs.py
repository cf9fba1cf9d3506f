"""Where tests/interop/setup_venvs.sh puts each trainer's own environment (``make test`` builds
them); running a driver there against a live verireward."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def trainer_python(name: str) -> Path:
    python = ROOT / ".venv-interop" / name / "bin" / "python"
    if not (python.parent.parent / ".ready").exists():
        message = f"{name} venv missing: run tests/interop/setup_venvs.sh .venv/bin/python"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the trainers' own code: {message}")
        pytest.skip(message)
    return python


def run_driver(
    name: str, driver: str, *args: str, timeout: float = 240, env: dict[str, str] | None = None
) -> dict:
    """Run ``driver`` with the trainer's python, outside the repo root (whose folders would
    shadow installed packages); the driver prints one JSON report as its last line."""
    done = subprocess.run(
        [str(trainer_python(name)), str(HERE / driver), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=HERE,
        env={**os.environ, "PYTHONPATH": "", "TOKENIZERS_PARALLELISM": "false", **(env or {})},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
