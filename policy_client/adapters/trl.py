"""A verireward reward function for TRL's ``GRPOTrainer(reward_funcs=[...])``.

    from verireward.policy_client.adapters.trl import VeriReward
    trainer = GRPOTrainer(model=..., reward_funcs=[VeriReward("http://127.0.0.1:8000")], ...)

TRL calls it with ``prompts``, ``completions`` (strings, or message lists in conversational
format), ``completion_ids`` and the dataset's columns as keyword lists. The label columns
(``answer``, ``solution``, ``ground_truth``, ``verification_info``...) are sent raw as ``label``
and read by the service; ``completion_ids`` become ``completion_tokens`` (exact lengths for the
length rewards). A reward the service cannot compute comes back as ``None``, which TRL turns
into NaN and masks. Through TRL's ``log_metric``, each component's batch mean is logged as
``verireward/<component>`` and the masked share as ``verireward/masked``. The API key comes from
``ClientOptions(api_key=...)`` or ``VERIREWARD_API_KEY``.
"""

from __future__ import annotations

import asyncio
import math
import weakref
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

from verireward.policy_client.adapters.items import item_fields, message_text
from verireward.policy_client.reward_client import (
    AsyncRewardClient,
    ClientOptions,
    RewardClient,
    ScoredItem,
)

_NOT_COLUMNS = ("trainer_state", "log_extra", "log_metric", "environments", "completion_ids")


def _items(
    prompts: Sequence[Any], completions: Sequence[Any], columns: dict[str, Any]
) -> list[dict[str, Any]]:
    count = len(completions)
    rows = [
        {
            k: v[i]
            for k, v in columns.items()
            if k not in _NOT_COLUMNS and isinstance(v, list) and len(v) == count
        }
        for i in range(count)
    ]
    ids = columns.get("completion_ids")
    items = []
    for i, (p, c, row) in enumerate(zip(prompts, completions, rows, strict=True)):
        item = {"prompt": message_text(p), "completion": message_text(c), **item_fields(row)}
        if ids is not None and "completion_tokens" not in item:
            item["completion_tokens"] = len(ids[i])
        items.append(item)
    return items


def _rewards(scored: Sequence[ScoredItem], log_metric: Callable[[str, float], None] | None):
    if log_metric is not None and scored:
        by_name: dict[str, list[float]] = defaultdict(list)
        for item in scored:
            for name, value in item.scores.items():
                by_name[name].append(value)
        for name in sorted(by_name):
            log_metric(f"verireward/{name}", sum(by_name[name]) / len(by_name[name]))
        masked = sum(math.isnan(s.reward) for s in scored)
        log_metric("verireward/masked", masked / len(scored))
    return [None if math.isnan(s.reward) else s.reward for s in scored]


class _VeriRewardBase:
    def __init__(
        self,
        url: str,
        reward_spec: dict[str, Any] | None = None,
        options: ClientOptions | None = None,
        transport: Any = None,
    ) -> None:
        self.__name__ = "verireward"  # TRL names the reward column after it
        self.reward_spec = reward_spec
        self.url, self.options, self.transport = url, options, transport


class VeriReward(_VeriRewardBase):
    """Synchronous TRL reward function backed by a verireward service."""

    @cached_property
    def client(self) -> RewardClient:
        return RewardClient(self.url, self.options, self.transport)

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any):
        scored = self.client.score(_items(prompts, completions, columns), self.reward_spec)
        return _rewards(scored, columns.get("log_metric"))


class AsyncVeriReward(_VeriRewardBase):
    """Asynchronous variant: TRL runs async reward functions concurrently on its own event
    loop (a thread of its own). One client per event loop, kept for that loop's lifetime."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncRewardClient]
        self._clients = weakref.WeakKeyDictionary()

    def client(self) -> AsyncRewardClient:
        """The client of the running loop (an httpx client cannot cross event loops)."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = AsyncRewardClient(self.url, self.options, self.transport)
            self._clients[loop] = client
        return client

    async def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any):
        items = _items(prompts, completions, columns)
        scored = await self.client().score(items, self.reward_spec)
        return _rewards(scored, columns.get("log_metric"))

    async def aclose(self) -> None:
        """Close the running loop's client (the others close with their loops)."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()
