"""``reward_model``: a scalar reward model's score of the completion's summary.

For open-ended prompts (R1's helpfulness stage) the completion is scored without its
reasoning: the text after the last ``</think>`` (``<answer>`` tags dropped, their content
kept). A completion whose ``<think>`` never closes has no summary and scores the floor (below).

Ranges, by ``transform``:

- ``sigmoid`` (default): ``1 / (1 + exp(-raw))`` in (0, 1); floor 0.
- ``raw``: the server's number, clipped to ``[-clip, clip]``.
- ``zscore``: ``(raw - mean) / std`` over the item's group (the ``group`` field, else the same
  ``prompt``) among this request's scored items, clipped to ``[-clip, clip]``; 0 for a group
  of one or with equal scores.

A completion without a summary scores 0 under ``sigmoid`` and the lowest score of its group
under ``raw``/``zscore`` (``-clip`` alone), never above an honest attempt; failures the engine
decides (``too_long``) score the range's low end (0, or ``-clip``). An unreachable or failing server
gives ``reward_model_unavailable`` with ``reward: null``.
"""

from __future__ import annotations

import math
import re
import statistics
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from verireward.verifiers.errors import ErrorCode
from verireward.verifiers.judge.cache import LRUCache
from verireward.verifiers.judge.config import EndpointConfig
from verireward.verifiers.judge.endpoint import EndpointUnavailable, ModelEndpoint
from verireward.verifiers.judge.reward_api import APIS, request_for, score_from
from verireward.verifiers.protocol import Item, Status, Verdict

UNAVAILABLE = ErrorCode.REWARD_MODEL_UNAVAILABLE
_ANSWER_TAG = re.compile(r"</?answer>")


@dataclass(frozen=True)
class RewardModelParams:
    transform: Literal["sigmoid", "raw", "zscore"] = field(
        default="sigmoid", metadata={"doc": "sigmoid: (0, 1); raw: as served; zscore: per group"}
    )
    model: str | None = field(
        default=None, metadata={"doc": "model name sent (null: VERIREWARD_REWARD_MODEL_MODEL)"}
    )
    label: str | None = field(
        default=None, metadata={"doc": "tei_predict: the label whose score counts"}
    )
    remove_reasoning: bool = field(
        default=True, metadata={"doc": "score only the text after </think>"}
    )
    max_prompt_chars: int = field(default=8000, metadata={"doc": "prompt cut to this length"})
    max_completion_chars: int = field(default=16000, metadata={"doc": "summary cut to this"})
    clip: float = field(default=10.0, metadata={"doc": "raw and zscore are clipped to ±clip"})

    def __post_init__(self) -> None:
        if not 1 <= self.max_prompt_chars <= 1_000_000:
            raise ValueError("max_prompt_chars must be in [1, 1000000]")
        if not 1 <= self.max_completion_chars <= 1_000_000:
            raise ValueError("max_completion_chars must be in [1, 1000000]")
        if not 0 < self.clip <= 1e6:
            raise ValueError("clip must be in (0, 1e6]")


def summary_of(completion: str, remove_reasoning: bool = True) -> str | None:
    """What the reward model sees; None when the reasoning never ended (no summary)."""
    if remove_reasoning:
        if "</think>" in completion:
            completion = completion.rsplit("</think>", 1)[1]
        elif "<think>" in completion:
            return None
    return _ANSWER_TAG.sub("", completion).strip()


class RewardModelVerifier:
    name = "reward_model"
    description = "A scalar reward model (vLLM /pooling or /score, TEI /rerank or /predict)."
    Params = RewardModelParams
    execution = "inline"
    batch = True
    unavailable_code = UNAVAILABLE

    def __init__(self, config: EndpointConfig | None = None) -> None:
        config = config or EndpointConfig.from_env("VERIREWARD_REWARD_MODEL_")
        if config.api is None:
            config = EndpointConfig(**{**config.__dict__, "api": "vllm_pooling"})
        if config.api not in APIS:
            raise ValueError(f"reward model api {config.api!r} is not one of {APIS}")
        self.config = config
        self.endpoint = ModelEndpoint(config)
        self.cache: LRUCache[float] = LRUCache(config.cache_size)
        self.calls = 0  # scoring requests made (tests and the bench read it)
        self._count_lock = threading.Lock()

    def score_range(self, params: RewardModelParams) -> tuple[float, float]:
        return (0.0, 1.0) if params.transform == "sigmoid" else (-params.clip, params.clip)

    def unavailable_reason(self) -> str | None:
        if self.config.url:
            return None
        return "no reward model endpoint (set VERIREWARD_REWARD_MODEL_URL)"

    def verify(self, item: Item, params: RewardModelParams) -> Verdict:
        return self.verify_batch([item], params, [{}])[0]

    def verify_batch(
        self, items: list[Item], params: RewardModelParams, scores: list[dict[str, float]]
    ) -> list[Verdict]:
        model = params.model or self.config.model
        pairs: list[tuple[str, str] | None] = []
        for item in items:
            summary = summary_of(item.completion, params.remove_reasoning)
            prompt = (item.prompt or "")[: params.max_prompt_chars]
            pairs.append(
                None if summary is None else (prompt, summary[: params.max_completion_chars])
            )
        distinct = sorted({p for p in pairs if p is not None})
        raws = dict(
            zip(
                distinct,
                self.endpoint.map(lambda p: self._raw(model, p, params), distinct),
                strict=True,
            )
        )
        return _map_scores(items, pairs, raws, params, model)

    def _raw(
        self, model: str | None, pair: tuple[str, str], params: RewardModelParams
    ) -> tuple[float, bool] | EndpointUnavailable:
        key = (self.config.api, model, pair)
        cached = self.cache.get(key)
        if cached is not None:
            return cached, True
        path, body = request_for(str(self.config.api), model, *pair)
        with self._count_lock:
            self.calls += 1
        try:
            value = score_from(
                str(self.config.api), self.endpoint.post_json(path, body), params.label
            )
        except EndpointUnavailable as exc:
            return exc
        self.cache.put(key, value)
        return value, False


def _map_scores(
    items: list[Item],
    pairs: list[tuple[str, str] | None],
    raws: dict[tuple[str, str], tuple[float, bool] | EndpointUnavailable],
    params: RewardModelParams,
    model: str | None,
) -> list[Verdict]:
    groups: dict[Any, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        key = item.extra.get("group", item.prompt)
        groups[("group", str(key)) if key is not None else ("alone", index)].append(index)
    verdicts: list[Verdict] = [Verdict.failed("unscored")] * len(items)
    for members in groups.values():
        got = {i: raws[pairs[i]] for i in members if pairs[i] is not None}  # type: ignore[index]
        ok = {i: r for i, r in got.items() if not isinstance(r, EndpointUnavailable)}
        values = {i: r[0] for i, r in ok.items()}
        mapped = _transform(values, params.transform, params.clip)
        low = 0.0 if params.transform == "sigmoid" else -params.clip
        floor = low if params.transform == "sigmoid" else min(mapped.values(), default=low)
        for i in members:
            result = got.get(i)
            if isinstance(result, EndpointUnavailable):
                verdicts[i] = Verdict.error(UNAVAILABLE, f"reward model {model!r}: {result}")
            elif result is None:
                verdicts[i] = Verdict(Status.FAIL, floor, "no_summary", {"floor": True})
            else:
                details = {
                    "raw": values[i],
                    "transform": params.transform,
                    "model": model,
                    "group_size": len(values),
                    "cached": result[1],
                }
                verdicts[i] = Verdict(Status.PASS, mapped[i], "scored", details)
    return verdicts


def _transform(values: dict[int, float], transform: str, clip: float) -> dict[int, float]:
    if transform == "sigmoid":
        return {i: _sigmoid(v) for i, v in values.items()}
    if transform == "zscore":
        std = statistics.pstdev(values.values()) if len(values) > 1 else 0.0
        if std == 0:
            return {i: 0.0 for i in values}
        mean = statistics.fmean(values.values())
        values = {i: (v - mean) / std for i, v in values.items()}
    return {i: max(-clip, min(clip, v)) for i, v in values.items()}


def _sigmoid(x: float) -> float:
    # The two branches keep exp() from overflowing for large |x|.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)
