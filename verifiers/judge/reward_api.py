"""The wire formats of the scalar reward-model servers ``reward_model`` can call, one pair
(prompt, completion) per request.

- ``vllm_pooling``: vLLM ``POST /pooling`` with chat ``messages`` (the server applies the
  model's chat template); reply ``{"data": [{"index": 0, "data": [...]}]}``. The score is the
  last number of ``data``: the one value of a sequence-classification reward model, or the
  last token's reward of a per-token (``ALL`` pooling) reward model.
- ``vllm_score``: vLLM ``POST /score`` ``{"text_1": prompt, "text_2": completion}``; reply
  ``{"data": [{"index": 0, "score": s}]}`` (cross-encoder style models).
- ``tei_rerank``: TEI ``POST /rerank`` ``{"query", "texts": [completion], "raw_scores": true}``;
  reply ``[{"index": 0, "score": s}]``.
- ``tei_predict``: TEI ``POST /predict`` ``{"inputs": [prompt, completion], "raw_scores": true}``;
  reply ``[{"label", "score"}, ...]``: the only label, or the one named by the ``label`` param.
"""

from __future__ import annotations

import math
from typing import Any

from verireward.verifiers.judge.endpoint import EndpointUnavailable

APIS = ("vllm_pooling", "vllm_score", "tei_rerank", "tei_predict")


def request_for(
    api: str, model: str | None, prompt: str, completion: str
) -> tuple[str, dict[str, Any]]:
    named = {"model": model} if model else {}  # vLLM serves its one model when none is named
    if api == "vllm_pooling":
        messages = [
            {"role": "user", "content": prompt},
            {"role": "assistant", "content": completion},
        ]
        return "/pooling", {**named, "messages": messages}
    if api == "vllm_score":
        return "/score", {**named, "text_1": prompt, "text_2": completion}
    if api == "tei_rerank":
        return "/rerank", {"query": prompt, "texts": [completion], "raw_scores": True}
    if api == "tei_predict":
        return "/predict", {"inputs": [prompt, completion], "raw_scores": True}
    raise ValueError(f"unknown reward model api {api!r}; one of {APIS}")


def score_from(api: str, data: Any, label: str | None = None) -> float:
    """The scalar in a server's reply; ``EndpointUnavailable`` when the reply has none."""
    try:
        value = _extract(api, data, label)
    except (KeyError, IndexError, TypeError, ValueError, StopIteration) as exc:
        raise EndpointUnavailable(f"{api} reply has no score: {str(data)[:200]}") from exc
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise EndpointUnavailable(f"{api} score is not a finite number: {value!r}")
    return float(value)


def _extract(api: str, data: Any, label: str | None) -> Any:
    if api == "vllm_pooling":
        return _last_number(data["data"][0]["data"])
    if api == "vllm_score":
        return next(d["score"] for d in data["data"] if d["index"] == 0)
    if api == "tei_rerank":
        return next(r["score"] for r in data if r["index"] == 0)  # TEI sorts by score
    predictions = data[0] if data and isinstance(data[0], list) else data
    if label is not None:
        return next(p["score"] for p in predictions if p["label"] == label)
    if len(predictions) != 1:
        raise ValueError("several labels: name one with the `label` param")
    return predictions[0]["score"]


def _last_number(value: Any) -> Any:
    while isinstance(value, list):
        value = value[-1]
    return value
