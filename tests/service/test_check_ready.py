"""``verireward check-ready``, the container healthcheck: healthy only when every
default-weighted verifier is available."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from verireward.sandbox import BwrapSandbox
from verireward.service.check_ready import check_ready
from verireward.service.settings import Settings
from verireward.verifiers import VerifierRegistry, load_registry
from verireward.verifiers.format import FormatVerifier

from tests.fakes import OfflineVerifier

pytestmark = pytest.mark.integration


def test_unhealthy_when_a_default_verifier_is_missing(serve_app: Callable[..., str]) -> None:
    url = serve_app(Settings(), VerifierRegistry([FormatVerifier(), OfflineVerifier()]))
    healthy, why = check_ready(url)
    assert not healthy
    assert "math: not installed" in why and "code: not installed" in why


class OfflineMath(OfflineVerifier):
    name = "math"  # installed, but its backend is missing (as code is when bwrap cannot start)


def test_unhealthy_when_a_default_verifier_is_unavailable(serve_app: Callable[..., str]) -> None:
    registry = VerifierRegistry([FormatVerifier(), OfflineMath()])
    healthy, why = check_ready(serve_app(Settings(), registry))
    assert not healthy and "math: backend missing" in why


def test_healthy_with_every_default_verifier(
    serve_app: Callable[..., str], bwrap: BwrapSandbox
) -> None:
    healthy, why = check_ready(serve_app(Settings(), load_registry()))
    assert healthy, why
    assert why.startswith("ready (") and "sandbox bwrap" in why


def test_unreachable_is_unhealthy() -> None:
    healthy, why = check_ready("http://127.0.0.1:9", timeout_s=1)
    assert not healthy and "unreachable" in why
