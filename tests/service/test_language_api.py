"""The language verifier's targets through POST /score: names accepted, non-languages refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

THINK = "<think>We add the two numbers and then divide the total by two.</think><answer>5</answer>"


def test_item_target_names_and_an_unknown_one(client: TestClient) -> None:
    body = {
        "items": [
            {"id": "name", "completion": THINK, "language": "English"},
            {"id": "tag", "completion": THINK, "language": "en-US"},
            {"id": "code", "completion": THINK, "language": "python"},
        ],
        "reward": {"weights": {"language": 1.0}},
    }
    response = client.post("/score", json=body)
    assert response.status_code == 200
    results = {r["id"]: r for r in response.json()["results"]}
    assert results["name"]["reward"] == 1.0 and results["tag"]["reward"] == 1.0
    assert results["code"]["reward"] is None
    assert results["code"]["error"]["code"] == "unknown_language"


def test_request_level_language_that_is_no_language_is_a_422(client: TestClient) -> None:
    body = {
        "items": [{"completion": THINK}],
        "reward": {"weights": {"language": 1.0}, "params": {"language": {"language": "python"}}},
    }
    assert client.post("/score", json=body).status_code == 422
    body["reward"]["params"]["language"]["language"] = "English"
    response = client.post("/score", json=body)
    assert response.status_code == 200 and response.json()["results"][0]["reward"] == 1.0
