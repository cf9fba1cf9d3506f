"""The pipeline's pure pieces: summaries, the rejection filter, logs, padding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from verireward.policy_client.evaluation import items_of, summarize
from verireward.policy_client.pipeline_report import StageLog
from verireward.policy_client.prompts import PromptRecord
from verireward.policy_client.rejection import REJECTION_SPEC, keep_correct_http, unique
from verireward.policy_client.reward_client import ScoredItem
from verireward.policy_client.training_log import MetricsLog

NAN = float("nan")


def test_summarize_counts_math_passes_and_leaves_nan_out_of_the_mean() -> None:
    scored = [
        ScoredItem(1.2, {"math": 1.0, "format": 1.0}),
        ScoredItem(0.2, {"math": 0.0, "format": 1.0}),  # formatted but wrong: no pass
        ScoredItem(1.0, {"math": 1.0, "format": 0.0}),  # right answer, bad format: a pass
        ScoredItem(NAN, {}),  # the service could not judge it: not a pass, not in the mean
    ]
    summary = summarize(scored)
    assert summary["pass@1"] == 0.5
    assert summary["format"] == 0.5
    assert summary["reward_mean"] == pytest.approx(2.4 / 3)
    assert summary["unscored"] == 1


class FakeScorer:
    def __init__(self, verdicts: list[dict[str, float]]) -> None:
        self.verdicts, self.specs = verdicts, []

    def score(self, items, spec=None):
        self.specs.append(spec)
        return [ScoredItem(sum(v.values()), v) for v in self.verdicts]


def test_http_filter_keeps_only_correct_and_formatted_unique_items() -> None:
    records = [PromptRecord("1 + 2", {"answer": "3"})] * 4
    completions = ["good", "good", "unformatted", "wrong"]
    scorer = FakeScorer(
        [
            {"math": 1.0, "format": 1.0},
            {"math": 1.0, "format": 1.0},  # a duplicate of the first: kept once
            {"math": 1.0, "format": 0.0},  # correct but not in the R1 format: rejected
            {"math": 0.0, "format": 1.0},
        ]
    )
    kept = keep_correct_http(items_of(records, completions), scorer)
    assert kept == [{"prompt": "1 + 2", "completion": "good", "answer": "3"}]
    assert scorer.specs == [REJECTION_SPEC]


def test_unique_keeps_first_seen_order() -> None:
    rows = [{"prompt": p, "completion": c} for p, c in ["ab", "ac", "ab", "bb"]]
    assert [r["prompt"] + r["completion"] for r in unique(rows)] == ["ab", "ac", "bb"]


def test_stage_log_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "stages.jsonl"
    path.write_text(json.dumps({"stage": "old"}) + "\n")
    log = StageLog(path)
    log.write({"stage": "cold_start", "pass@1": 0.1})
    assert log.read() == [{"stage": "cold_start", "pass@1": 0.1}]


def test_metrics_log_drops_rows_past_a_resumed_step(tmp_path: Path) -> None:
    log = MetricsLog(tmp_path / "metrics.jsonl")
    for step in (1, 2, 3, 4):
        log.write({"step": step})
    log.drop_after(2)
    log.write({"step": 3, "rerun": True})
    assert log.read() == [{"step": 1}, {"step": 2}, {"step": 3, "rerun": True}]


def test_pad_right_stacks_uneven_chunks() -> None:
    torch = pytest.importorskip("torch")
    from verireward.policy_client.generation import pad_right

    stacked = pad_right([torch.tensor([[1, 2, 3]]), torch.tensor([[4], [5]])], pad_id=0)
    assert stacked.tolist() == [[1, 2, 3], [4, 0, 0], [5, 0, 0]]


def test_rejection_prompts_must_fit_beside_the_cold_start_problems(tmp_path: Path) -> None:
    from verireward.policy_client.pipeline import Pipeline
    from verireward.policy_client.pipeline_presets import PRESETS, preset

    for name in PRESETS:  # the shipped presets fit
        sizes = preset(name)
        assert sizes.cold_start_traces + sizes.rejection_prompts <= sizes.n_train
    crowded = preset("tiny-arith-ci", n_train=500, rejection_prompts=200)
    with pytest.raises(ValueError, match="need as many training problems"):
        Pipeline(crowded, tmp_path, FakeScorer([]))


def test_dev_problems_are_carved_out_of_every_training_stage(tmp_path: Path) -> None:
    # the cold start stops on the dev set's pass@1: no stage may train on those problems
    pytest.importorskip("transformers")
    from verireward.policy_client.pipeline import Pipeline
    from verireward.policy_client.pipeline_presets import preset

    ci = preset("tiny-arith-ci")
    pipeline = Pipeline(ci, tmp_path, FakeScorer([]))
    assert len(pipeline.dev) == ci.dev_problems
    assert pipeline.train + pipeline.dev == pipeline.split.train
    cold = pipeline.train[: ci.cold_start_traces]
    rejection = pipeline.train[ci.cold_start_traces :][: ci.rejection_prompts]
    assert len(rejection) == ci.rejection_prompts  # room for every rejection prompt
    questions = {p.question for p in pipeline.dev}
    assert not questions & {p.question for p in pipeline.train}  # GRPO samples self.train
    assert not questions & {p.question for p in cold + rejection + pipeline.split.heldout}
    with pytest.raises(ValueError, match="dev"):
        Pipeline(preset("tiny-arith-ci", dev_problems=900), tmp_path, FakeScorer([]))
    none = Pipeline(preset("tiny-arith-ci", dev_problems=0), tmp_path, FakeScorer([]))
    assert none.dev == [] and none.train == none.split.train  # no rule: a fixed epoch count
