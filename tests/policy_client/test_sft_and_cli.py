"""SFT (loss on the response only) and the verireward-train command line, from_pretrained."""

from __future__ import annotations

import json
import subprocess
import sys
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


def test_after_epoch_stops_sft_when_it_says_so(tmp_path: Path) -> None:
    # the pipeline's cold start: SFT until a dev set is solved well enough, at most `epochs`
    tokenizer = tiny_tokenizer()
    seen: list[int] = []
    config = SFTConfig(epochs=10, batch_size=4, learning_rate=1e-2, output_dir=str(tmp_path))

    def third(epoch: int) -> bool:
        seen.append(epoch)
        return epoch == 3

    losses = train_sft(tiny_model(tokenizer), tokenizer, PAIRS, config, third)
    assert seen == [1, 2, 3] and len(losses) == 3  # one batch of 4 pairs per epoch
    assert (tmp_path / "config.json").exists()  # the stopped model is saved like a full run
    seen.clear()
    never = lambda epoch: seen.append(epoch) is not None  # noqa: E731 (always False)
    assert len(train_sft(tiny_model(tokenizer), tokenizer, PAIRS, config, never)) == 10
    assert seen == list(range(1, 11))  # the cap


@pytest.fixture
def saved_model(tmp_path: Path) -> Path:
    tokenizer = tiny_tokenizer()
    path = tmp_path / "tiny"
    tiny_model(tokenizer).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.mark.filterwarnings("error::UserWarning", "error::FutureWarning")
def test_cli_sft_and_grpo_with_resume(saved_model: Path, tmp_path: Path, live_server: str) -> None:
    """The tiny preset trains without downloads or warnings; a resumed run re-runs the steps
    after its checkpoint and the log keeps one row per step."""
    sft_data = tmp_path / "sft.jsonl"
    sft_data.write_text("\n".join(json.dumps({"prompt": p, "response": r}) for p, r in PAIRS))
    sft = ["sft", "--data", str(sft_data), "--config", '{"epochs": 2}']
    assert main([*sft, "--model", "tiny", "--out", str(tmp_path / "sft")]) == 0
    assert (tmp_path / "sft" / "tokenizer.json").exists()
    # what a user sees: a fresh process, so transformers' log-once warnings are not yet spent
    command = [sys.executable, "-m", "verireward.policy_client.train_cli", *sft]
    command += ["--model", str(saved_model), "--out", str(tmp_path / "sft2")]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "deprecated" not in done.stderr and "Warning" not in done.stderr, done.stderr
    grpo_data = tmp_path / "train.jsonl"
    grpo_data.write_text(
        "\n".join(json.dumps({"prompt": p, "answer": r.split()[-2]}) for p, r in PAIRS)
    )
    config = {
        "steps": 3,
        "group_size": 2,
        "prompts_per_step": 2,
        "max_new_tokens": 4,
        "save_every": 2,
        "beta": 0.04,  # the KL term has a gradient: its logging must detach it (no UserWarning)
    }
    out = tmp_path / "grpo"
    common = ["grpo", "--data", str(grpo_data), "--scorer", live_server, "--out", str(out)]
    model = ["--model", str(tmp_path / "sft"), "--config", json.dumps(config)]
    assert main([*common, *model]) == 0
    assert (out / "checkpoint-2" / "trainer_state.pt").exists()
    # resume from step 2 of a run that got to 3: step 3 is run again, not logged twice
    assert main([*common, *model, "--resume", str(out / "checkpoint-2")]) == 0
    steps = [json.loads(line)["step"] for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3]
    more = json.dumps({**config, "steps": 4})
    assert main([*common, "--model", "x", "--config", more, "--resume", str(out / "final")]) == 0
    steps = [json.loads(line)["step"] for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3, 4]
    with pytest.raises(SystemExit):
        main([*common, "--model", "x", "--config", '{"not_a_field": 1}'])
