"""Named reward profiles chosen by URL, the API key in the forms trainers can send, and the
``label`` field of ``/score``."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from verireward.service.app import create_app
from verireward.service.profiles import ProfileError
from verireward.service.settings import Settings
from verireward.verifiers import load_registry

PREFILLED = "3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>"  # <think> was in the prompt


def test_r1_distill_profile_scores_a_prefilled_think(client: TestClient) -> None:
    item = {"completion": PREFILLED, "answer": "14"}
    plain = client.post("/score", json={"items": [item]}).json()["results"][0]
    assert plain["scores"] == {"math": 1.0, "format": 0.0}
    distill = client.post("/profiles/r1-distill/score", json={"items": [item]}).json()
    assert distill["results"][0]["scores"] == {"math": 1.0, "format": 1.0}
    openrlhf = client.post(
        "/profiles/r1-distill/get_reward",
        json={"query": ["Q <think>" + PREFILLED], "prompts": ["Q <think>"], "labels": ["14"]},
    ).json()
    assert openrlhf["rewards"] == [pytest.approx(1.1)] and openrlhf["scores"] == [1.0]


def test_unknown_profile_and_spec_given_twice(client: TestClient) -> None:
    missing = client.post("/profiles/nope/score", json={"items": []})
    assert missing.status_code == 404 and "r1-distill" in missing.json()["detail"]
    twice = client.post(
        "/profiles/default/score", json={"items": [], "reward": {"weights": {"format": 1}}}
    )
    assert twice.status_code == 422
    names = [p["name"] for p in client.get("/profiles").json()["profiles"]]
    assert {"default", "r1-distill"} <= set(names)


def _app_with(tmp_path: Path, name: str, text: str) -> TestClient:
    path = tmp_path / name
    path.write_text(text)
    return TestClient(create_app(Settings(profiles_file=path), load_registry()))


def test_profiles_file_toml_and_json(tmp_path: Path) -> None:
    toml = (
        '[profiles.format-only]\nweights = {format = 1.0}\nparams = {format = {mode = "strict"}}\n'
    )
    with _app_with(tmp_path, "p.toml", toml) as app:
        body = {"query": ["<think>a</think> <answer>1</answer>"], "labels": [""]}
        payload = app.post("/profiles/format-only/get_reward", json=body).json()
        # format-only: no reference needed, an empty label is not masked; strict layout fails
        assert payload == {
            "rewards": [0.0],
            "scores": [0.0],
            "extra_logs": {"format": [0.0], "masked": [0.0]},
        }
    spec = {"profiles": {"math-only": {"weights": {"math": 1.0}}}}
    with _app_with(tmp_path, "p.json", json.dumps(spec)) as app:
        result = app.post(
            "/profiles/math-only/score",
            json={"items": [{"completion": "<answer>4</answer>", "label": "#### 4"}]},
        ).json()["results"][0]
        assert result["reward"] == 1.0 and result["scores"] == {"math": 1.0}


@pytest.mark.parametrize(
    "text",
    [
        '{"profiles": {"x": {"weights": {"mathh": 1}}}}',  # misspelt verifier
        '{"profiles": {"x": {"params": {"format": {"modee": "strict"}}}}}',  # misspelt param
        '{"profiles": {"x": {"weight": {"math": 1}}}}',  # misspelt key
        '{"x": {}}',
        "not json",
    ],
)
def test_bad_profiles_file_stops_start_up(tmp_path: Path, text: str) -> None:
    with pytest.raises(ProfileError), _app_with(tmp_path, "p.json", text):
        pass


def test_api_key_as_bearer_or_basic_auth() -> None:
    settings = Settings(api_key=SecretStr("s3cret"))
    body = {"query": ["<answer>1</answer>"], "labels": ["1"]}

    def basic(user: str, password: str) -> dict[str, str]:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        return {"authorization": f"Basic {token}"}

    with TestClient(create_app(settings, load_registry())) as app:
        assert app.post("/get_reward", json=body).status_code == 401
        ok = [
            {"authorization": "Bearer s3cret"},
            basic("openrlhf", "s3cret"),  # http://openrlhf:s3cret@host/...
            basic("s3cret", ""),  # http://s3cret@host/...
        ]
        for headers in ok:
            assert app.post("/profiles/default/get_reward", json=body, headers=headers).is_success
        wrong = [
            {"authorization": "Bearer s3cre"},
            basic("s3cret", "wrong"),
            {"authorization": "Basic !!!"},
            {"authorization": "Token s3cret"},
        ]
        for headers in wrong:
            assert app.post("/get_reward", json=body, headers=headers).status_code == 401


def test_score_label_field(client: TestClient) -> None:
    items = [
        {"completion": "<answer>72</answer>", "label": "Sold 48 + 24 = 72.\n#### 72"},
        {"completion": "<answer>72</answer>", "label": 72},
        {"completion": "<answer>72</answer>", "label": ["72"]},
        {"completion": "<answer>72</answer>", "label": ""},
        {"completion": "<answer>72</answer>", "label": "73", "answer": "72"},  # answer wins
        {"completion": "<answer>{x: 1}</answer>", "label": "{x: 1}"},
    ]
    results = client.post("/score", json={"items": items}).json()["results"]
    assert [r["scores"].get("math") for r in results] == [1.0, 1.0, 1.0, None, 1.0, 1.0]
    assert results[3]["reward"] is None
    assert results[3]["error"]["code"] == "missing_reference"
