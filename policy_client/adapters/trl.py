"""A verireward reward function for TRL's ``GRPOTrainer(reward_funcs=[...])``.

    from verireward.policy_client.adapters.trl import VeriReward
    trainer = GRPOTrainer(model=..., reward_funcs=[VeriReward("http://127.0.0.1:8000")], ...)

TRL calls it with ``prompts``, ``completions`` (strings, or message lists in conversational
format) and the dataset's columns as keyword lists; ``answer``/``solution`` become the
reference answer, ``tests``/``verification_info`` the tests. A reward the service cannot
compute comes back as ``None``, which TRL turns into NaN and masks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from verireward.policy_client.adapters.items import item_fields, message_text
from verireward.policy_client.reward_client import AsyncRewardClient, ClientOptions, RewardClient


def _items(prompts: Sequence[Any], completions: Sequence[Any], columns: dict[str, Any]):
    rows = [
        {k: v[i] for k, v in columns.items() if isinstance(v, list) and len(v) == len(completions)}
        for i in range(len(completions))
    ]
    return [
        {"prompt": message_text(p), "completion": message_text(c), **item_fields(row)}
        for p, c, row in zip(prompts, completions, rows, strict=True)
    ]


def _rewards(scored: Sequence[Any]) -> list[float | None]:
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
        return _rewards(scored)


class AsyncVeriReward(_VeriRewardBase):
    """Asynchronous variant: TRL runs async reward functions concurrently on its event loop."""

    async def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any):
        # A client per call: TRL's event loop lives on its own thread.
        client = AsyncRewardClient(self.url, self.options, self.transport)
        try:
            scored = await client.score(_items(prompts, completions, columns), self.reward_spec)
        finally:
            await client.aclose()
        return _rewards(scored)
