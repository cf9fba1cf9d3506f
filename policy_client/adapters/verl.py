"""verl custom reward functions backed by a verireward service (verl 0.9).

verl loads this file by path in each reward worker, so it needs only the light install
(``pip install verireward``: httpx, orjson). In verl's config::

    reward:
      custom_reward_function:
        path: <site-packages>/verireward/policy_client/adapters/verl.py
        name: compute_score          # verl's reward loop: one call per sample
        # name: compute_score_batch  # verl's BatchRewardManager: one request per batch

``ground_truth`` is sent raw as the item's ``label`` and read by the service (answer, solution
text, tests, JSON, ``np.array(["72"])``...); ``extra_info`` only contributes ``language``,
``group`` and ``completion_tokens``. numpy arrays and scalars are accepted everywhere.
Environment (set it for Ray workers through ``runtime_env={"env_vars": {...}}``):
``VERIREWARD_URL`` (default ``http://127.0.0.1:8000``; may carry ``/profiles/<name>``),
``VERIREWARD_API_KEY``, and ``VERIREWARD_NULL_REWARD`` (default 0.0): verl cannot mask, so an
item the service could not judge gets this reward.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from verireward.policy_client.adapters.items import PASSED_COLUMNS, plain
from verireward.policy_client.reward_client import RewardClient

DEFAULT_URL = "http://127.0.0.1:8000"


@cache
def _client(url: str) -> RewardClient:
    return RewardClient(url)


def _item(solution: Any, ground_truth: Any, extra_info: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"completion": str(solution), "label": plain(ground_truth)}
    if item["label"] is None:
        item["label"] = ""  # verl always has a ground truth: an empty one is missing
    info = plain(extra_info)
    if isinstance(info, Mapping):
        for column in PASSED_COLUMNS:
            if column != "id" and info.get(column) is not None:
                item[column] = info[column]
    return item


def _value(reward: float) -> float:
    return float(os.environ.get("VERIREWARD_NULL_REWARD", "0")) if math.isnan(reward) else reward


def _column(values: Any, count: int) -> list[Any]:
    # verl passes numpy object arrays; never test their truth value
    return [None] * count if values is None else list(values)


def compute_score_batch(
    data_sources: Any,
    solution_strs: Any,
    ground_truths: Any,
    extra_infos: Any = None,
    **kwargs: Any,
) -> list[float]:
    """All of a batch's samples in one ``/score`` request (up to the client's batch size)."""
    solutions = list(solution_strs)
    truths = _column(ground_truths, len(solutions))
    infos = _column(extra_infos, len(solutions))
    items = [_item(s, g, e) for s, g, e in zip(solutions, truths, infos, strict=True)]
    url = kwargs.get("url") or os.environ.get("VERIREWARD_URL", DEFAULT_URL)
    scored = _client(url).score(items, kwargs.get("reward_spec"))
    return [_value(s.reward) for s in scored]


def compute_score(
    data_source: Any,
    solution_str: str,
    ground_truth: Any,
    extra_info: Any = None,
    **kwargs: Any,
) -> float:
    """One sample (verl's reward loop calls this per sample, in its executor threads)."""
    return compute_score_batch(
        [data_source], [solution_str], [ground_truth], [extra_info], **kwargs
    )[0]
