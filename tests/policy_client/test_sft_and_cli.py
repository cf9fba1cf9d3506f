"""SFT (loss on the response only) and the verireward-train command line, from_pretrained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from verireward.policy_client.sft import IGNORE, SFTConfig, encode, train_sft
from verireward.policy_client.train_cli import main

from tests.policy_client.tiny import tiny_model, tiny_tokenizer

pytestmark = pytest.mark.integration
PAIRS = [
    (f"{a} plus {b}", f"<think> {a} plus {b} </think> <answer> {a + b} </answer>")
    for a, b in [(1, 2), (2, 3), (3, 4), (4, 5)]
]


def test_loss_only_on_the_response() -> None:
    tokenizer = tiny_tokenizer()
    ids, labels = encode(tokenizer, *PAIRS[0], SFTConfig())
    response = tokenizer(" " + PAIRS[0][1], add_special_tokens=False)["input_ids"]
    assert labels[-len(response) - 1 :] == [*response, tokenizer.eos_token_id]
    assert set(labels[: len(ids) - len(response) - 1]) == {IGNORE}


def test_sft_memorises_a_tiny_dataset(tmp_path: Path) -> None:
    tokenizer = tiny_tokenizer()
    config = SFTConfig(epochs=30, batch_size=4, learning_rate=1e-2, output_dir=str(tmp_path))
    losses = train_sft(tiny_model(tokenizer), tokenizer, PAIRS, config)
    assert losses[-1] < losses[0] / 4, losses
    assert (tmp_path / "config.json").exists()


@pytest.fixture
def saved_model(tmp_path: Path) -> Path:
    tokenizer = tiny_tokenizer()
    path = tmp_path / "tiny"
    tiny_model(tokenizer).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def test_cli_sft_and_grpo_with_resume(saved_model: Path, tmp_path: Path, live_server: str) -> None:
    sft_data = tmp_path / "sft.jsonl"
    sft_data.write_text("\n".join(json.dumps({"prompt": p, "response": r}) for p, r in PAIRS))
    assert (
        main(
            [
                "sft",
                "--model",
                str(saved_model),
                "--data",
                str(sft_data),
                "--out",
                str(tmp_path / "sft"),
                "--config",
                '{"epochs": 2}',
            ]
        )
        == 0
    )
    grpo_data = tmp_path / "train.jsonl"
    grpo_data.write_text(
        "\n".join(json.dumps({"prompt": p, "answer": r.split()[-2]}) for p, r in PAIRS)
    )
    config = json.dumps(
        {
            "steps": 2,
            "group_size": 2,
            "prompts_per_step": 2,
            "max_new_tokens": 4,
            "save_every": 1,
            "beta": 0.0,
        }
    )
    out = tmp_path / "grpo"
    common = ["grpo", "--data", str(grpo_data), "--scorer", live_server, "--out", str(out)]
    assert main([*common, "--model", str(tmp_path / "sft"), "--config", config]) == 0
    assert (out / "checkpoint-2" / "trainer_state.pt").exists()
    more = json.dumps({**json.loads(config), "steps": 3})
    assert (
        main(
            [
                *common,
                "--model",
                str(tmp_path / "sft"),
                "--config",
                more,
                "--resume",
                str(out / "checkpoint-2"),
            ]
        )
        == 0
    )
    steps = [json.loads(line)["step"] for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3]  # resumed at step 2, ran one more
    with pytest.raises(SystemExit):
        main([*common, "--model", "x", "--config", '{"not_a_field": 1}'])
