"""The public contract of POST /score and the errors around it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from verireward.service.app import create_app
from verireward.service.settings import Settings

R1 = "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>"


def test_contract_fields_and_order(client: TestClient) -> None:
    body = {
        "items": [
            {"id": "a", "completion": R1},
            {"id": 7, "completion": "<answer>14</answer>"},
            {"completion": R1},
        ]
    }
    response = client.post("/score", json=body)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["a", 7, None]
    for result in results:
        assert set(result) == {"id", "reward", "scores", "error", "details"}
    assert results[0]["reward"] == pytest.approx(0.1)
    assert results[0]["scores"] == {"format": 1.0}
    assert results[0]["error"] is None
    assert results[1]["reward"] == 0.0
    assert results[1]["details"]["format"]["reason"] == "missing_tag"


def test_empty_items_is_an_empty_list(client: TestClient) -> None:
    assert client.post("/score", json={"items": []}).json() == {"results": []}


def test_explicit_weights_and_params(fake_client: TestClient) -> None:
    body = {
        "items": [{"completion": "yes"}, {"completion": R1.replace("> <", "><")}],
        "reward": {
            "weights": {"echo": 1.0, "format": 0.5},
            "params": {"format": {"mode": "strict"}},
        },
    }
    results = fake_client.post("/score", json=body).json()["results"]
    assert [r["reward"] for r in results] == [1.0, 0.0]


def test_null_reward_with_typed_error(fake_client: TestClient) -> None:
    body = {"items": [{"completion": R1, "answer": "14"}, {"completion": R1}]}
    masked, fine = fake_client.post("/score", json=body).json()["results"]
    assert masked["reward"] is None
    assert masked["error"]["code"] == "verifier_unavailable"
    assert fine["reward"] == pytest.approx(0.1) and fine["error"] is None


def test_numeric_answers_and_extra_item_fields_are_accepted(fake_client: TestClient) -> None:
    body = {
        "items": [{"completion": "yes", "answer": 72, "group": "g1"}],
        "reward": {"weights": {"echo": 1.0}},
    }
    assert fake_client.post("/score", json=body).json()["results"][0]["reward"] == 1.0


@pytest.mark.parametrize(
    ("reward", "loc"),
    [
        ({"weights": {"nope": 1.0}}, ["body", "reward", "weights", "nope"]),
        ({"weights": {"format": -1}}, ["body", "reward", "weights", "format"]),
        ({"params": {"format": {"bogus": 1}}}, ["body", "reward", "params", "format", "bogus"]),
        ({"weights": {"format": 1}, "temperature": 2}, ["body", "reward", "temperature"]),
        ({"weights": {"format": "heavy"}}, ["body", "reward", "weights", "format"]),
    ],
)
def test_bad_reward_spec_is_422_naming_the_field(
    client: TestClient, reward: dict, loc: list
) -> None:
    response = client.post("/score", json={"items": [{"completion": R1}], "reward": reward})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_nan_weight_is_rejected(client: TestClient) -> None:
    body = b'{"items": [], "reward": {"weights": {"format": NaN}}}'
    response = client.post("/score", content=body, headers={"content-type": "application/json"})
    assert response.status_code in (400, 422)


def test_too_many_items_is_413(client: TestClient) -> None:
    response = client.post("/score", json={"items": [{"completion": "x"}] * 101})
    assert response.status_code == 413
    assert response.json()["detail"][0]["type"] == "too_many_items"


def test_too_large_body_is_413(client: TestClient) -> None:
    response = client.post("/score", json={"items": [{"completion": "x" * 70_000}]})
    assert response.status_code == 413


def test_too_long_completion_fails_only_that_item(client: TestClient) -> None:
    body = {"items": [{"completion": R1 + " " * 3_000}, {"completion": R1}]}
    long, short = client.post("/score", json=body).json()["results"]
    assert (long["reward"], long["details"]["format"]["reason"]) == (0.0, "too_long")
    assert short["reward"] == pytest.approx(0.1)


MALFORMED = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"items"',
    b"{}",
    b'{"items": null}',
    b'{"items": {}}',
    b'{"items": [1, 2]}',
    b'{"items": [{}]}',
    b'{"items": [{"completion": 5}]}',
    b'{"items": [{"completion": null}]}',
    b'{"items": [{"completion": "x", "id": [1]}]}',
    b'{"items": [{"completion": "x", "id": {"a": 1}}]}',
    b'{"items": [{"completion": "x", "language": 3}]}',
    b'{"items": [], "reward": 3}',
    b'{"items": [], "reward": {"weights": [1]}}',
    b'{"items": [], "reward": {"params": {"format": 1}}}',
    b'{"items": [], "extra": true}',
    b'{"items": [{"completion": "\xff\xfe"}]}',  # not UTF-8
    b"\xef\xbb\xbf{}",
    b'{"items": [{"completion": "\\ud800"}]}',  # lone surrogate
    b'{"items": [' + b"[" * 5000 + b"]" * 5000 + b"]}",
    b'{"items": [{"completion": "x"}], "reward": {"weights": {"format": 1e999}}}',
    b'{"items": [{"completion": "x"}], "reward": {"weights": {"format": Infinity}}}',
]


@pytest.mark.parametrize("body", MALFORMED)
def test_malformed_bodies_get_4xx_never_5xx(client: TestClient, body: bytes) -> None:
    response = client.post("/score", content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"][0]["loc"][0] == "body"


def test_api_key_required_when_set() -> None:
    with TestClient(create_app(Settings(api_key="s3cret"))) as client:
        body = {"items": [{"completion": R1}]}
        assert client.post("/score", json=body).status_code == 401
        wrong = {"Authorization": "Bearer s3cre"}
        assert client.post("/score", json=body, headers=wrong).status_code == 401
        right = {"Authorization": "Bearer s3cret"}
        assert client.post("/score", json=body, headers=right).status_code == 200
        assert client.get("/verifiers").status_code == 401
        assert client.get("/healthz").status_code == 200


def test_health_readiness_metrics_docs(fake_client: TestClient) -> None:
    assert fake_client.get("/healthz").json() == {"status": "ok"}
    ready = fake_client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["unavailable"] == {"offline": "backend missing"}
    fake_client.post("/score", json={"items": [{"completion": R1}]})
    metrics = fake_client.get("/metrics").text
    assert 'verireward_items_total{outcome="pass",verifier="format"} 1.0' in metrics
    assert 'verireward_requests_total{route="/score",status="200"} 1.0' in metrics
    assert "verireward_request_seconds_bucket" in metrics
    schema = fake_client.get("/openapi.json").json()
    assert "ScoreRequest" in schema["components"]["schemas"]
    assert fake_client.get("/docs").status_code == 200


def test_verifiers_lists_schema_and_availability(fake_client: TestClient) -> None:
    listed = {v["name"]: v for v in fake_client.get("/verifiers").json()["verifiers"]}
    assert set(listed) == {"format", "echo", "broken", "offline"}
    assert listed["format"]["params_schema"]["properties"]["mode"]["default"] == "lenient"
    assert listed["offline"]["available"] is False


def test_readyz_warns_loudly_when_unsandboxed(monkeypatch: pytest.MonkeyPatch) -> None:
    # The setting reaches the code verifier through the registry, not the environment.
    monkeypatch.setenv("VERIREWARD_SANDBOX_BACKEND", "bwrap")
    with TestClient(create_app(Settings(sandbox_backend="none"))) as client:
        ready = client.get("/readyz").json()
    assert ready["sandbox_backend"] == "none"
    assert "UNSANDBOXED" in ready["warnings"][0]
