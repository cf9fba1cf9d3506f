"""A request mixing rule, judge and reward-model components through POST /score.

The judge is the real loopback ``ChatServer`` in scripted mode (a Python rule replies); the
reward model is ``RewardServer``'s random-weight transformers model (see
``tests/verifiers/model_servers.py``)."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient
from verireward.service.app import create_app
from verireward.service.settings import Settings
from verireward.verifiers import VerifierRegistry
from verireward.verifiers.format import FormatVerifier
from verireward.verifiers.judge.config import EndpointConfig
from verireward.verifiers.judge.reward_model import RewardModelVerifier
from verireward.verifiers.judge.verifier import JudgeVerifier
from verireward.verifiers.math.verifier import MathVerifier

from tests.verifiers.model_servers import ChatServer, RewardServer, closed_port_url


@pytest.mark.integration
def test_rule_judge_and_reward_model_in_one_request() -> None:
    chat = ChatServer("scripted", script=lambda a, b, p: "correct" if b == "one half" else "no")
    rm = RewardServer()
    registry = VerifierRegistry(
        [
            MathVerifier(),
            FormatVerifier(),
            JudgeVerifier(EndpointConfig(url=chat.url, model="judge-model", retries=0)),
            RewardModelVerifier(EndpointConfig(url=rm.url, api="tei_rerank")),
        ]
    )
    completion = "<think>halve it</think>\n<answer>\\boxed{%s}</answer>"
    body = {
        "items": [
            {
                "id": "rule",
                "prompt": "Half of 1?",
                "answer": "1/2",
                "completion": completion % "0.5",
            },
            {
                "id": "judged",
                "prompt": "Half of 1?",
                "answer": "1/2",
                "completion": completion % "one half",
            },
            {
                "id": "bad_reply",
                "prompt": "Half of 1?",
                "answer": "1/2",
                "completion": completion % "two",
            },
        ],
        "reward": {
            "weights": {"math": 0.0, "judge": 1.0, "reward_model": 0.5, "format": 0.1},
            "params": {"judge": {"mode": "fallback", "rule": "math"}},
        },
    }
    try:
        with TestClient(create_app(Settings(), registry)) as client:
            response = client.post("/score", json=body)
    finally:
        chat.stop()
        rm.stop()
    assert response.status_code == 200
    rule, judged, bad = response.json()["results"]
    for result, answer in ((rule, "0.5"), (judged, "one half")):
        rm_score = 1 / (1 + math.exp(-rm.score("Half of 1?", f"\\boxed{{{answer}}}")))
        assert result["reward"] == pytest.approx(1.0 + 0.5 * rm_score + 0.1, abs=1e-5)
        assert set(result["scores"]) == {"judge", "reward_model", "format"}
        assert result["details"]["math"]["superseded_by"] == "judge"
    assert rule["details"]["judge"]["decided_by"] == "math"
    assert judged["details"]["judge"]["decided_by"] == "judge"
    assert judged["details"]["judge"]["judge"]["verdicts"] == ["correct"]
    assert judged["details"]["judge"]["judge"]["model"] == "judge-model"
    assert bad["reward"] is None and bad["error"]["code"] == "judge_bad_reply"
    assert len(chat.requests) == 2  # the rule accept never reached the judge


def test_readyz_lists_an_unreachable_judge_as_configured_and_unconfigured_as_unavailable() -> None:
    registry = VerifierRegistry(
        [
            FormatVerifier(),
            JudgeVerifier(EndpointConfig(url=None)),
            RewardModelVerifier(EndpointConfig(url=closed_port_url())),
        ]
    )
    with TestClient(create_app(Settings(), registry)) as client:
        ready = client.get("/readyz").json()
        body = {"items": [{"completion": "x", "answer": "1"}], "reward": {"weights": {"judge": 1}}}
        [result] = client.post("/score", json=body).json()["results"]
    assert "judge" in ready["unavailable"] and "reward_model" not in ready["unavailable"]
    assert result["reward"] is None and result["error"]["code"] == "judge_unavailable"
