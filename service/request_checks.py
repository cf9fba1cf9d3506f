"""The checks every scoring endpoint makes before scoring, in one place: admission, parsing
straight from bytes, the item limit, and the reward spec. Each returns the value or the error
response to send."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from verireward.verifiers import RewardSpec, SpecError, build_spec

Model = TypeVar("Model", bound=BaseModel)


def error_response(status_code: int, loc: list[Any], msg: str, kind: str) -> JSONResponse:
    return JSONResponse({"detail": [{"loc": loc, "msg": msg, "type": kind}]}, status_code)


def validation_response(exc: ValidationError) -> JSONResponse:
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    status_code = 400 if any(e["type"] == "json_invalid" for e in errors) else 422
    detail = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in errors]
    return JSONResponse({"detail": detail[:20]}, status_code)


def documented_body(model_name: str) -> dict[str, Any]:
    """OpenAPI for a body the route validates itself (the model is added in app._openapi)."""
    reference = {"$ref": f"#/components/schemas/{model_name}"}
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": reference}}}
    }


async def read_request(
    request: Request, model: type[Model], count: Callable[[Model], int], items_field: str
) -> Model | JSONResponse:
    """Refuse when full (before reading the body), parse with pydantic-core from bytes (FastAPI's
    default json.loads + python-mode validation costs more than a format check on big batches),
    and enforce ``max_items``."""
    admission = request.app.state.admission
    if getattr(request.app.state, "draining", False):
        return admission.busy_response("the service is shutting down; retry elsewhere or later")
    if admission.full():
        return admission.busy_response()
    try:
        parsed = model.model_validate_json(await request.body())
    except ValidationError as exc:
        return validation_response(exc)
    limit = request.app.state.settings.max_items
    if count(parsed) > limit:
        return error_response(
            413, ["body", items_field], f"more than {limit} items", "too_many_items"
        )
    return parsed


def reward_spec(
    request: Request, weights: Mapping[str, Any] | None, params: Mapping[str, Any] | None
) -> RewardSpec | JSONResponse:
    try:
        return build_spec(request.app.state.engine.registry, weights, params)
    except SpecError as exc:
        return error_response(422, ["body", *exc.loc], exc.message, "invalid_reward_spec")
