"""Real uvicorn on a free loopback port, in a subprocess, spoken to with httpx."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration

R1 = "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>"


def test_scores_batches_over_http(live_server: str) -> None:
    items = [{"id": i, "completion": R1 if i % 2 else "no tags"} for i in range(2_000)]
    with httpx.Client(base_url=live_server, timeout=30) as client:
        results = client.post("/score", json={"items": items}).json()["results"]
        assert [r["id"] for r in results] == list(range(2_000))
        assert all(r["reward"] == pytest.approx(0.1) for r in results[1::2])
        assert {r["reward"] for r in results[::2]} == {0.0}
        malformed = client.post("/score", content=b"{nope", headers={"content-type": "x"})
        assert malformed.status_code == 400
        assert client.get("/healthz").json() == {"status": "ok"}
        assert "verireward_items_total" in client.get("/metrics").text


def test_concurrent_batches_all_answered(live_server: str) -> None:
    import asyncio

    async def run() -> list[int]:
        async with httpx.AsyncClient(base_url=live_server, timeout=30) as client:
            bodies = [
                {"items": [{"id": f"{b}-{i}", "completion": R1} for i in range(50)]}
                for b in range(20)
            ]
            responses = await asyncio.gather(*(client.post("/score", json=b) for b in bodies))
            for b, response in enumerate(responses):
                ids = [r["id"] for r in response.json()["results"]]
                assert ids == [f"{b}-{i}" for i in range(50)]
            return [r.status_code for r in responses]

    assert set(asyncio.run(run())) == {200}


def test_math_items_score_through_worker_pool(live_server: str) -> None:
    items = [
        {"id": "right", "completion": "<think>2+12</think> <answer>14</answer>", "answer": "14"},
        {
            "id": "sympy",
            "completion": "<think>..</think> <answer>\\sqrt{196}</answer>",
            "answer": "14",
        },
        {"id": "wrong", "completion": "<think>..</think> <answer>15</answer>", "answer": "14"},
        {"id": "tower", "completion": "\\boxed{9^{9^{9^{9}}}}", "answer": "14"},
        {"id": "bad-ref", "completion": "\\boxed{1}", "answer": "\\frac{1}{"},
    ]
    with httpx.Client(base_url=live_server, timeout=30) as client:
        results = client.post("/score", json={"items": items}).json()["results"]
    by_id = {r["id"]: r for r in results}
    assert by_id["right"]["reward"] == pytest.approx(1.1)
    assert by_id["sympy"]["scores"] == {"math": 1.0, "format": 1.0}
    assert by_id["wrong"]["reward"] == pytest.approx(0.1)
    assert by_id["tower"]["reward"] == 0.0
    assert by_id["tower"]["details"]["math"]["reason"] == "unparseable"
    assert by_id["bad-ref"]["reward"] is None
    assert by_id["bad-ref"]["error"]["code"] == "reference_unparseable"


def test_code_items_run_in_the_sandbox(live_server: str, bwrap: object) -> None:
    program = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
    tests = {"cases": [{"input": "1 2\n", "output": "3\n"}, {"input": "2 2\n", "output": "4"}]}
    items = [
        {
            "id": "ok",
            "completion": f"<think>add</think> <answer>{program}</answer>",
            "tests": tests,
        },
        {"id": "none", "completion": "<think>hmm</think> <answer>no idea</answer>", "tests": tests},
    ]
    with httpx.Client(base_url=live_server, timeout=60) as client:
        results = client.post("/score", json={"items": items}).json()["results"]
        ready = client.get("/readyz").json()
    assert results[0]["scores"] == {"code": 1.0, "format": 1.0}
    assert results[0]["reward"] == pytest.approx(1.1)
    assert results[1]["details"]["code"]["reason"] == "no_code"
    assert "code" not in ready["unavailable"]


HOSTILE_PROGRAMS = [
    "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
    "x = bytearray(16 * 1024**3)",
    "while True:\n    print('x' * 100000)",
    "import os, signal\nos.kill(-1, signal.SIGKILL)",
    "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
    "import time, subprocess\nsubprocess.Popen(['sleep', '100'])\ntime.sleep(100)",
]


def test_hostile_batch_leaves_the_service_healthy(live_server: str, bwrap: object) -> None:
    tests = {"cases": [{"input": "", "output": "ok"}]}
    items = [
        {"id": i, "completion": f"```python\n{program}\n```", "tests": tests}
        for i, program in enumerate(HOSTILE_PROGRAMS)
    ]
    items.append({"id": "fine", "completion": "```python\nprint('ok')\n```", "tests": tests})
    body = {
        "items": items,
        "reward": {"weights": {"code": 1.0}, "params": {"code": {"timeout_s": 1.0}}},
    }
    with httpx.Client(base_url=live_server, timeout=120) as client:
        results = client.post("/score", json=body).json()["results"]
        assert [r["reward"] for r in results] == [0.0] * len(HOSTILE_PROGRAMS) + [1.0]
        assert client.get("/healthz").json() == {"status": "ok"}
        again = client.post("/score", json={"items": items[-1:]}).json()["results"]
        assert again[0]["scores"]["code"] == 1.0
