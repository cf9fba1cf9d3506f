"""Entry-point discovery, validation at start-up, and a real third-party plugin package."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from verireward.sandbox import Language, SandboxError
from verireward.service.app import create_app
from verireward.service.settings import Settings
from verireward.verifiers import (
    HOOKS,
    ErrorCode,
    Item,
    RegistryError,
    Verdict,
    VerifierRegistry,
    load_registry,
)
from verireward.verifiers.format import FormatVerifier

from tests.fakes import EchoParams, EchoVerifier


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
        "reward_model",
    ]


def test_duplicate_names_stop_startup() -> None:
    with pytest.raises(RegistryError, match="two verifiers are named 'format'"):
        VerifierRegistry([FormatVerifier(), FormatVerifier()])


class NoVerify:
    name = "noverify"
    description = "x"
    Params = EchoParams
    execution = "inline"


class BadName(EchoVerifier):
    name = "Bad Name!"


class BadExecution(EchoVerifier):
    execution = "thread"


class LegacyBatch(EchoVerifier):
    execution = "batch"


class BatchWithoutVerifyBatch(NoVerify):
    batch = True


class MisspeltHook(EchoVerifier):
    def cache_keys(self, item: Item, params: EchoParams) -> str:
        return item.completion


class WrongSignature(EchoVerifier):
    def cache_key(self, item: Item) -> str:  # type: ignore[override]
        return item.completion


class WrongVerifySignature(NoVerify):
    def verify(self, item: Item, params: EchoParams, extra: int) -> Verdict:
        return Verdict.of(True, "x")


class UnknownErrorCode(EchoVerifier):
    unavailable_code = "its_own_code"


class InvertedRange(EchoVerifier):
    score_range = (1.0, -1.0)


class BatchAndVerify(NoVerify):
    """A batch verifier needs no verify; the engine never calls one it has."""

    batch = True

    def verify_batch(self, items: list, params: EchoParams, scores: list) -> list[Verdict]:
        return [Verdict.of(True, "batch") for _ in items]


@dataclass(frozen=True)
class RequiredParams:
    needed: int


class ParamsWithoutDefaults(EchoVerifier):
    name = "nodefaults"
    Params = RequiredParams


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (NoVerify(), "needs verify\\(\\)"),
        (BadName(), "must match"),
        (BadExecution(), "execution must be"),
        (LegacyBatch(), "'batch' is now a separate hook"),
        (BatchWithoutVerifyBatch(), "needs verify_batch"),
        (MisspeltHook(), "unknown hook 'cache_keys' \\(did you mean 'cache_key'\\?\\)"),
        (WrongSignature(), "cannot be called as cache_key\\(item, params\\)"),
        (WrongVerifySignature(), "cannot be called as verify\\(item, params\\)"),
        (UnknownErrorCode(), "unavailable_code.*its_own_code"),
        (InvertedRange(), "needs finite low <= high"),
        (ParamsWithoutDefaults(), "Params needs JSON-typed fields with defaults"),
    ],
)
def test_invalid_plugins_stop_startup(plugin: object, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        VerifierRegistry([plugin])  # type: ignore[list-item]


def test_every_hook_is_declared_once_with_a_default() -> None:
    registry = VerifierRegistry([BatchAndVerify()])
    contract = registry.contract("noverify")
    assert contract.batch and contract.execution == "inline"
    assert contract.score_range(EchoParams()) == HOOKS["score_range"].default == (0.0, 1.0)
    assert contract.unavailable_code == ErrorCode.VERIFIER_UNAVAILABLE
    assert contract.cache_key is None and contract.quick_verify is None


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


MISSPELT = (
    "\n    def quick_verfy(self, item: Item, params: ShoutParams) -> None:\n        return None\n"
)


@pytest.fixture
def installed_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    (source / "pyproject.toml").write_text(PLUGIN_PYPROJECT)
    extra = MISSPELT if getattr(request, "param", None) == "misspelt" else ""
    (source / "verireward_shout.py").write_text(textwrap.dedent(PLUGIN_MODULE) + extra)
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
    monkeypatch.delitem(sys.modules, "verireward_shout", raising=False)  # each test its own
    return target


@pytest.mark.integration
def test_third_party_package_is_discovered_and_scores(installed_plugin: Path) -> None:
    assert (installed_plugin / "verireward_shout.py").exists()
    registry = load_registry()
    assert "shout" in registry and len(registry) == 12  # the pinned eleven and the plugin
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


@pytest.mark.integration
@pytest.mark.parametrize("installed_plugin", ["misspelt"], indirect=True)
def test_plugin_with_a_misspelt_hook_stops_startup_naming_its_distribution(
    installed_plugin: Path,
) -> None:
    with pytest.raises(RegistryError) as refused:
        load_registry()
    message = str(refused.value)
    assert "distribution verireward-shout" in message
    assert "unknown hook 'quick_verfy' (did you mean 'quick_verify'?)" in message
    with pytest.raises(RegistryError, match="verireward-shout"), TestClient(create_app(Settings())):
        pass  # the service refuses to start


class _FakeDist:
    name = "verireward-cobol"


class _FakeLanguageEntryPoint:
    name = "cobol"
    value = "verireward_cobol:COBOL"
    dist = _FakeDist()

    def __init__(self, language: object) -> None:
        self._language = language

    def load(self) -> object:
        return self._language


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("not a language", "not a sandbox Language"),
        (Language("python", ("py",), run=("python3",)), "invalid or already taken"),
        (Language("cobol", (), run=("./main",)), "fence_tags"),
        (Language("cobol", ("cobol",), run=("./main",), modes=("repl",)), "modes"),
        (Language("cobol", ("cobol",)), "run must be"),
    ],
)
def test_bad_sandbox_language_plugin_stops_startup(
    monkeypatch: pytest.MonkeyPatch, language: object, message: str
) -> None:
    import verireward.sandbox.languages as languages_module
    from verireward.verifiers.code.verifier import CodeVerifier

    plugin = _FakeLanguageEntryPoint(language)
    monkeypatch.setattr(languages_module, "entry_points", lambda group: [plugin])
    with pytest.raises(SandboxError, match=f"distribution verireward-cobol.*{message}"):
        CodeVerifier()
    good = Language("cobol", ("cobol",), run=("./main",))
    monkeypatch.setattr(languages_module, "entry_points", lambda group: [type(plugin)(good)])
    assert CodeVerifier().sandbox_backend in ("bwrap", "none")
