"""The math of a GRPO update as pure functions of tensors (no model, no I/O).

Notation: B prompts, G completions per prompt, T completion tokens. Rewards arrive flat
(B*G,), grouped by prompt; NaN marks a reward the service could not compute.
"""

from __future__ import annotations

from typing import Literal

import torch

ScaleRewards = Literal["group", "batch", "none"]
LossType = Literal["grpo", "dr_grpo", "dapo"]


def group_advantages(
    rewards: torch.Tensor, group_size: int, scale: ScaleRewards = "group", eps: float = 1e-4
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(r - mean_group) / (std + eps)``; returns (advantages, valid) of shape (B*G,).

    ``scale``: ``group`` divides by each group's std (GRPO), ``batch`` by the whole batch's
    (more robust to near-constant groups), ``none`` does not divide (Dr. GRPO). NaN rewards are
    left out of the statistics and get advantage 0 with ``valid`` False. The std is the
    unbiased one (as TRL); a group with fewer than two valid rewards, or all rewards equal, has
    advantage 0.
    """
    grouped = rewards.reshape(-1, group_size).to(torch.float64)
    valid = ~torch.isnan(grouped)
    count = valid.sum(dim=1, keepdim=True)
    filled = torch.where(valid, grouped, torch.zeros_like(grouped))
    mean = filled.sum(dim=1, keepdim=True) / count.clamp(min=1)
    centered = torch.where(valid, grouped - mean, torch.zeros_like(grouped))
    if scale == "group":
        variance = (centered**2).sum(dim=1, keepdim=True) / (count - 1).clamp(min=1)
        advantages = centered / (variance.sqrt() + eps)
    elif scale == "batch":
        total = valid.sum().clamp(min=2)
        batch_std = ((centered**2).sum() / (total - 1)).sqrt()
        advantages = centered / (batch_std + eps)
    else:
        advantages = centered
    advantages = torch.where(count >= 2, advantages, torch.zeros_like(advantages))
    return advantages.reshape(-1).to(rewards.dtype), valid.reshape(-1)


def clipped_surrogate(
    logps: torch.Tensor,
    old_logps: torch.Tensor,
    advantages: torch.Tensor,
    epsilon: float = 0.2,
    epsilon_high: float | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token PPO-clip loss ``-min(ρA, clip(ρ, 1-ε, 1+ε_high)A)`` and where it clipped.

    ``logps``/``old_logps``: (N, T); ``advantages``: (N,). ``epsilon_high`` (DAPO's clip-higher)
    defaults to ``epsilon``.
    """
    high = epsilon if epsilon_high is None else epsilon_high
    ratio = torch.exp(logps - old_logps)
    advantage = advantages.unsqueeze(1)
    unclipped = ratio * advantage
    clipped = torch.clamp(ratio, 1 - epsilon, 1 + high) * advantage
    loss = -torch.min(unclipped, clipped)
    was_clipped = (clipped < unclipped).float()
    return loss, was_clipped


def kl_k3(logps: torch.Tensor, ref_logps: torch.Tensor) -> torch.Tensor:
    """Schulman's k3 estimator of KL(π || π_ref) per token: ``e^(r-l) - (r-l) - 1`` >= 0."""
    delta = ref_logps - logps
    return torch.exp(delta) - delta - 1


def aggregate_loss(
    per_token: torch.Tensor, mask: torch.Tensor, loss_type: LossType, max_length: int
) -> torch.Tensor:
    """``grpo``: mean over each sequence's tokens, then over sequences (the paper);
    ``dapo``: mean over all tokens of the batch; ``dr_grpo``: sum over tokens divided by
    ``N * max_length`` (no length bias)."""
    mask = mask.to(per_token.dtype)
    if loss_type == "grpo":
        per_sequence = (per_token * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
        return per_sequence.mean()
    if loss_type == "dapo":
        return (per_token * mask).sum() / mask.sum().clamp(min=1)
    if loss_type == "dr_grpo":
        return (per_token * mask).sum() / (per_token.shape[0] * max_length)
    raise ValueError(f"unknown loss_type {loss_type!r}")


def completion_mask(completion_ids: torch.Tensor, eos_token_id: int) -> torch.Tensor:
    """1 for tokens up to and including the first EOS, 0 after (padding, runaway tokens)."""
    is_eos = completion_ids == eos_token_id
    length = completion_ids.shape[1]
    first_eos = torch.where(
        is_eos.any(dim=1),
        is_eos.int().argmax(dim=1),
        torch.full_like(is_eos[:, 0], length, dtype=torch.long),
    )
    positions = torch.arange(length, device=completion_ids.device).expand_as(completion_ids)
    return (positions <= first_eos.unsqueeze(1)).long()
