"""verl custom reward functions backed by a verireward service.

In verl's config::

    custom_reward_function:
      path: <site-packages>/policy_client/adapters/verl.py
      name: compute_score            # or compute_score_batch with the batch reward manager

The service URL comes from ``VERIREWARD_URL`` (default ``http://127.0.0.1:8000``). verl cannot
mask a reward, so a ``null`` reward becomes ``VERIREWARD_NULL_REWARD`` (default 0.0).
"""

from __future__ import annotations

import math
import os
from functools import cache
from typing import Any

from verireward.policy_client.adapters.items import item_fields
from verireward.policy_client.reward_client import RewardClient


@cache
def _client(url: str) -> RewardClient:
    return RewardClient(url)


def _item(solution_str: str, ground_truth: Any, extra_info: dict[str, Any] | None) -> dict:
    row = dict(extra_info or {})
    looks_like_tests = isinstance(ground_truth, dict) or (
        isinstance(ground_truth, str) and ground_truth.lstrip().startswith("{")
    )
    row["tests" if looks_like_tests else "answer"] = ground_truth
    return {"completion": solution_str, **item_fields(row)}


def _value(reward: float) -> float:
    return float(os.environ.get("VERIREWARD_NULL_REWARD", "0")) if math.isnan(reward) else reward


def compute_score_batch(
    data_sources: list[str],
    solution_strs: list[str],
    ground_truths: list[Any],
    extra_infos: list[dict[str, Any] | None] | None = None,
    **kwargs: Any,
) -> list[float]:
    infos = extra_infos or [None] * len(solution_strs)
    items = [_item(s, g, e) for s, g, e in zip(solution_strs, ground_truths, infos, strict=True)]
    url = kwargs.get("url") or os.environ.get("VERIREWARD_URL", "http://127.0.0.1:8000")
    return [_value(s.reward) for s in _client(url).score(items, kwargs.get("reward_spec"))]


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: Any,
    extra_info: dict[str, Any] | None = None,
    **kwargs: Any,
) -> float:
    return compute_score_batch(
        [data_source], [solution_str], [ground_truth], [extra_info], **kwargs
    )[0]
