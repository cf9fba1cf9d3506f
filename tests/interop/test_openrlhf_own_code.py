"""OpenRLHF 0.11.2's own reward fetching and experience batching against a live verireward, on
a dataset mixing math, code, an empty label and a bad one (tests/interop/openrlhf_driver.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.interop.trainer_venvs import run_driver

pytestmark = pytest.mark.integration
CHAT = "<|im_start|>user\n{q}<|im_end|>\n<|im_start|>assistant\n"
TESTS = json.dumps({"cases": [{"input": "2 3\n", "output": "5\n"}]})
ADD = (
    "<think>read two numbers</think> <answer>\n```python\n"
    "a, b = map(int, input().split())\nprint({e})\n```\n</answer>"
)
SAMPLES = [  # prompt, response, label, expected (reward, score, masked)
    ("2+2?", "<think>2 + 2 = 4</think> <answer>4</answer>", "4", (1.1, 1.0, 0.0)),
    ("3+3?", "<think>3 + 3 = 7</think> <answer>7</answer>", "6", (0.1, 0.0, 0.0)),
    ("Add a b.", ADD.format(e="a + b"), TESTS, (1.1, 1.0, 0.0)),
    ("Add a b!", ADD.format(e="a - b"), TESTS, (0.1, 0.0, 0.0)),
    ("5+5?", "<think>5 + 5 = 10</think> <answer>10</answer>", "", (0.0, 0.0, 1.0)),
    ("6+6?", "<think>6 + 6 = 12</think> <answer>12</answer>", '{"a": 1}', (0.0, 0.0, 1.0)),
    (
        "Clips?",
        "<think>48 + 24 = 72</think> <answer>72</answer>",
        "48/2 = 24\n#### 72",
        (1.1, 1.0, 0.0),
    ),
    # a program that prints end-of-sequence look-alikes keeps them (only trailing EOS is cut)
    (
        "Echo.",
        '<think>x</think> <answer>\n```python\nprint("</s><|im_end|>")\n```\n</answer>',
        json.dumps({"cases": [{"input": "", "output": "</s><|im_end|>\n"}]}),
        (1.1, 1.0, 0.0),
    ),
]
KEYS = ["code", "format", "language", "masked", "math"]


def test_openrlhf_rollout_and_batching_on_mixed_data(
    live_server: str, tmp_path: Path, bwrap
) -> None:
    samples = [
        {"prompt": CHAT.format(q=q), "response": r, "label": label} for q, r, label, _ in SAMPLES
    ]
    path = tmp_path / "samples.json"
    path.write_text(json.dumps(samples))
    report = run_driver("openrlhf", "openrlhf_driver.py", f"{live_server}/get_reward", str(path))
    expected = [e for *_, e in SAMPLES]
    for response, (reward, score, masked) in zip(report["responses"], expected, strict=True):
        assert response["reward"] == [pytest.approx(reward)]
        assert response["scores"] == [score]
        assert sorted(response["extra_logs"]) == KEYS
        assert response["extra_logs"]["masked"] == [masked]
    for size, batches in report["micro_batches"].items():
        assert [b["size"] for b in batches] == [
            min(int(size), 8 - i) for i in range(0, 8, int(size))
        ]
        rewards = [r for b in batches for r in b["rewards"]]
        assert rewards == pytest.approx([e[0] for e in expected])
        assert [s for b in batches for s in b["scores"]] == [e[1] for e in expected]
        masked = [m for b in batches for m in b["info"]["masked"]]
        assert masked == [e[2] for e in expected]
        math_scores = [m for b in batches for m in b["info"]["math"]]
        assert math_scores == [
            1.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            1.0,
            0.0,
        ]  # 0.0 where math did not apply
        assert all(set(b["info"]) >= set(KEYS) for b in batches)


def test_openrlhf_reaches_a_keyed_profile_through_url_user_info(
    keyed_server: str, tmp_path: Path
) -> None:
    # R1-Distill's template opens <think> in the prompt; the key rides in the URL (basic auth,
    # which OpenRLHF's aiohttp sends by itself); OpenRLHF would log a failure and leave None.
    prompt = CHAT.format(q="2+2?") + "<think>"
    samples = [{"prompt": prompt, "response": "2 + 2 = 4</think> <answer>4</answer>", "label": "4"}]
    path = tmp_path / "samples.json"
    path.write_text(json.dumps(samples))
    url = (
        keyed_server.replace("http://", "http://openrlhf:k3y@") + "/profiles/r1-distill/get_reward"
    )
    report = run_driver("openrlhf", "openrlhf_driver.py", url, str(path))
    assert report["responses"][0]["reward"] == [pytest.approx(1.1)]  # format counted as met
    assert report["responses"][0]["extra_logs"]["format"] == [1.0]
