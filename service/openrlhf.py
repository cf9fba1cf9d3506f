"""OpenRLHF's remote reward protocol (``--remote_rm_url http://host:8000/get_reward``).

Request ``{"query": [...], "prompts": [...], "labels": [...]}``: each query is the prompt
followed by the response, as the actor's tokenizer rendered them. The prompt prefix and the
tokenizer's special tokens (``<|im_end|>``, ``</s>``, ``<｜end▁of▁sentence｜>``...) are stripped,
labels become reference answers (or tests, when a label is a JSON object). Response
``{"rewards": [...], "scores": [...], "extra_logs": {...}}``. OpenRLHF cannot mask, so a
``null`` reward is sent as 0.0 and counted in ``extra_logs.masked``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from verireward.service.admission import score_admitted
from verireward.service.auth import ApiKeyDep
from verireward.service.request_checks import (
    documented_body,
    error_response,
    read_request,
    reward_spec,
)
from verireward.verifiers import Item

router = APIRouter(dependencies=[ApiKeyDep])
_SPECIAL_TOKENS = re.compile(r"<\|[^|<>]{1,40}\|>|<｜[^｜<>]{1,40}｜>|</?s>|<pad>|\[PAD\]")


class OpenRLHFRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    query: list[str]
    prompts: list[str] | None = None
    labels: list[Any] | None = None
    reward: dict[str, Any] | None = Field(None, description="verireward spec (weights, params)")


def response_text(query: str, prompt: str | None) -> str:
    if prompt and query.startswith(prompt):
        query = query[len(prompt) :]
    return _SPECIAL_TOKENS.sub("", query).strip()


def _item(index: int, query: str, prompt: str | None, label: Any) -> Item:
    answer, tests = None, None
    if isinstance(label, dict):
        tests = label
    elif isinstance(label, str) and label.lstrip().startswith("{"):
        try:
            tests = json.loads(label)
        except json.JSONDecodeError:
            answer = label
    elif label is not None:
        answer = str(label)
    clean_prompt = _SPECIAL_TOKENS.sub("", prompt).strip() if prompt else None
    return Item(response_text(query, prompt), index, clean_prompt, answer, tests)


@router.post("/get_reward", openapi_extra=documented_body("OpenRLHFRequest"))
@router.post("/openrlhf/get_reward", include_in_schema=False)
async def get_reward(request: Request) -> Response:
    parsed = await read_request(request, OpenRLHFRequest, lambda r: len(r.query), "query")
    if isinstance(parsed, Response):
        return parsed
    count = len(parsed.query)
    for name, values in (("prompts", parsed.prompts), ("labels", parsed.labels)):
        if values is not None and len(values) != count:
            return error_response(
                422, ["body", name], f"{name} must match query's length", "length_mismatch"
            )
    reward = parsed.reward or {}
    spec = reward_spec(request, reward.get("weights"), reward.get("params"))
    if isinstance(spec, Response):
        return spec
    prompts = parsed.prompts or [None] * count
    labels = parsed.labels or [None] * count
    items = [
        _item(i, q, p, lab)
        for i, (q, p, lab) in enumerate(zip(parsed.query, prompts, labels, strict=True))
    ]
    results = await score_admitted(request, items, spec)
    if isinstance(results, Response):
        return results
    rewards = [0.0 if r.reward is None or math.isnan(r.reward) else r.reward for r in results]
    names = sorted({name for r in results for name in r.scores})
    extra_logs: dict[str, Any] = {
        name: [r.scores.get(name, 0.0) for r in results] for name in names
    }
    extra_logs["masked"] = [r.reward is None for r in results]
    return JSONResponse({"rewards": rewards, "scores": rewards, "extra_logs": extra_logs})
