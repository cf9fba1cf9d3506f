"""``verireward check-ready``: the container healthcheck.

Healthy means ``/readyz`` answers 200 *and* none of the verifiers that score items by default
(``math``, ``code``, ``format``, ``language``) is unavailable: a container whose sandbox cannot
start must not report healthy while every code item comes back ``sandbox_unavailable``.
``/readyz`` itself stays 200 in that case (a host without bubblewrap can still score math).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from verireward.service.settings import Settings
from verireward.verifiers.reward_spec import DEFAULT_WEIGHTS


def check_ready(url: str | None = None, timeout_s: float = 4.0) -> tuple[bool, str]:
    """(healthy, one line saying why) for the service at ``url`` (default: this settings' port)."""
    settings = Settings()
    url = url or f"http://127.0.0.1:{settings.port}"
    request = urllib.request.Request(f"{url.rstrip('/')}/readyz")
    if settings.api_key is not None:  # /readyz is behind the key like every endpoint but /healthz
        request.add_header("Authorization", f"Bearer {settings.api_key.get_secret_value()}")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return False, f"/readyz answered {exc.code}"
    except (OSError, ValueError) as exc:
        return False, f"/readyz unreachable: {exc}"
    installed = set(body.get("verifiers", []))
    unavailable = body.get("unavailable", {})
    missing = [name for name, _, _ in DEFAULT_WEIGHTS if name in unavailable]
    absent = [name for name, _, _ in DEFAULT_WEIGHTS if name not in installed]
    if missing or absent:
        why = [f"{name}: {unavailable[name]}" for name in missing]
        why += [f"{name}: not installed" for name in absent]
        return False, "default-weighted verifier unavailable: " + "; ".join(why)
    return True, f"ready ({len(installed)} verifiers, sandbox {body.get('sandbox_backend')})"
