"""The shortened R1 pipeline end to end: a tiny model from scratch gets measurably better at
held-out arithmetic through RL with the service's rewards, and so does a student SFT'd only on
the RL model's verified samples. One fixed seed; the README reports the seeds tried and the
spread of the margins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from verireward.policy_client.pipeline import run_pipeline
from verireward.policy_client.pipeline_presets import preset

pytestmark = pytest.mark.integration


@pytest.fixture
def one_thread() -> Iterator[None]:
    # the model is tiny: a second intra-op thread buys nothing and, on a shared machine,
    # made an SFT batch ~10x slower (both threads spin while one waits for a core)
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_grpo_and_the_rejection_student_beat_the_cold_start(
    tmp_path: Path, one_thread: None
) -> None:
    # no url: the pipeline starts its own `verireward serve` on loopback, as `make demo` does
    ci = preset("tiny-arith-ci")
    rows = run_pipeline(ci, tmp_path, seed=0)
    stage = {row["stage"]: row for row in rows}
    assert list(stage) == ["init", "cold_start", "grpo", "rejection_sft"]
    cold = stage["cold_start"]["pass@1"]
    assert stage["init"]["pass@1"] == 0.0  # random weights solve nothing
    assert 0.05 <= cold <= 0.7, rows  # the cold start learned something, not everything
    # it stopped by the rule: at the first epoch whose dev pass@1 reached the floor
    dev = [json.loads(line) for line in (tmp_path / "cold_start" / "dev.jsonl").open()]
    assert [row["epoch"] for row in dev] == list(range(1, stage["cold_start"]["epochs"] + 1))
    assert all(row["dev_pass@1"] < ci.cold_start_floor for row in dev[:-1])
    assert dev[-1]["dev_pass@1"] == stage["cold_start"]["dev_pass@1"] >= ci.cold_start_floor
    assert stage["grpo"]["pass@1"] >= cold + 0.10, rows
    assert stage["rejection_sft"]["pass@1"] >= cold + 0.05, rows
    assert stage["grpo"]["reward_mean"] > stage["cold_start"]["reward_mean"], rows

    # every trace the student learned from is right: its answer is the sum asked for, and its
    # problem is one the cold start never saw (else it would be the cold start's own trace)
    verified = [
        json.loads(line)
        for line in (tmp_path / "rejection" / "verified.jsonl").read_text().splitlines()
        if line
    ]
    assert len(verified) >= 100
    cold_prompts = {
        json.loads(line)["prompt"]
        for line in (tmp_path / "cold_start_traces.jsonl").read_text().splitlines()
    }
    assert len(cold_prompts) == ci.cold_start_traces
    for row in verified:
        a, b = map(int, row["prompt"].split(" + "))
        assert re.search(r"<answer>(.*?)</answer>", row["completion"]).group(1) == str(a + b)
        assert row["prompt"] not in cold_prompts
    assert stage["rejection_sft"]["examples"] == len(verified)
    assert (tmp_path / "pipeline.png").stat().st_size > 10_000
