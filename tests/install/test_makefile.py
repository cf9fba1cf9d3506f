"""The Makefile's venv handling, on a copy of it in a scratch directory (no install runs).

The full path was also run for real, by hand, in a Debian 12 chroot made with
``debootstrap --variant=minbase bookworm`` plus ``python3 make git curl`` (no python3-venv): a
plain ``python3 -m venv .venv`` failed there on the missing ensurepip and left a .venv without
pip; ``VERIREWARD_PORT=<free> make serve`` then said the .venv was broken, installed
python3.11-venv with apt, rebuilt the venv, installed ``.[service]`` and served on that port
(/healthz, /readyz and a math /score answered); a second ``make -n serve`` only starts it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def fake_venv(where: Path, pip_works: bool) -> Path:
    python = where / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\nexit {0 if pip_works else 1}\n")
    python.chmod(0o755)
    (where / ".venv" / ".installed").touch()  # a stamp the broken venv would otherwise satisfy
    return python


def dry_run(where: Path, *args: str, **env: str) -> str:
    shutil.copy(ROOT / "Makefile", where / "Makefile")
    (where / "pyproject.toml").touch()
    done = subprocess.run(
        ["make", "-n", *args],
        cwd=where,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    return done.stdout + done.stderr


def test_a_venv_whose_pip_fails_is_rebuilt(tmp_path: Path) -> None:
    fake_venv(tmp_path, pip_works=False)
    out = dry_run(tmp_path, "serve")
    assert ".venv is broken" in out
    assert not (tmp_path / ".venv").exists()
    assert "-m venv .venv" in out and "pip install --quiet -e '.[service]'" in out


def test_a_working_venv_is_kept_and_serve_reads_the_environment(tmp_path: Path) -> None:
    fake_venv(tmp_path, pip_works=True)
    out = dry_run(tmp_path, "serve", VERIREWARD_PORT="8123")
    assert "broken" not in out and (tmp_path / ".venv").exists()
    serve = [line for line in out.splitlines() if "verireward serve" in line]
    assert serve == [".venv/bin/verireward serve"]  # no --host/--port overriding VERIREWARD_*


def test_venv_package_is_the_interpreters_own(tmp_path: Path) -> None:
    out = dry_run(tmp_path, "venv-package", PYTHON="python3")
    version = subprocess.run(
        ["python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert f"apt-get install -y -qq python{version}-venv" in out
