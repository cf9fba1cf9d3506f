"""Static checks of compose.yaml and docker/Dockerfile (no Docker engine runs in CI; the image
was built and run with a real engine by hand, see the commit that changed them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
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
    assert f"${{VERIREWARD_HOST_PORT:-{port}}}:{port}" in service()["ports"]
    assert Settings(port=port).port == port
    # the healthcheck is the CLI's check-ready (reads VERIREWARD_PORT and the API key itself)
    assert service()["healthcheck"]["test"] == ["CMD", "verireward", "check-ready"]
    assert 'CMD ["verireward", "check-ready"]' in dockerfile()


def test_entrypoint_is_the_cli_and_user_is_not_root() -> None:
    assert service()["entrypoint"] == ["verireward"]
    assert service()["command"] == ["serve"]
    assert 'ENTRYPOINT ["verireward"]' in dockerfile()
    users = re.findall(r"^USER (\S+)", dockerfile(), re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "user" not in service()  # compose does not override the image's unprivileged USER
    for package in ("bubblewrap", "python3", "g++", "libcap2-bin"):
        assert package in dockerfile()


def test_least_privilege_sandbox_options() -> None:
    options = set(service()["security_opt"])
    # bubblewrap needs namespaces (seccomp), its mounts (AppArmor) and a mountable /proc
    assert options == {
        "seccomp=docker/seccomp.json",
        "apparmor=unconfined",
        "systempaths=unconfined",
    }
    assert not service().get("privileged")
    assert service()["cap_drop"] == ["ALL"]
    assert set(service()["cap_add"]) == {"SETUID", "SETGID", "KILL"}
    # exactly these three, as file capabilities of the service's own interpreter
    assert "setcap cap_setuid,cap_setgid,cap_kill=ep" in dockerfile()
    assert "venv --copies" in dockerfile()
    assert service()["environment"]["VERIREWARD_SANDBOX_BACKEND"] == "bwrap"


def test_seccomp_profile_refuses_what_no_sandbox_needs() -> None:
    profile = json.loads((ROOT / "docker" / "seccomp.json").read_text())
    assert profile["defaultAction"] == "SCMP_ACT_ALLOW"
    (refused,) = profile["syscalls"]
    assert refused["action"] == "SCMP_ACT_ERRNO"
    for name in ("init_module", "kexec_load", "bpf", "open_by_handle_at", "keyctl", "ptrace"):
        assert name in refused["names"]
    for needed in ("unshare", "clone", "mount", "pivot_root", "setns"):
        assert needed not in refused["names"]


def test_dockerignore_keeps_the_context_to_what_the_image_copies() -> None:
    lines = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()]
    rules = [line for line in lines if not line.startswith("#")]
    assert rules[0] == "*"  # everything out (a .venv after `make test` is gigabytes), then:
    allowed = {line[1:].rstrip("/") for line in rules if line.startswith("!")}
    copied = set()
    for sources in re.findall(r"^COPY (.+) \S+$", dockerfile(), re.MULTILINE):
        copied |= set(sources.split())
    assert allowed == copied


def test_environment_names_real_settings() -> None:
    fields = {f"VERIREWARD_{name.upper()}" for name in Settings.model_fields}
    assert set(service()["environment"]) <= fields
