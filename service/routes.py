"""``POST /score`` and ``GET /verifiers``: thin HTTP around the scoring engine."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from verireward.service.admission import score_admitted
from verireward.service.auth import ApiKeyDep
from verireward.service.request_checks import documented_body, read_request, reward_spec
from verireward.service.schemas import ScoreRequest, ScoreResponse
from verireward.verifiers import ScoringEngine

router = APIRouter(dependencies=[ApiKeyDep])


@router.post("/score", response_model=ScoreResponse, openapi_extra=documented_body("ScoreRequest"))
async def score(request: Request) -> Response:
    """Score a batch: one result per item, in input order."""
    parsed = await read_request(request, ScoreRequest, lambda r: len(r.items), "items")
    if isinstance(parsed, Response):
        return parsed
    reward = parsed.reward
    weights, params = (reward.weights, reward.params) if reward else (None, None)
    spec = reward_spec(request, weights, params)
    if isinstance(spec, Response):
        return spec
    results = await score_admitted(request, [item.to_item() for item in parsed.items], spec)
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
