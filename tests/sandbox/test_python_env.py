"""The sandbox-python environment: found where ``make sandbox-python`` puts it, ignored when made
for another interpreter, bound read-only into the sandbox, so a numpy solution runs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from verireward.sandbox import PYTHON, BwrapSandbox, Job, Limits
from verireward.sandbox.python_env import ENV_VARIABLE, find_env, interpreter_version

NUMPY_SOLUTION = "import numpy as np\nprint(int(np.array(list(map(int, input().split()))).sum()))"


def make_env(root: Path, version: str, packages: dict[str, str]) -> Path:
    site = root / "lib" / f"python{version}" / "site-packages"
    site.mkdir(parents=True)
    for name, package_version in packages.items():
        (site / f"{name}-{package_version}.dist-info").mkdir()
    return root


def test_found_by_variable_with_its_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = interpreter_version("/usr/bin/python3")
    make_env(tmp_path, version, {"numpy": "2.0.1", "pip": "23.0", "sortedcontainers": "2.4.0"})
    monkeypatch.setenv(ENV_VARIABLE, str(tmp_path))
    env = find_env("/usr/bin/python3")
    assert env.site_packages == tmp_path / "lib" / f"python{version}" / "site-packages"
    assert env.packages == {"numpy": "2.0.1", "sortedcontainers": "2.4.0"}  # not pip
    assert env.describe()["interpreter"] == f"/usr/bin/python3 ({version})"


def test_other_python_version_and_system_fall_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_env(tmp_path, "2.7", {"numpy": "1.16"})
    monkeypatch.setenv(ENV_VARIABLE, str(tmp_path))
    assert find_env("/usr/bin/python3").site_packages is None
    monkeypatch.setenv(ENV_VARIABLE, "system")
    assert find_env("/usr/bin/python3").packages == {}


def _real_env() -> BwrapSandbox:
    sandbox = BwrapSandbox()
    if sandbox.unavailable_reason():
        pytest.skip(f"no sandbox: {sandbox.unavailable_reason()}")
    if "numpy" not in sandbox.python_env.packages:
        if os.environ.get("CI"):
            pytest.fail("CI must have the sandbox-python env (make test runs make sandbox-python)")
        pytest.skip("no sandbox-python env with numpy here: run `make sandbox-python`")
    return sandbox


@pytest.mark.integration
def test_numpy_solution_runs_in_the_sandbox() -> None:
    sandbox = _real_env()
    job = Job("python", NUMPY_SOLUTION, inputs=("1 2 3\n", "10 -4\n"))
    result = sandbox.run(job, PYTHON, Limits(timeout_s=10.0))
    assert [case.stdout for case in result.cases] == ["6\n", "6\n"], result
    scipy = Job("python", "from scipy.special import comb\nprint(int(comb(10, 3)))", inputs=("",))
    assert sandbox.run(scipy, PYTHON, Limits(timeout_s=10.0)).cases[0].stdout == "120\n"


@pytest.mark.integration
def test_numpy_in_assert_mode_on_every_kind_of_spare() -> None:
    """The first assert-mode job gets a plain spare or a fresh sandbox, the next ones spares
    whose two processes were forked before the job said where the packages are."""
    sandbox = _real_env()
    warm = BwrapSandbox(warm=2)
    code = "import numpy as np\ndef total(xs):\n    return int(np.sum(xs))\n"
    check = "import numpy as np\nassert total(list(np.arange(4))) == 6\n"
    try:
        for _ in range(4):
            job = Job("python", code, mode="script", check=check)
            case = warm.run(job, PYTHON, Limits(timeout_s=10.0)).cases[0]
            assert case.value == "checked", case.detail
            deadline = time.monotonic() + 10
            while len(warm._pool._idle) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
        spares = warm._pool._idle
        assert len(spares) == 2 and all(spare.process.script for spare in spares)
    finally:
        warm.close()
        sandbox.close()


@pytest.mark.integration
def test_the_packages_are_read_only() -> None:
    sandbox = _real_env()
    code = (
        "import numpy, os\ntry:\n"
        "    open(os.path.join(os.path.dirname(numpy.__file__), 'x'), 'w')\n"
        "    print('ALLOWED')\nexcept OSError as exc:\n    print('blocked', type(exc).__name__)"
    )
    result = sandbox.run(Job("python", code, inputs=("",)), PYTHON, Limits(timeout_s=10.0))
    assert result.cases[0].stdout.startswith("blocked"), result
