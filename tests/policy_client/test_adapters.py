"""TRL and verl adapters, against the real service."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest
from verireward.policy_client.adapters.items import item_fields
from verireward.policy_client.adapters.trl import AsyncVeriReward, VeriReward
from verireward.policy_client.adapters.verl import compute_score, compute_score_batch

from tests.policy_client.tiny import tiny_model, tiny_tokenizer

pytestmark = pytest.mark.integration
GOOD = "<think>2 + 2 = 4</think> <answer>4</answer>"


def test_dataset_columns_map_to_item_fields() -> None:
    assert item_fields({"solution": 4, "language": "en"}) == {"answer": "4", "language": "en"}
    info = '{"language": "python", "test_cases": {"cases": [{"input": "", "output": "1"}]}}'
    assert item_fields({"verification_info": info}) == {
        "tests": {"cases": [{"input": "", "output": "1"}]}
    }


def test_trl_reward_function_standard_and_conversational(live_server: str) -> None:
    reward = VeriReward(live_server)
    standard = reward(
        prompts=["2+2?", "2+2?"],
        completions=[GOOD, "<answer>5</answer>"],
        answer=["4", "4"],
        trainer_state=None,
    )
    assert standard == [pytest.approx(1.1), 0.0]
    conversational = reward(
        prompts=[[{"role": "user", "content": "2+2?"}]],
        completions=[[{"role": "assistant", "content": GOOD}]],
        solution=["\\frac{1}{"],  # unparseable reference: None, TRL masks it
    )
    assert conversational == [None]
    async_reward = AsyncVeriReward(live_server)
    assert asyncio.run(async_reward(prompts=["q"], completions=[GOOD], answer=["4"])) == [
        pytest.approx(1.1)
    ]


def test_verl_compute_score(live_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERIREWARD_URL", live_server)
    assert compute_score("openai/gsm8k", GOOD, "4") == pytest.approx(1.1)
    tests = '{"cases": [{"input": "", "output": "4"}]}'
    batch = compute_score_batch(
        ["code", "math"], ["```python\nprint(4)\n```", GOOD], [tests, "\\frac{1}{"], [None, None]
    )
    assert batch[0] == pytest.approx(1.0) and batch[1] == 0.0  # null becomes 0.0 for verl
    monkeypatch.setenv("VERIREWARD_NULL_REWARD", "-1")
    assert compute_score("math", GOOD, "\\frac{1}{") == -1.0


def test_trl_grpo_trainer_runs_one_step_with_the_adapter(live_server: str, tmp_path: Path) -> None:
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    tokenizer = tiny_tokenizer()
    dataset = Dataset.from_dict(
        {"prompt": ["1 plus 2 is", "2 plus 2 is"] * 4, "answer": ["3", "4"] * 4}
    )
    calls: list[int] = []

    class Counting(VeriReward):
        def __call__(self, prompts, completions, **columns):
            calls.append(len(completions))
            assert columns["answer"][:2] in (["3", "3"], ["4", "4"], ["3", "4"], ["4", "3"])
            return super().__call__(prompts, completions, **columns)

    config = GRPOConfig(
        output_dir=str(tmp_path),
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=6,
        max_steps=1,
        report_to=[],
        use_cpu=True,
        logging_steps=1,
        save_strategy="no",
        learning_rate=1e-3,
    )
    trainer = GRPOTrainer(
        model=tiny_model(tokenizer),
        reward_funcs=[Counting(live_server)],
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    trainer.train()
    assert sum(calls) >= 4 and trainer.state.global_step == 1
    assert all(math.isfinite(entry.get("loss", 0.0)) for entry in trainer.state.log_history)
