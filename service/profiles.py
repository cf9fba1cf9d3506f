"""Named reward specs for trainers that can send a URL but not a spec (OpenRLHF, verl).

A profile is a ``/score`` reward spec (``weights``, ``params``) with a name, chosen by URL:
``POST /profiles/<name>/get_reward`` (OpenRLHF) and ``POST /profiles/<name>/score`` (the reward
client, so the TRL and verl adapters take ``http://host:8000/profiles/<name>`` as their URL).
``GET /profiles`` lists them. Built in:

- ``default``: the documented default weights;
- ``r1-distill``: the defaults with ``format.think_prefilled`` (R1-Distill chat templates
  open ``<think>`` in the prompt, so the completion starts inside it).

More come from ``VERIREWARD_PROFILES_FILE``, a JSON or TOML file (TOML shown)::

    [profiles.strict-math]
    weights = {math = 1.0, format = 0.2}
    params = {format = {mode = "strict"}}

Every profile is checked against the installed verifiers at start-up: a misspelt verifier or
param stops the service with its name, rather than failing every request later.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from verireward.service import openrlhf, routes
from verireward.service.auth import ApiKeyDep
from verireward.verifiers import SpecError, build_spec

router = APIRouter(dependencies=[ApiKeyDep])


@dataclass(frozen=True)
class Profile:
    weights: Mapping[str, float] | None = None
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    description: str = ""

    def spec(self) -> tuple[Any, Any]:
        weights = dict(self.weights) if self.weights is not None else None
        return weights, {name: dict(p) for name, p in self.params.items()}


BUILTIN: dict[str, Profile] = {
    "default": Profile(description="the documented default weights"),
    "r1-distill": Profile(
        params={"format": {"think_prefilled": True}},
        description="defaults; the template pre-fills <think> (format.think_prefilled)",
    ),
}


class ProfileError(ValueError):
    """The profiles file cannot be read, or names a verifier or param that does not exist."""


def load_profiles(path: Path | None, installed: Mapping[str, Any]) -> dict[str, Profile]:
    """The built-in profiles plus the file's (which may override them), each validated."""
    # a built-in whose verifiers are not installed here (a custom registry) is left out
    profiles = {name: p for name, p in BUILTIN.items() if _problem(p, installed) is None}
    if path is not None:
        for name, profile in _read_file(Path(path)).items():
            problem = _problem(profile, installed)
            if problem is not None:
                raise ProfileError(f"profile {name!r}: {problem}")
            profiles[name] = profile
    return profiles


def _problem(profile: Profile, installed: Mapping[str, Any]) -> str | None:
    weights, params = profile.spec()
    try:
        build_spec(installed, weights, params)
    except SpecError as exc:
        return f"{'.'.join(str(part) for part in exc.loc)}: {exc.message}"
    return None


def _read_file(path: Path) -> dict[str, Profile]:
    try:
        text = path.read_text()
        document = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, ValueError) as exc:  # JSONDecodeError and TOMLDecodeError are ValueErrors
        raise ProfileError(f"profiles file {path}: {exc}") from exc
    table = document.get("profiles") if isinstance(document, dict) else None
    if not isinstance(table, dict):
        raise ProfileError(f"profiles file {path}: needs a 'profiles' table of name -> spec")
    profiles = {}
    for name, entry in table.items():
        if not isinstance(entry, dict) or set(entry) - {"weights", "params", "description"}:
            raise ProfileError(f"profile {name!r}: only weights, params, description are allowed")
        weights, params = entry.get("weights"), entry.get("params") or {}
        if (weights is not None and not isinstance(weights, dict)) or not isinstance(params, dict):
            raise ProfileError(f"profile {name!r}: weights and params must be tables")
        profiles[str(name)] = Profile(weights, params, str(entry.get("description", "")))
    return profiles


def _find(request: Request, name: str) -> Profile | Response:
    profiles: dict[str, Profile] = request.app.state.profiles
    profile = profiles.get(name)
    if profile is None:
        return JSONResponse(
            {"detail": f"no profile named {name!r}; known: {sorted(profiles)}"}, status_code=404
        )
    return profile


@router.get("/profiles")
async def list_profiles(request: Request) -> dict[str, Any]:
    """The named reward specs this service serves under ``/profiles/<name>/...``."""
    profiles: dict[str, Profile] = request.app.state.profiles
    return {
        "profiles": [
            {"name": name, "weights": p.weights, "params": p.params, "description": p.description}
            for name, p in sorted(profiles.items())
        ]
    }


@router.post("/profiles/{name}/get_reward")
async def profile_get_reward(name: str, request: Request) -> Response:
    """OpenRLHF's remote reward protocol with this profile's spec."""
    profile = _find(request, name)
    if isinstance(profile, Response):
        return profile
    return await openrlhf.get_reward_with(request, profile.spec())


@router.post("/profiles/{name}/score")
async def profile_score(name: str, request: Request) -> Response:
    """``/score`` with this profile's spec (the request must not carry its own)."""
    profile = _find(request, name)
    if isinstance(profile, Response):
        return profile
    return await routes.score_with(request, profile.spec())
