"""``POST /score`` and ``GET /verifiers``: thin HTTP around the scoring engine."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from verireward.service.auth import ApiKeyDep
from verireward.service.labelled import score_labelled, with_label
from verireward.service.request_checks import (
    documented_body,
    error_response,
    read_request,
    reward_spec,
)
from verireward.service.schemas import ScoreRequest, ScoreResponse
from verireward.verifiers import ScoringEngine

router = APIRouter(dependencies=[ApiKeyDep])


@router.post("/score", response_model=ScoreResponse, openapi_extra=documented_body("ScoreRequest"))
async def score(request: Request) -> Response:
    """Score a batch: one result per item, in input order."""
    return await score_with(request)


async def score_with(request: Request, profile_spec: tuple[Any, Any] | None = None) -> Response:
    """``/score``; ``profile_spec`` (weights, params) comes from a named profile."""
    parsed = await read_request(request, ScoreRequest, lambda r: len(r.items), "items")
    if isinstance(parsed, Response):
        return parsed
    reward = parsed.reward
    if profile_spec is not None and reward is not None:
        return error_response(
            422, ["body", "reward"], "the profile sets the reward spec", "reward_and_profile"
        )
    weights, params = (reward.weights, reward.params) if reward else profile_spec or (None, None)
    spec = reward_spec(request, weights, params)
    if isinstance(spec, Response):
        return spec
    read = [with_label(item.to_item(), item.label, spec) for item in parsed.items]
    items, problems = [item for item, _ in read], [problem for _, problem in read]
    results = await score_labelled(request, items, problems, spec)
    if isinstance(results, Response):
        return results
    return Response(orjson.dumps({"results": results}, default=str), media_type="application/json")


@router.get("/verifiers")
async def list_verifiers(request: Request) -> dict[str, Any]:
    """Installed verifiers with their description and params schema."""
    engine: ScoringEngine = request.app.state.engine
    unavailable = engine.registry.unavailable()
    described = engine.registry.describe()
    for entry in described:
        entry["available"] = entry["name"] not in unavailable
        if entry["name"] in unavailable:
            entry["unavailable_reason"] = unavailable[entry["name"]]
    return {"verifiers": described}
