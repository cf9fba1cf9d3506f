"""The published API docs: offline assets, request examples that really run, error responses,
``answer`` typed as accepted, and the API key applied to the docs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from verireward.sandbox import BwrapSandbox
from verireward.service.app import create_app
from verireward.service.settings import Settings
from verireward.verifiers import load_registry

# what each request example scores, item by item (the summaries in /docs say so too)
EXPECTED_REWARDS = {
    "math": [1.1],
    "code": [1.1],
    "format": [0.1, 0.0],
    # strict format x 0.25, length_group x 0.1 over the group's four lengths
    "batch_with_spec": [1.2, 0.95, 0.2125, 1.05],
}


@pytest.fixture(scope="module")
def app_client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), load_registry())) as client:
        yield client


def test_every_request_example_scores_as_documented(app_client: TestClient) -> None:
    schema = app_client.get("/openapi.json").json()
    body = schema["paths"]["/score"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == set(EXPECTED_REWARDS)
    for name, example in body["examples"].items():
        if name == "code" and BwrapSandbox().unavailable_reason():
            continue  # needs the sandbox; tests/sandbox require it in CI
        response = app_client.post("/score", json=example["value"])
        assert response.status_code == 200, (name, response.text)
        results = response.json()["results"]
        assert [r["error"] for r in results] == [None] * len(results), name
        assert [r["reward"] for r in results] == EXPECTED_REWARDS[name], name


def test_error_responses_and_description_are_documented(app_client: TestClient) -> None:
    schema = app_client.get("/openapi.json").json()
    assert "POST /score" in schema["info"]["description"]
    responses = schema["paths"]["/score"]["post"]["responses"]
    assert {"200", "400", "401", "413", "422", "503"} <= set(responses)
    # the documented error bodies have the shape the service really sends
    for status, body in [
        ("400", app_client.post("/score", content=b"{1}")),
        ("422", app_client.post("/score", json={"items": [], "reward": {"weights": {"maths": 1}}})),
    ]:
        documented = responses[status]["content"]["application/json"]["example"]
        real = body.json()
        assert body.status_code == int(status)
        assert documented["detail"][0]["type"] == real["detail"][0]["type"]
        assert documented["detail"][0]["loc"] == real["detail"][0]["loc"]


def test_answer_is_typed_as_accepted(app_client: TestClient) -> None:
    answer = app_client.get("/openapi.json").json()["components"]["schemas"]["ScoreItem"]
    types = {t["type"] for t in answer["properties"]["answer"]["anyOf"]}
    assert types == {"string", "number", "null"}
    item = {"completion": "<answer>0.5</answer>", "answer": 0.5}
    (result,) = app_client.post("/score", json={"items": [item]}).json()["results"]
    assert result["scores"]["math"] == 1.0
    boolean = app_client.post("/score", json={"items": [{"completion": "x", "answer": True}]})
    assert boolean.status_code == 422  # not in the schema, not accepted


def test_docs_pages_use_local_assets_only(app_client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = app_client.get(page).text
        assert "/docs-assets/" in html and "cdn" not in html.lower()
        assert "fonts.googleapis" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        response = app_client.get(f"/docs-assets/{asset}")
        assert response.status_code == 200 and len(response.content) > 100_000


def test_docs_follow_the_api_key() -> None:
    with TestClient(create_app(Settings(api_key="s3cret"))) as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert client.get(path).status_code == 401, path
        key = {"Authorization": "Bearer s3cret"}
        assert client.get("/openapi.json", headers=key).status_code == 200
        assert client.get("/docs-assets/swagger-ui.css").status_code == 200  # public library
    with TestClient(create_app(Settings(api_key="s3cret", docs_public=True))) as client:
        assert client.get("/docs").status_code == 200
        assert client.get("/openapi.json").status_code == 200
        assert client.post("/score", json={"items": []}).status_code == 401  # still keyed
