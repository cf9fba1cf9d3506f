"""GRPO's math against hand-computed values."""

from __future__ import annotations

import math

import pytest
import torch
from verireward.policy_client.grpo_math import (
    aggregate_loss,
    clipped_surrogate,
    completion_mask,
    group_advantages,
    kl_k3,
)


def test_worked_example_advantages() -> None:
    # mean 0.575; unbiased std sqrt(0.9075 / 3) = 0.55
    advantages, valid = group_advantages(torch.tensor([0.1, 1.1, 1.0, 0.1]), 4, eps=0.0)
    expected = [-0.475 / 0.55, 0.525 / 0.55, 0.425 / 0.55, -0.475 / 0.55]
    assert advantages.tolist() == pytest.approx(expected, rel=1e-6)
    assert valid.all()


def test_scale_options() -> None:
    rewards = torch.tensor([0.0, 1.0, 2.0, 4.0])  # two groups of two
    none, _ = group_advantages(rewards, 2, "none")
    assert none.tolist() == pytest.approx([-0.5, 0.5, -1.0, 1.0])
    group, _ = group_advantages(rewards, 2, "group", eps=0.0)
    # (0, 1): mean 0.5, std sqrt(0.5); (2, 4): mean 3, std sqrt(2) -> all ±1/sqrt(2)
    half = 1 / math.sqrt(2)
    assert group.tolist() == pytest.approx([-half, half, -half, half], rel=1e-6)
    # batch: centred values (-0.5, 0.5, -1, 1), unbiased std over all four: sqrt(2.5 / 3)
    batch, _ = group_advantages(rewards, 2, "batch", eps=0.0)
    scale = math.sqrt(2.5 / 3)
    assert batch.tolist() == pytest.approx([-0.5 / scale, 0.5 / scale, -1 / scale, 1 / scale])


def test_equal_rewards_give_zero_advantage() -> None:
    advantages, _ = group_advantages(torch.tensor([1.0, 1.0, 1.0, 1.0]), 4)
    assert advantages.tolist() == [0.0, 0.0, 0.0, 0.0]


def test_nan_rewards_are_masked_out_of_the_statistics() -> None:
    advantages, valid = group_advantages(torch.tensor([0.0, float("nan"), 1.0, 1.0]), 4, eps=0.0)
    # valid rewards (0, 1, 1): mean 2/3, unbiased std sqrt(1/3)
    std = math.sqrt(1 / 3)
    assert advantages[1].item() == 0.0 and valid.tolist() == [True, False, True, True]
    assert advantages[[0, 2, 3]].tolist() == pytest.approx(
        [-2 / 3 / std, 1 / 3 / std, 1 / 3 / std], rel=1e-6
    )
    lonely, _ = group_advantages(torch.tensor([float("nan"), 5.0]), 2)
    assert lonely.tolist() == [0.0, 0.0]  # one valid reward: no baseline, no signal


def test_clipped_surrogate_by_hand() -> None:
    old = torch.zeros(2, 2)
    new = torch.log(torch.tensor([[1.5, 0.9], [1.5, 0.5]]))  # ratios
    advantages = torch.tensor([1.0, -1.0])
    loss, clipped = clipped_surrogate(new, old, advantages, epsilon=0.2)
    # A>0: -min(ρ, clip(ρ))A -> ρ=1.5 clipped to 1.2; ρ=0.9 kept. A<0: -min(-ρ, -clip(ρ))
    # -> ρ=1.5 -> max(1.5, 1.2) = 1.5 unclipped; ρ=0.5 -> max(0.5, 0.8) = 0.8 clipped.
    assert loss.flatten().tolist() == pytest.approx([-1.2, -0.9, 1.5, 0.8], rel=1e-6)
    assert clipped.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    high, _ = clipped_surrogate(new, old, advantages, epsilon=0.2, epsilon_high=0.28)
    assert high[0, 0].item() == pytest.approx(-1.28)  # DAPO clip-higher


def test_kl_k3() -> None:
    logps = torch.log(torch.tensor([0.5, 0.25]))
    ref = torch.log(torch.tensor([0.25, 0.25]))
    # r = ref/p: 0.5 -> 0.5 - ln 0.5 - 1 ; 1 -> 0
    assert kl_k3(logps, ref).tolist() == pytest.approx([0.5 - math.log(0.5) - 1, 0.0])
    assert (kl_k3(torch.randn(100), torch.randn(100)) >= 0).all()


def test_loss_aggregations() -> None:
    per_token = torch.tensor([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]])
    mask = torch.tensor([[1, 1, 1], [1, 0, 0]])
    assert aggregate_loss(per_token, mask, "grpo", 3).item() == pytest.approx((2.0 + 4.0) / 2)
    assert aggregate_loss(per_token, mask, "dapo", 3).item() == pytest.approx(10.0 / 4)
    assert aggregate_loss(per_token, mask, "dr_grpo", 3).item() == pytest.approx(10.0 / 6)


def test_completion_mask_stops_after_eos() -> None:
    ids = torch.tensor([[5, 3, 2, 9, 2], [5, 5, 5, 5, 5], [2, 1, 1, 1, 1]])
    assert completion_mask(ids, eos_token_id=2).tolist() == [
        [1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1],
        [1, 0, 0, 0, 0],
    ]
