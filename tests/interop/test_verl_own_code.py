"""verl 0.9.1's own reward loop worker and batch reward manager against a live verireward, the
adapter loaded by path (tests/interop/verl_driver.py), numpy columns throughout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from verireward.policy_client.adapters import verl as verl_adapter

from tests.interop.trainer_venvs import run_driver

pytestmark = pytest.mark.integration
TESTS = json.dumps({"cases": [{"input": "", "output": "4\n"}]})
THINK_EN = "<think>Adding two and two gives four, so the answer is four.</think> <answer>4</answer>"
CODE = "<think>x</think> <answer>\n```python\nprint(4)\n```\n</answer>"
SAMPLES = [  # data_source, response, ground_truth, extra_info, as np.array, expected reward
    ("openai/gsm8k", "<think>2 + 2 = 4</think> <answer>4</answer>", "4", {"index": 0}, True, 1.1),
    ("openai/gsm8k", "<think>2 + 2 = 5</think> <answer>5</answer>", "4", {}, False, 0.1),
    # a code row whose extra_info carries a reference solution: tests stay the reference
    ("code", CODE, TESTS, {"solution": "print(5)", "split": "train"}, False, 1.1),
    ("math", THINK_EN, "#### 4", {"language": "en"}, False, 1.3),
    ("math", "<think>so 4</think> <answer>4</answer>", "", {}, False, 0.0),  # masked: 0.0
]


def test_verl_reward_loop_and_batch_manager(live_server: str, tmp_path: Path, bwrap) -> None:
    samples = [
        {
            "data_source": source,
            "prompt": f"<|im_start|>user\nQ{i}<|im_end|>\n<|im_start|>assistant\n",
            "response": response,
            "ground_truth": truth,
            "extra_info": info,
            "as_array": as_array,
        }
        for i, (source, response, truth, info, as_array, _) in enumerate(SAMPLES)
    ]
    path = tmp_path / "samples.json"
    path.write_text(json.dumps(samples))
    report = run_driver(
        "verl",
        "verl_driver.py",
        verl_adapter.__file__,
        str(path),
        str(tmp_path / "tokenizer"),
        env={"VERIREWARD_URL": live_server},
    )
    expected = [reward for *_, reward in SAMPLES]
    for path_name in ("reward_loop", "batch_manager"):
        rows = report[path_name]
        assert [r["value"] for r in rows] == pytest.approx(expected), path_name
        for row, length, reward in zip(
            rows, report["valid_response_lengths"], expected, strict=True
        ):
            # the score sits on the last valid response token (the EOS), nowhere else
            assert row["positions"] == ([length - 1] if reward else []), path_name
