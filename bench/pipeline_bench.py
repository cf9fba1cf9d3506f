"""GRPO step time with and without overlapped scoring, and the R1 pipeline's per-stage table.

Step time: the same cold-start model and prompts, three ways of sampling and scoring one GRPO
batch (B=8 prompts x G=8), each measured over the same number of steps in the same run:

- ``sequential``: one generate call for the batch, then one /score request (no overlap);
- ``overlap/1``: each prompt's group generated alone and scored while the next is sampled;
- ``overlap/4``: four prompts per generate call, scored while the next four are sampled.

Each against the real service as is (math + format on integers: a few ms per batch), and
against the same service behind an added per-item delay (``--delay-ms``, default 5 ms/item,
labelled simulated: the cost of a judge model or a remote, loaded service), where there is
scoring time to hide.

    .venv/bin/python bench/pipeline_bench.py [--steps 6] [--delay-ms 5] [--pipeline-out DIR]

``--pipeline-out`` prints the per-stage table (held-out pass@1, reward, wall time) of a run of
``verireward-train pipeline`` already made there.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch
from verireward.policy_client.arith_task import CHAT_TEMPLATE, make_split, trace, vocabulary_texts
from verireward.policy_client.grpo_config import GRPOConfig
from verireward.policy_client.grpo_trainer import GRPOTrainer
from verireward.policy_client.pipeline_presets import PIPELINE_SPEC
from verireward.policy_client.reward_client import RewardClient
from verireward.policy_client.sft import SFTConfig, train_sft
from verireward.policy_client.tiny_preset import tiny_model, tiny_tokenizer

from bench.live_service import start_server

MODES = {
    "sequential": {"overlap_scoring": False},
    "overlap/1": {"overlap_scoring": True, "prompts_per_generate": 1},
    "overlap/4": {"overlap_scoring": True, "prompts_per_generate": 4},
}


class DelayedClient(RewardClient):
    """The real client, with ``delay_s`` per item added to each request (simulated cost)."""

    def __init__(self, url: str, delay_s: float) -> None:
        super().__init__(url)
        self.delay_s = delay_s

    def score(self, items, reward=None):
        time.sleep(self.delay_s * len(items))
        return super().score(items, reward)


def cold_start_model(tokenizer: Any, out: Path) -> Any:
    split = make_split(400, 10, seed=0)
    model = tiny_model(tokenizer, seed=0)
    pairs = [(p.question, trace(p)) for p in split.train]
    config = SFTConfig(
        epochs=3, batch_size=16, learning_rate=3e-3, output_dir=str(out), use_chat_template=True
    )
    train_sft(model, tokenizer, pairs, config)
    return model


def trainer_for(model: Any, tokenizer: Any, client: Any, mode: dict, out: Path) -> GRPOTrainer:
    records = [p.record() for p in make_split(400, 10, seed=1).train]
    config = GRPOConfig(
        group_size=8,
        prompts_per_step=8,
        max_new_tokens=28,
        learning_rate=3e-4,
        beta=0.01,
        micro_batch_size=64,
        save_every=0,
        output_dir=str(out),
        reward_spec=PIPELINE_SPEC,
        use_chat_template=True,  # the pipeline's prompt (arith_task.CHAT_TEMPLATE)
        **mode,
    )
    return GRPOTrainer(model, tokenizer, config, client, records)


def interleaved_steps(trainers: dict[str, GRPOTrainer], steps: int) -> dict[str, list[dict]]:
    """One step of each mode in turn, so a change in the machine's load hits every mode alike."""
    for trainer in trainers.values():
        trainer.train_step(next(trainer.batches))  # warm-up, not counted
    rows: dict[str, list[dict]] = {name: [] for name in trainers}
    for _ in range(steps):
        for name, trainer in trainers.items():
            rows[name].append(trainer.train_step(next(trainer.batches)))
    return rows


def stage_table(directory: Path) -> str:
    rows = [json.loads(line) for line in (directory / "stages.jsonl").read_text().splitlines()]
    lines = ["| stage | held-out pass@1 | mean reward | wall time (s) |", "|---|---|---|---|"]
    lines += [
        f"| {r['stage']} | {r['pass@1']:.3f} | {r['reward_mean']:.3f} | {r['seconds']:.0f} |"
        for r in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--delay-ms", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="/tmp/pipeline-bench")
    parser.add_argument("--pipeline-out", help="a pipeline run's directory: print its table")
    args = parser.parse_args()
    if args.pipeline_out:
        print(stage_table(Path(args.pipeline_out)))
        return
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    tokenizer = tiny_tokenizer(vocabulary_texts())
    tokenizer.chat_template = CHAT_TEMPLATE
    start = cold_start_model(tokenizer, out / "cold")
    process, url = start_server()
    try:
        print("| scoring | mode | step time, median (s) | waiting for scores (s) |")
        print("|---|---|---|---|")
        for label, client in (
            ("service", RewardClient(url)),
            (
                f"service + {args.delay_ms:g} ms/item (simulated)",
                DelayedClient(url, args.delay_ms / 1000),
            ),
        ):
            trainers = {}
            for name, mode in MODES.items():
                model = tiny_model(tokenizer, seed=0)
                model.load_state_dict(start.state_dict())
                trainers[name] = trainer_for(model, tokenizer, client, mode, out / name)
            for name, rows in interleaved_steps(trainers, args.steps).items():
                seconds = statistics.median(r["seconds"] for r in rows)
                waits = statistics.median(r["score_wait_seconds"] for r in rows)
                print(f"| {label} | {name} | {seconds:.2f} | {waits:.3f} |", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=15)


if __name__ == "__main__":
    main()
