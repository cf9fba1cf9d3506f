"""OpenRLHF's remote reward protocol, with the JSON its client sends (one sample per request)."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from verireward.service.openrlhf import LABEL_KEY_HINT, response_text

PROMPT = "<|im_start|>user\nWhat is 2 + 3 * 4?<|im_end|>\n<|im_start|>assistant\n"
GOOD = "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer><|im_end|>"
BAD = "<think>2 + 3 = 5, 5 * 4 = 20</think> <answer>20</answer><|endoftext|>"
KEYS = {"code", "format", "language", "masked", "math"}  # the default spec's components
CODE_TESTS = '{"cases": [{"input": "", "output": "4\\n"}]}'
CODE = "<think>print it</think> <answer>\n```python\nprint(4)\n```\n</answer>"


def _one(client: TestClient, query: str, label: object, path: str = "/get_reward") -> dict:
    body = {"query": [PROMPT + query], "prompts": [PROMPT], "labels": [label]}
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_rewards_scores_and_extra_logs(client: TestClient) -> None:
    body = {
        "query": [PROMPT + GOOD, PROMPT + BAD, PROMPT + GOOD],
        "prompts": [PROMPT, PROMPT, PROMPT],
        "labels": ["14", "14", "\\frac{1}{"],
    }
    payload = client.post("/get_reward", json=body).json()
    assert payload["rewards"] == pytest.approx([1.1, 0.1, 0.0])
    # scores: correctness only, so the format bonus never lifts an all-wrong group
    assert payload["scores"] == [1.0, 0.0, 0.0]
    assert set(payload["extra_logs"]) == KEYS
    assert payload["extra_logs"]["math"] == [1.0, 0.0, 0.0]
    assert payload["extra_logs"]["format"] == [1.0, 1.0, 1.0]
    assert payload["extra_logs"]["masked"] == [0.0, 0.0, 1.0]  # unparseable label


def test_same_keys_for_math_code_unlabelled_and_bad_samples(client: TestClient, bwrap) -> None:
    # OpenRLHF stacks single-sample responses: one key set, whatever each sample is.
    math_item = _one(client, GOOD, "14")
    code_item = _one(client, CODE, CODE_TESTS)
    empty = _one(client, GOOD, "")
    bad = _one(client, GOOD, '{"a": 1}')
    for payload in (math_item, code_item, empty, bad):
        assert set(payload["extra_logs"]) == KEYS
        assert all(len(v) == 1 and isinstance(v[0], float) for v in payload["extra_logs"].values())
    assert math_item["scores"] == [1.0] and code_item["scores"] == [1.0]
    assert code_item["extra_logs"]["code"] == [1.0] and code_item["extra_logs"]["math"] == [0.0]
    for masked in (empty, bad):
        assert masked["rewards"] == [0.0] and masked["scores"] == [0.0]
        assert masked["extra_logs"]["masked"] == [1.0]


def test_empty_label_is_missing_reference_logged_once(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="verireward"):
        for _ in range(3):
            assert _one(client, GOOD, "")["extra_logs"]["masked"] == [1.0]
    assert [r.getMessage() for r in caplog.records].count(LABEL_KEY_HINT) == 1
    assert "--data.label_key" in LABEL_KEY_HINT


def test_empty_lists_give_empty_lists(client: TestClient) -> None:
    payload = client.post("/get_reward", json={"query": [], "prompts": [], "labels": []}).json()
    assert payload["rewards"] == [] and payload["scores"] == []
    assert set(payload["extra_logs"]) == KEYS and all(
        v == [] for v in payload["extra_logs"].values()
    )


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
        ("<s>[INST] q [/INST] <answer>1</answer></s>", "[INST] q [/INST]", "<answer>1</answer>"),
        ("Q: x A: <answer>2</answer><｜end▁of▁sentence｜>", None, "Q: x A: <answer>2</answer>"),
        ("p <answer>3</answer><|im_end|><|endoftext|><pad><pad>", "p", "<answer>3</answer>"),
        # special-token look-alikes inside the response are the response's own text
        ('p ```python\nprint("</s><s>")\n```</s>', "p", '```python\nprint("</s><s>")\n```'),
        ("p say <|im_end|> then stop", "p", "say <|im_end|> then stop"),
        # a prompt that only appears inside the response is not stripped
        ("other text p <answer>1</answer>", "p", "other text p <answer>1</answer>"),
    ],
)
def test_prompt_prefix_and_trailing_special_tokens_are_stripped(
    query: str, prompt: str | None, text: str
) -> None:
    assert response_text(query, prompt) == text
