"""Entry-point discovery, validation at start-up, and a real third-party plugin package."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from verireward.service.app import create_app
from verireward.service.settings import Settings
from verireward.verifiers import RegistryError, VerifierRegistry, load_registry
from verireward.verifiers.format import FormatVerifier

from tests.fakes import EchoVerifier


def test_installed_verifiers_are_pinned() -> None:
    # Changing this list changes what trainers can name in weights: do it on purpose.
    assert sorted(load_registry()) == [
        "code",
        "format",
        "judge",
        "language",
        "length_cosine",
        "length_group",
        "math",
        "overlong",
        "reasoning_steps",
        "repetition",
    ]


def test_duplicate_names_stop_startup() -> None:
    with pytest.raises(RegistryError, match="two verifiers are named 'format'"):
        VerifierRegistry([FormatVerifier(), FormatVerifier()])


class NoVerify:
    name = "noverify"
    description = "x"
    Params = dict
    execution = "inline"


class BadName(EchoVerifier):
    name = "Bad Name!"


class BadExecution(EchoVerifier):
    execution = "thread"


class BatchWithoutVerifyBatch(EchoVerifier):
    execution = "batch"


@dataclass(frozen=True)
class RequiredParams:
    needed: int


class ParamsWithoutDefaults(EchoVerifier):
    name = "nodefaults"
    Params = RequiredParams


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (NoVerify(), "missing \\['verify'\\]"),
        (BadName(), "must match"),
        (BadExecution(), "execution must be"),
        (BatchWithoutVerifyBatch(), "needs verify_batch"),
        (ParamsWithoutDefaults(), "Params needs JSON-typed fields with defaults"),
    ],
)
def test_invalid_plugins_stop_startup(plugin: object, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        VerifierRegistry([plugin])  # type: ignore[list-item]


PLUGIN_MODULE = """
from dataclasses import dataclass
from verireward.verifiers import Item, Verdict

@dataclass(frozen=True)
class ShoutParams:
    min_ratio: float = 0.5

class ShoutVerifier:
    name = "shout"
    description = "1 when the completion is mostly upper case"
    Params = ShoutParams
    execution = "inline"

    def verify(self, item: Item, params: ShoutParams) -> Verdict:
        letters = [c for c in item.completion if c.isalpha()]
        ratio = sum(c.isupper() for c in letters) / max(1, len(letters))
        return Verdict.of(ratio >= params.min_ratio, "upper_ratio", ratio=ratio)
"""

PLUGIN_PYPROJECT = """
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "verireward-shout"
version = "0.0.1"

[project.entry-points."verireward.verifiers"]
shout = "verireward_shout:ShoutVerifier"
"""


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    (source / "pyproject.toml").write_text(PLUGIN_PYPROJECT)
    (source / "verireward_shout.py").write_text(textwrap.dedent(PLUGIN_MODULE))
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
    )
    monkeypatch.syspath_prepend(str(target))
    return target


@pytest.mark.integration
def test_third_party_package_is_discovered_and_scores(installed_plugin: Path) -> None:
    assert (installed_plugin / "verireward_shout.py").exists()
    registry = load_registry()
    assert "shout" in registry and len(registry) == 10
    with TestClient(create_app(Settings(), registry)) as client:
        listed = {v["name"]: v for v in client.get("/verifiers").json()["verifiers"]}
        assert listed["shout"]["params_schema"]["properties"]["min_ratio"]["default"] == 0.5
        body = {
            "items": [{"id": 1, "completion": "HELLO THERE"}, {"id": 2, "completion": "quiet"}],
            "reward": {"weights": {"shout": 1.0}, "params": {"shout": {"min_ratio": 0.9}}},
        }
        results = client.post("/score", json=body).json()["results"]
    assert [(r["id"], r["reward"]) for r in results] == [(1, 1.0), (2, 0.0)]
    assert results[0]["details"]["shout"]["ratio"] == 1.0
