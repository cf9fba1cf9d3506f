"""The Python packages candidate programs may import: an environment built by
``make sandbox-python`` (a venv of the system interpreter with numpy, scipy, sortedcontainers,
networkx, sympy), whose ``site-packages`` every sandbox gets read-only at ``SANDBOX_SITE``.

Looked for, first found wins: ``$VERIREWARD_SANDBOX_PYTHON`` (a directory; ``system`` forces the
bare interpreter), ``.sandbox-python`` next to the source tree, ``/opt/verireward/sandbox-python``
(the image). An environment made for another Python version than the sandbox's interpreter is
ignored (its compiled modules would not load). Without one, programs get the stdlib only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ENV_VARIABLE = "VERIREWARD_SANDBOX_PYTHON"
SANDBOX_SITE = "/opt/sandbox-python"  # where site-packages appear inside the sandbox
DEFAULT_PLACES = (
    Path(__file__).resolve().parent.parent / ".sandbox-python",
    Path("/opt/verireward/sandbox-python"),
)
_DIST_INFO = re.compile(r"(.+)-([^-]+)\.dist-info")


@dataclass(frozen=True)
class PythonEnv:
    interpreter: str
    version: str  # "3.11"
    site_packages: Path | None = None  # None: the stdlib only
    packages: dict[str, str] = field(default_factory=dict)  # name -> version

    def describe(self) -> dict[str, object]:
        """What /readyz reports: the interpreter, where the packages come from, which."""
        return {
            "interpreter": f"{self.interpreter} ({self.version})",
            "packages_from": str(self.site_packages) if self.site_packages else None,
            "packages": dict(sorted(self.packages.items())),
        }


def find_env(interpreter: str) -> PythonEnv:
    version = interpreter_version(interpreter)
    chosen = os.environ.get(ENV_VARIABLE, "").strip()
    if chosen == "system":
        return PythonEnv(interpreter, version)
    places = [Path(chosen)] if chosen else list(DEFAULT_PLACES)
    for place in places:
        site = place / "lib" / f"python{version}" / "site-packages"
        if site.is_dir():
            return PythonEnv(interpreter, version, site, _packages(site))
    return PythonEnv(interpreter, version)


def interpreter_version(interpreter: str) -> str:
    """``3.11`` from the interpreter's real file name (``python3.11``), without starting it."""
    match = re.search(r"python(\d+\.\d+)$", os.path.realpath(interpreter))
    return match.group(1) if match else "3"


def _packages(site: Path) -> dict[str, str]:
    packages = {}
    for entry in site.iterdir():
        match = _DIST_INFO.fullmatch(entry.name)
        if match and entry.is_dir():
            name = match.group(1).lower().replace("_", "-")
            if name not in ("pip", "setuptools", "wheel"):
                packages[name] = match.group(2)
    return packages
