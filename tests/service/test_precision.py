"""Rewards on the wire are rounded to 6 decimals: no float noise from the weighted sum."""

from __future__ import annotations

from fastapi.testclient import TestClient
from verireward.service.precision import round_results
from verireward.verifiers import ItemResult


def test_weighted_sum_noise_is_rounded_away(client: TestClient) -> None:
    item = {"completion": "<think>2+2</think><answer>4</answer>", "answer": "4"}
    reward = {"weights": {"format": 0.1, "math": 0.2}}
    assert 0.1 * 1.0 + 0.2 * 1.0 != 0.3  # what the engine sums
    (result,) = client.post("/score", json={"items": [item], "reward": reward}).json()["results"]
    assert result["reward"] == 0.3


def test_rounding_keeps_small_distinctions_and_nulls() -> None:
    results = [
        ItemResult(1, 1 / 7, {"code": 1 / 7}),
        ItemResult(2, None, {}),
        ItemResult(3, 2.4e-4, {}),
    ]
    round_results(results)
    assert [r.reward for r in results] == [0.142857, None, 0.00024]
    assert results[0].scores == {"code": 0.142857}
