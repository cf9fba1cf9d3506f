"""OpenRLHF's remote reward protocol, with the JSON its client sends."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from verireward.service.openrlhf import response_text

PROMPT = "<|im_start|>user\nWhat is 2 + 3 * 4?<|im_end|>\n<|im_start|>assistant\n"
GOOD = "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer><|im_end|>"
BAD = "<think>2 + 3 = 5, 5 * 4 = 20</think> <answer>20</answer><|endoftext|>"


def test_openrlhf_request_shape(client: TestClient) -> None:
    body = {  # what OpenRLHF's remote_rm_fn posts
        "query": [PROMPT + GOOD, PROMPT + BAD, PROMPT + GOOD],
        "prompts": [PROMPT, PROMPT, PROMPT],
        "labels": ["14", "14", "\\frac{1}{"],
    }
    response = client.post("/get_reward", json=body)
    assert response.status_code == 200
    payload = response.json()
    assert set(payload) == {"rewards", "scores", "extra_logs"}
    assert payload["rewards"] == pytest.approx([1.1, 0.1, 0.0])
    assert payload["scores"] == payload["rewards"]
    assert payload["extra_logs"]["math"] == [1.0, 0.0, 0.0]
    assert payload["extra_logs"]["masked"] == [False, False, True]  # unparseable label


def test_empty_lists_give_empty_lists(client: TestClient) -> None:
    payload = client.post("/get_reward", json={"query": [], "prompts": [], "labels": []}).json()
    assert payload == {"rewards": [], "scores": [], "extra_logs": {"masked": []}}


def test_query_only_and_limits(client: TestClient) -> None:
    assert client.post("/get_reward", json={"query": [GOOD]}).json()["rewards"] == [
        pytest.approx(0.1)
    ]
    mismatch = client.post("/get_reward", json={"query": [GOOD], "labels": ["1", "2"]})
    assert mismatch.status_code == 422
    assert client.post("/get_reward", json={"query": [GOOD] * 101}).status_code == 413
    assert client.post("/get_reward", content=b"{").status_code == 400


@pytest.mark.parametrize(
    ("query", "prompt", "text"),
    [
        (PROMPT + GOOD, PROMPT, "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>"),
        ("<s>[INST] q [/INST] <answer>1</answer></s>", "<s>[INST] q [/INST]", "<answer>1</answer>"),
        ("Q: x A: <answer>2</answer><｜end▁of▁sentence｜>", None, "Q: x A: <answer>2</answer>"),
    ],
)
def test_prompt_prefix_and_special_tokens_are_stripped(
    query: str, prompt: str | None, text: str
) -> None:
    assert response_text(query, prompt) == text
