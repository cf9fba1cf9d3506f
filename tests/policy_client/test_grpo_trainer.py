"""GRPO end to end on CPU: a tiny random Llama, a real service on loopback."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from verireward.policy_client.grpo_config import GRPOConfig
from verireward.policy_client.grpo_trainer import GRPOTrainer
from verireward.policy_client.prompts import PromptRecord
from verireward.policy_client.reward_client import RewardClient

from tests.policy_client.tiny import tiny_model, tiny_tokenizer

pytestmark = pytest.mark.integration
PROMPTS = [
    PromptRecord(f"{a} plus {b}", {"answer": str(a + b)})
    for a, b in [(1, 2), (2, 3), (3, 4), (1, 1), (2, 2), (4, 4)]
]


class CountingClient(RewardClient):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.items: list[dict] = []

    def score(self, items, reward=None):
        self.items += list(items)
        return super().score(items, reward)


def make_trainer(url: str, out: Path, model=None, **overrides: object) -> GRPOTrainer:
    tokenizer = tiny_tokenizer()
    settings: dict = {
        "group_size": 4,
        "prompts_per_step": 2,
        "max_new_tokens": 6,
        "learning_rate": 1e-2,
        "beta": 0.04,
        "micro_batch_size": 3,
        "output_dir": str(out),
        "save_every": 0,
        "num_iterations": 2,
        # partial format credit varies within a group even for a random policy
        "reward_spec": {
            "weights": {"math": 1.0, "format": 1.0},
            "params": {"format": {"mode": "partial"}},
        },
    }
    config = GRPOConfig(**{**settings, **overrides})
    return GRPOTrainer(
        model or tiny_model(tokenizer), tokenizer, config, CountingClient(url), PROMPTS
    )


def test_two_steps_update_the_policy_and_resume(live_server: str, tmp_path: Path) -> None:
    trainer = make_trainer(live_server, tmp_path)
    before = [p.detach().clone() for p in trainer.model.parameters()]
    history = trainer.train(steps=2)
    assert len(trainer.scorer.items) == 2 * 2 * 4  # steps x prompts x G
    assert all(set(item) >= {"prompt", "completion", "answer"} for item in trainer.scorer.items)
    assert any(
        not torch.equal(a, b) for a, b in zip(before, trainer.model.parameters(), strict=True)
    )
    assert all(math.isfinite(row["loss"]) and math.isfinite(row["kl"]) for row in history)
    assert {"reward/math", "reward/format", "clip_fraction", "entropy"} <= set(history[-1])
    assert (tmp_path / "metrics.jsonl").read_text().count("\n") == 2
    assert (tmp_path / "curves.png").stat().st_size > 1000

    saved = trainer.save(tmp_path / "checkpoint")
    torch.manual_seed(12345)  # scramble the global RNG: restore must bring the saved one back
    from transformers import AutoModelForCausalLM

    resumed = make_trainer(
        live_server,
        tmp_path / "resumed",
        model=AutoModelForCausalLM.from_pretrained(saved / "model"),
    )
    resumed.restore(saved)
    assert resumed.step == 2
    for a, b in zip(trainer.model.parameters(), resumed.model.parameters(), strict=True):
        assert torch.equal(a, b)
    original, loaded = trainer.optimizer.state_dict(), resumed.optimizer.state_dict()
    for key, state in original["state"].items():
        assert torch.equal(state["exp_avg"], loaded["state"][key]["exp_avg"])
    saved_state = torch.load(saved / "trainer_state.pt", weights_only=False)
    assert torch.equal(torch.get_rng_state(), saved_state["rng"]["torch"])  # RNG restored
    assert next(resumed.batches) == next(trainer.batches)  # data order continues


@pytest.mark.parametrize("loss_type", ["dr_grpo", "dapo"])
def test_other_losses_and_no_reference_model(
    live_server: str, tmp_path: Path, loss_type: str
) -> None:
    trainer = make_trainer(
        live_server,
        tmp_path,
        beta=0.0,
        loss_type=loss_type,
        scale_rewards="none",
        epsilon_high=0.28,
    )
    assert trainer.ref_model is None
    row = trainer.train(steps=1)[0]
    assert math.isfinite(row["loss"]) and row["kl"] == 0.0


def test_mean_reward_rises_on_a_toy_task(live_server: str, tmp_path: Path) -> None:
    """Reward: 0.25 per R1 tag present exactly once (format, partial). A random tiny policy
    emits few tags; GRPO should make it emit them."""
    torch.manual_seed(0)
    tokenizer = tiny_tokenizer()
    config = GRPOConfig(
        group_size=8,
        prompts_per_step=4,
        max_new_tokens=6,
        learning_rate=3e-3,
        beta=0.0,
        micro_batch_size=32,
        output_dir=str(tmp_path),
        save_every=0,
        steps=40,
        reward_spec={"weights": {"format": 1.0}, "params": {"format": {"mode": "partial"}}},
    )
    trainer = GRPOTrainer(
        tiny_model(tokenizer, seed=1), tokenizer, config, RewardClient(live_server), PROMPTS
    )
    rewards = [row["reward_mean"] for row in trainer.train()]
    first, last = sum(rewards[:5]) / 5, sum(rewards[-5:]) / 5
    assert last > first + 0.2, rewards
