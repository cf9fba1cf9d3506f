from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from pydantic import SecretStr
from verireward.sandbox import BwrapSandbox
from verireward.service.app import create_app
from verireward.service.settings import Settings
from verireward.verifiers import VerifierRegistry, load_registry
from verireward.verifiers.format import FormatVerifier

from tests.fakes import BrokenVerifier, EchoVerifier, OfflineVerifier


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, seconds: float) -> None:
    """Poll ``/readyz`` until it answers 200; fail the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    pytest.fail(f"{url} did not become ready in {seconds} s")


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """``verireward serve`` in a subprocess on a free loopback port (real uvicorn)."""
    port = free_port()
    env = {**os.environ, "VERIREWARD_PORT": str(port), "VERIREWARD_MAX_ITEMS": "50000"}
    process = subprocess.Popen(
        [sys.executable, "-m", "verireward.service.cli", "serve", "--host", "127.0.0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, 30)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def serve_app() -> Iterator[Callable[..., str]]:
    """Start ``create_app(settings, registry)`` under real uvicorn in a thread; returns its URL."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(settings: Settings, registry: VerifierRegistry) -> str:
        port = free_port()
        app = create_app(settings.model_copy(update={"port": port}), registry)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, 20)
        return url

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def keyed_server() -> Iterator[str]:
    """A real server (thread, loopback) that wants the API key ``k3y`` (``/readyz`` too, so
    this polls ``/healthz``)."""
    settings = Settings(api_key=SecretStr("k3y"), port=free_port())
    config = uvicorn.Config(create_app(settings, load_registry()), port=settings.port)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{settings.port}"
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert httpx.get(f"{url}/healthz").status_code == 200
    yield url
    server.should_exit = True
    thread.join(timeout=10)
