"""``/docs`` rendered by a real browser (Debian's headless Chromium) from a live server with no
internet: Swagger UI must load from the service's own assets and show the request example."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest

pytestmark = pytest.mark.integration


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    if os.environ.get("CI"):
        pytest.fail("CI must render /docs: .ci/run installs Debian's chromium")
    pytest.skip("no chromium here")


def test_swagger_ui_renders_the_score_example(live_server: str) -> None:
    browser = chromium()
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",  # CI runs as root, where Chromium's own sandbox refuses to start
                "--disable-gpu",
                "--disable-dev-shm-usage",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=20000",  # let Swagger UI fetch /openapi.json and render
                "--dump-dom",
                # deep link: Swagger UI opens POST /score with its request example shown
                f"{live_server}/docs#/default/score_score_post",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    dom = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'class="swagger-ui' in dom  # the bundle ran: it was served locally
    assert "Natalia sold clips" in dom and "gsm8k-0" in dom  # the math example's body
    assert "a GRPO group with its own weights and params" in dom  # the examples menu
    assert "Failed to load API definition" not in dom
