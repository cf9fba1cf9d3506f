"""OpenRLHF's remote reward protocol (``--reward.remote_url http://host:8000/get_reward``).

OpenRLHF 0.11 posts one sample per request: ``{"query": [...], "prompts": [...], "labels":
[...]}``, each query the prompt followed by the response as the actor's tokenizer decoded them
(special tokens kept). The prompt prefix and only *trailing* end-of-sequence/pad tokens are
removed; labels are read by ``verifiers.labels`` like every other endpoint's.

The response is ``{"rewards", "scores", "extra_logs"}``. OpenRLHF stacks the ``extra_logs`` of
single-sample responses into one batch, so every response of one spec carries the same keys
whatever the sample: each component the spec can score (0.0 where it did not apply) plus
``masked`` (1.0 where the item could not be judged; its reward is sent as 0.0, since OpenRLHF
cannot mask). ``rewards`` is the weighted reward; ``scores`` (what OpenRLHF's dynamic filtering
averages) is the correctness components only, so a format bonus never keeps an all-wrong group.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from verireward.service.auth import ApiKeyDep
from verireward.service.labelled import REFERENCE_VERIFIERS, score_labelled, with_label
from verireward.service.request_checks import (
    documented_body,
    error_response,
    read_request,
    reward_spec,
)
from verireward.verifiers import DEFAULT_WEIGHTS, Item, ItemResult, RewardSpec
from verireward.verifiers.labels import MISSING

log = logging.getLogger("verireward")
router = APIRouter(dependencies=[ApiKeyDep])
_SPECIAL = r"<\|[^|<>\s]{1,40}\|>|<｜[^｜<>]{1,40}｜>|</s>|<pad>|\[PAD\]|<eos>|<end_of_turn>"
_SPECIAL_TOKENS = re.compile(_SPECIAL)
_TRAILING_SPECIAL = re.compile(rf"(?:\s*(?:{_SPECIAL}))+\s*$")
_LEADING_SPECIAL = re.compile(rf"^(?:\s*(?:{_SPECIAL}|<s>|<bos>))*\s*")
LABEL_KEY_HINT = (
    "OpenRLHF sent an empty label: items are masked as missing_reference. Pass"
    " --data.label_key <column> so OpenRLHF sends the dataset's reference answers."
)


class OpenRLHFRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    query: list[str]
    prompts: list[str] | None = None
    labels: list[Any] | None = None
    reward: dict[str, Any] | None = Field(None, description="verireward spec (weights, params)")


def response_text(query: str, prompt: str | None) -> str:
    """The response: the query without the prompt prefix and trailing EOS/pad tokens."""
    if prompt:
        at = query.find(prompt)
        # the prompt, possibly after a BOS the decode added; never a match inside the response
        if at >= 0 and not _LEADING_SPECIAL.sub("", query[:at]):
            query = query[at + len(prompt) :]
    return _TRAILING_SPECIAL.sub("", query).strip()


def log_keys(spec: RewardSpec, installed: Mapping[str, Any]) -> list[str]:
    """The components every response of this spec reports."""
    if spec.weights is not None:
        return sorted(spec.weights)
    return sorted(name for name, _, _ in DEFAULT_WEIGHTS if name in installed)


def correctness(result: ItemResult, spec: RewardSpec) -> float:
    """Weighted mean of the item's correctness components (math, code); 0.0 without any."""
    total = weight_sum = 0.0
    for name in REFERENCE_VERIFIERS:
        weight = 1.0 if spec.weights is None else spec.weights.get(name, 0.0)
        if name in result.scores and weight > 0:
            total += weight * result.scores[name]
            weight_sum += weight
    return total / weight_sum if weight_sum else 0.0


def _masked(result: ItemResult) -> bool:
    return result.reward is None or math.isnan(result.reward)


def reward_body(results: list[ItemResult], spec: RewardSpec, keys: list[str]) -> dict[str, Any]:
    rewards = [0.0 if _masked(r) else float(r.reward or 0.0) for r in results]
    scores = [0.0 if _masked(r) else correctness(r, spec) for r in results]
    extra_logs: dict[str, list[float]] = {
        name: [float(r.scores.get(name, 0.0)) for r in results] for name in keys
    }
    extra_logs["masked"] = [1.0 if _masked(r) else 0.0 for r in results]
    return {"rewards": rewards, "scores": scores, "extra_logs": extra_logs}


def _warn_missing_labels(request: Request, problems: list[Any]) -> None:
    if getattr(request.app.state, "openrlhf_label_hint_logged", False):
        return
    if any(p is not None and p.problem == MISSING for p in problems):
        request.app.state.openrlhf_label_hint_logged = True
        log.warning(LABEL_KEY_HINT)


async def get_reward_with(
    request: Request, profile_spec: tuple[Any, Any] | None = None
) -> Response:
    """The OpenRLHF endpoint; ``profile_spec`` (weights, params) comes from a named profile."""
    parsed = await read_request(request, OpenRLHFRequest, lambda r: len(r.query), "query")
    if isinstance(parsed, Response):
        return parsed
    count = len(parsed.query)
    for name, values in (("prompts", parsed.prompts), ("labels", parsed.labels)):
        if values is not None and len(values) != count:
            return error_response(
                422, ["body", name], f"{name} must match query's length", "length_mismatch"
            )
    if profile_spec is not None and parsed.reward is not None:
        return error_response(
            422, ["body", "reward"], "the profile sets the reward spec", "reward_and_profile"
        )
    if profile_spec is not None:
        weights, params = profile_spec
    else:
        reward = parsed.reward or {}
        weights, params = reward.get("weights"), reward.get("params")
    spec = reward_spec(request, weights, params)
    if isinstance(spec, Response):
        return spec
    prompts = parsed.prompts or [None] * count
    labels = parsed.labels or [None] * count
    read = [
        with_label(_item(i, q, p), label, spec)
        for i, (q, p, label) in enumerate(zip(parsed.query, prompts, labels, strict=True))
    ]
    items, problems = [item for item, _ in read], [problem for _, problem in read]
    _warn_missing_labels(request, problems)
    results = await score_labelled(request, items, problems, spec)
    if isinstance(results, Response):
        return results
    keys = log_keys(spec, request.app.state.engine.registry)
    return JSONResponse(reward_body(results, spec, keys))


def _item(index: int, query: str, prompt: str | None) -> Item:
    clean_prompt = _SPECIAL_TOKENS.sub("", prompt).strip() if prompt else None
    return Item(response_text(query, prompt), index, clean_prompt)


@router.post("/get_reward", openapi_extra=documented_body("OpenRLHFRequest"))
@router.post("/openrlhf/get_reward", include_in_schema=False)
async def get_reward(request: Request) -> Response:
    return await get_reward_with(request)
