from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sandbox import BwrapSandbox
from service.app import create_app
from service.settings import Settings
from tests.fakes import BrokenVerifier, EchoVerifier, OfflineVerifier
from verifiers import VerifierRegistry, load_registry
from verifiers.format import FormatVerifier


@pytest.fixture
def fake_registry() -> VerifierRegistry:
    return VerifierRegistry([FormatVerifier(), EchoVerifier(), BrokenVerifier(), OfflineVerifier()])


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app over the installed verifiers, with small limits so tests can hit them."""
    settings = Settings(max_items=100, max_body_bytes=64 * 1024, max_completion_chars=2_000)
    with TestClient(create_app(settings, load_registry())) as test_client:
        yield test_client


@pytest.fixture
def fake_client(fake_registry: VerifierRegistry) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), fake_registry)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def bwrap() -> BwrapSandbox:
    """The real sandbox; CI must have it (make test installs bubblewrap), elsewhere it may skip."""
    sandbox = BwrapSandbox()
    reason = sandbox.unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the sandbox tests: {reason}")
        pytest.skip(reason)
    return sandbox
