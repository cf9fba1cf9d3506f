"""A ``verireward serve`` of our own on a free loopback port, for runs given no ``--url``.

It is started as a subprocess and spoken to over HTTP only, like any remote service, so the
trainer side still imports nothing of ``service/`` (it needs the ``service`` extra installed).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def scoring_service(url: str | None = None, ready_s: float = 180.0) -> Iterator[str]:
    """Yield ``url`` as given, or the URL of a service started here and stopped on exit."""
    if url:
        yield url.rstrip("/")
        return
    port = free_port()
    env = {
        **os.environ,
        "VERIREWARD_HOST": "127.0.0.1",
        "VERIREWARD_PORT": str(port),
        "VERIREWARD_LOG_LEVEL": "warning",
    }
    # a file, not a pipe: nobody reads the service's log while it runs, and a full pipe blocks
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "verireward.service.cli", "serve", "--host", "127.0.0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    local = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(local, process, log, ready_s)
        yield local
    finally:
        log.close()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(url: str, process: subprocess.Popen, log: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            error = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"verireward serve exited with {process.returncode}: {error}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"verireward serve did not become ready in {seconds:.0f} s")
