"""Static checks of compose.yaml and docker/Dockerfile (no Docker engine runs in CI)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from verireward.service.app import create_app
from verireward.service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def service() -> dict:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return compose["services"]["verireward"]


def dockerfile() -> str:
    return (ROOT / "docker" / "Dockerfile").read_text()


def test_build_context_and_dockerfile_exist() -> None:
    build = service()["build"]
    context = ROOT / build["context"]
    assert (context / build["dockerfile"]).is_file()
    for copied in re.findall(r"^COPY (\S+)", dockerfile(), re.MULTILINE):
        assert (context / copied).exists(), f"COPY {copied} names nothing in the build context"


def test_port_and_healthcheck_match_the_app() -> None:
    environment = service()["environment"]
    port = int(environment["VERIREWARD_PORT"])
    assert f"{port}:{port}" in service()["ports"]
    assert Settings(port=port).port == port
    paths = set(create_app().openapi()["paths"])
    for check in (" ".join(service()["healthcheck"]["test"]), dockerfile()):
        (url,) = re.findall(r"http://127\.0\.0\.1:(\d+)(/\w+)", check)
        assert int(url[0]) == port and url[1] in paths and url[1] == "/healthz"


def test_entrypoint_is_the_cli_and_user_is_not_root() -> None:
    assert service()["entrypoint"] == ["verireward"]
    assert service()["command"] == ["serve"]
    assert 'ENTRYPOINT ["verireward"]' in dockerfile()
    users = re.findall(r"^USER (\S+)", dockerfile(), re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    for package in ("bubblewrap", "python3-minimal", "g++"):
        assert package in dockerfile()


def test_sandbox_container_options() -> None:
    # bubblewrap needs user namespaces, which Docker's default seccomp/AppArmor profiles block
    assert {"seccomp=unconfined", "apparmor=unconfined"} <= set(service()["security_opt"])
    assert service()["environment"]["VERIREWARD_SANDBOX_BACKEND"] == "bwrap"


def test_environment_names_real_settings() -> None:
    fields = {f"VERIREWARD_{name.upper()}" for name in Settings.model_fields}
    assert set(service()["environment"]) <= fields
