"""Trainer-side client of the verireward HTTP contract.

Imports nothing from service/ or verifiers/: it speaks only HTTP, like any trainer.
"""

from verireward.policy_client.reward_client import (
    AsyncRewardClient,
    ClientOptions,
    RewardClient,
    RewardServiceError,
    ScoredItem,
)

__all__ = ["AsyncRewardClient", "ClientOptions", "RewardClient", "RewardServiceError", "ScoredItem"]
