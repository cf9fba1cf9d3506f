"""TRL and verl adapters, against the real service."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import numpy as np
import pytest
from verireward.policy_client.adapters.items import item_fields
from verireward.policy_client.adapters.trl import AsyncVeriReward, VeriReward
from verireward.policy_client.adapters.verl import compute_score, compute_score_batch
from verireward.policy_client.reward_client import RewardServiceError

from tests.policy_client.tiny import tiny_model, tiny_tokenizer

pytestmark = pytest.mark.integration
GOOD = "<think>2 + 2 = 4</think> <answer>4</answer>"


def test_dataset_columns_map_to_item_fields() -> None:
    # the adapter routes columns; the service reads the label
    assert item_fields({"solution": 4, "language": "en"}) == {"label": 4, "language": "en"}
    info = '{"language": "python", "test_cases": {"cases": [{"input": "", "output": "1"}]}}'
    assert item_fields({"verification_info": info}) == {"label": info}
    assert item_fields({"tests": {"assert": "x"}, "answer": "1"}) == {"tests": {"assert": "x"}}
    assert item_fields({"answer": np.array(["72"]), "group": np.int64(3)}) == {
        "label": ["72"],
        "group": 3,
    }
    assert item_fields({"answer": float("nan")}) == {"label": ""}  # an empty cell: missing


def test_trl_logs_components_and_sends_completion_ids(live_server: str) -> None:
    logged: dict[str, float] = {}
    rewards = VeriReward(live_server)(
        prompts=["q", "q", "q"],
        completions=[GOOD, "<answer>5</answer>", GOOD],
        completion_ids=[[1] * 3000, [1], [1]],
        answer=["4", "4", "\\frac{1}{"],
        log_metric=logged.__setitem__,
        trainer_state=None,
        log_extra=lambda *a: None,
    )
    assert rewards == [pytest.approx(1.1), 0.0, None]
    assert logged["verireward/math"] == pytest.approx(0.5)  # the masked item has no math score
    assert logged["verireward/format"] == pytest.approx(2 / 3)
    assert logged["verireward/masked"] == pytest.approx(1 / 3)
    spec = {"weights": {"overlong": 1.0}, "params": {"overlong": {"max_length": 2000}}}
    by_tokens = VeriReward(live_server, reward_spec=spec)(
        prompts=["q", "q"], completions=[GOOD, GOOD], completion_ids=[[1] * 3000, [1] * 10]
    )
    assert by_tokens == [-1.0, 0.0]  # lengths from completion_ids, not the short text


def test_async_reward_keeps_one_client_per_loop(live_server: str) -> None:
    reward = AsyncVeriReward(live_server)

    async def twice() -> tuple[object, object]:
        await reward(prompts=["q"], completions=[GOOD], answer=["4"])
        first = reward.client()
        assert await reward(prompts=["q"], completions=[GOOD], answer=["4"]) == [pytest.approx(1.1)]
        second = reward.client()
        await reward.aclose()
        return first, second

    first, second = asyncio.run(twice())
    assert first is second
    other, _ = asyncio.run(twice())
    assert other is not first  # a new loop gets its own client


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
    assert compute_score("openai/gsm8k", GOOD, np.array(["4"])) == pytest.approx(1.1)
    tests = '{"cases": [{"input": "", "output": "4"}]}'
    batch = compute_score_batch(
        ["code", "math"], ["```python\nprint(4)\n```", GOOD], [tests, "\\frac{1}{"], [None, None]
    )
    assert batch[0] == pytest.approx(1.0) and batch[1] == 0.0  # null becomes 0.0 for verl
    monkeypatch.setenv("VERIREWARD_NULL_REWARD", "-1")
    assert compute_score("math", GOOD, "\\frac{1}{") == -1.0


def test_verl_batch_with_numpy_columns(live_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # what verl's BatchRewardManager passes: numpy object arrays throughout
    monkeypatch.setenv("VERIREWARD_URL", live_server)
    tests = '{"cases": [{"input": "", "output": "4"}]}'
    code = "```python\nprint(4)\n```"
    batch = compute_score_batch(
        data_sources=np.array(["gsm8k", "code", "gsm8k"], dtype=object),
        solution_strs=[GOOD, code, GOOD],
        ground_truths=np.array([np.array(["4"]), tests, np.str_("4")], dtype=object),
        # a code row whose extra_info has a reference solution: never a math reference
        extra_infos=np.array(
            [{"index": 0}, {"solution": "print(4)", "split": "train"}, {"language": "en"}],
            dtype=object,
        ),
    )
    assert batch == [pytest.approx(1.1), pytest.approx(1.0), pytest.approx(1.3)]


def test_api_key_from_the_environment(keyed_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    url = keyed_server
    monkeypatch.setenv("VERIREWARD_URL", url + "/profiles/r1-distill")
    monkeypatch.setenv("VERIREWARD_API_KEY", "k3y")
    assert compute_score("m", "2 + 2 = 4</think> <answer>4</answer>", "4") == pytest.approx(1.1)
    keyless = url.replace("http://", "http://verl:k3y@")  # a key in the URL: basic auth
    monkeypatch.delenv("VERIREWARD_API_KEY")
    assert VeriReward(keyless)(prompts=["q"], completions=[GOOD], answer=["4"]) == [
        pytest.approx(1.1)
    ]
    monkeypatch.setenv("VERIREWARD_API_KEY", "wrong")
    with pytest.raises(RewardServiceError):
        VeriReward(url)(prompts=["q"], completions=[GOOD], answer=["4"])


def test_trl_grpo_trainer_runs_with_the_adapter(live_server: str, tmp_path: Path) -> None:
    """TRL's own GRPOTrainer, two steps: components reach its logs, a None is masked."""
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    tokenizer = tiny_tokenizer()
    # every other prompt has an empty reference: its rewards are None, which TRL masks
    dataset = Dataset.from_dict(
        {"prompt": ["1 plus 2 is", "2 plus 2 is"] * 4, "answer": ["3", ""] * 4}
    )
    returned: list[list[float | None]] = []

    class Recording(VeriReward):
        def __call__(self, prompts, completions, **columns):
            assert "log_metric" in columns and "completion_ids" in columns  # what TRL passes
            rewards = super().__call__(prompts, completions, **columns)
            returned.append(rewards)
            return rewards

    config = GRPOConfig(
        output_dir=str(tmp_path),
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=6,
        max_steps=2,
        report_to=[],
        use_cpu=True,
        logging_steps=1,
        save_strategy="no",
        learning_rate=1e-3,
    )
    trainer = GRPOTrainer(
        model=tiny_model(tokenizer),
        reward_funcs=[Recording(live_server)],
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    trainer.train()
    assert trainer.state.global_step == 2
    logged = [entry for entry in trainer.state.log_history if "verireward/format" in entry]
    assert len(logged) == 2, trainer.state.log_history
    nones = sum(r is None for batch in returned for r in batch)
    masked_share = nones / sum(len(batch) for batch in returned)
    assert nones > 0 and sum(e["verireward/masked"] for e in logged) / 2 == pytest.approx(
        masked_share
    )
    assert all(math.isfinite(entry.get("loss", 0.0)) for entry in trainer.state.log_history)
