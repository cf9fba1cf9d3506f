"""``POST /score`` and ``GET /verifiers``: thin HTTP around the scoring engine."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from service.admission import score_admitted
from service.auth import ApiKeyDep
from service.schemas import ScoreRequest, ScoreResponse
from verifiers import ScoringEngine, SpecError, build_spec

router = APIRouter(dependencies=[ApiKeyDep])


def documented_body(model_name: str) -> dict[str, Any]:
    """OpenAPI for a body the route validates itself (the model is added in app._openapi)."""
    reference = {"$ref": f"#/components/schemas/{model_name}"}
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": reference}}}
    }


def error_response(status_code: int, loc: list[Any], msg: str, kind: str) -> JSONResponse:
    return JSONResponse({"detail": [{"loc": loc, "msg": msg, "type": kind}]}, status_code)


@router.post("/score", response_model=ScoreResponse, openapi_extra=documented_body("ScoreRequest"))
async def score(request: Request) -> Response:
    """Score a batch: one result per item, in input order."""
    # The body is parsed by pydantic-core straight from bytes and the answer written by orjson:
    # FastAPI's default path (json.loads, python-mode validation, jsonable_encoder) costs more
    # than the format check itself on large batches.
    if request.app.state.admission.full():
        return request.app.state.admission.busy_response()
    try:
        parsed = ScoreRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        return validation_response(exc)
    settings = request.app.state.settings
    if len(parsed.items) > settings.max_items:
        return error_response(
            413, ["body", "items"], f"more than {settings.max_items} items", "too_many_items"
        )
    engine: ScoringEngine = request.app.state.engine
    reward = parsed.reward
    try:
        spec = build_spec(
            engine.registry,
            reward.weights if reward else None,
            reward.params if reward else None,
        )
    except SpecError as exc:
        return error_response(422, ["body", *exc.loc], exc.message, "invalid_reward_spec")
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


def validation_response(exc: ValidationError) -> JSONResponse:
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    status_code = 400 if any(e["type"] == "json_invalid" for e in errors) else 422
    detail = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in errors]
    return JSONResponse({"detail": detail[:20]}, status_code)
