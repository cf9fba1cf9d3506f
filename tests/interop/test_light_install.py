"""The trainer side installs alone: a clean venv, ``pip install <repo>`` without extras.

It must pull none of the service's dependencies, import the client and its adapters, load the
verl adapter by path the way verl does, and live next to PyPI's ``verifiers`` package.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SERVICE_ONLY = ("fastapi", "sympy", "lingua-language-detector", "pydantic", "uvicorn", "pebble")
PYPI_VERIFIERS = "verifiers==0.4.0"

PROBE = """
import importlib.metadata as md, importlib.util, json, os, sys
import verireward.policy_client, verireward.policy_client.reward_client
import verireward.policy_client.adapters.trl, verireward.policy_client.adapters.items
spec = importlib.util.spec_from_file_location("custom_module", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)  # what verl's load_extern_object does
score = module.compute_score("openai/gsm8k", "<think>6 * 12 = 72</think> <answer>72</answer>", "72")
print(json.dumps({
    "dists": sorted(d.metadata["Name"].lower() for d in md.distributions()),
    "score": score,
}))
"""


def _copy_sources(target: Path) -> Path:
    # Build from a copy: pip builds in place, and other checkouts share this tree.
    source = target / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("service", "verifiers", "sandbox", "policy_client"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return source


def _pip(python: Path, *args: str) -> None:
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args],
        check=True,
        timeout=600,
    )


def _probe(python: Path, live_server: str) -> dict:
    adapter = python.parents[1] / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    adapter = next(adapter.glob("site-packages/verireward/policy_client/adapters/verl.py"))
    out = subprocess.run(
        [str(python), "-c", PROBE, str(adapter)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        env={"VERIREWARD_URL": live_server, "PATH": "/usr/bin:/bin"},
        cwd=python.parents[2],  # not the repo root, whose folders would shadow the install
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_trainer_side_installs_light_and_next_to_pypi_verifiers(
    tmp_path: Path, live_server: str
) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    _pip(python, str(_copy_sources(tmp_path)))
    probe = _probe(python, live_server)
    assert "verireward" in probe["dists"] and "httpx" in probe["dists"]
    pulled = [name for name in SERVICE_ONLY if name in probe["dists"]]
    assert pulled == [], f"the trainer-side install pulled service dependencies: {pulled}"
    assert probe["score"] == pytest.approx(1.1)  # the adapter, loaded by path, scored over HTTP

    # PyPI's `verifiers` (its import needs none of its deps) installs next to ours.
    _pip(python, "--no-deps", PYPI_VERIFIERS)
    check = (
        "import verifiers, verireward.policy_client.adapters.trl as t;"
        "print(verifiers.__version__, verifiers.__file__, t.__file__)"
    )
    out = subprocess.run(
        [str(python), "-c", check], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    version, theirs, ours = out.stdout.split()
    assert version == PYPI_VERIFIERS.split("==")[1]
    assert Path(theirs).parent.name == "verifiers" and "verireward" not in theirs
    assert "/verireward/policy_client/" in ours
    assert _probe(python, live_server)["score"] == pytest.approx(1.1)
