"""DeepSeek-R1's recipe in miniature, on ``tiny-arith``, graded by a verireward service:

    0. a tiny model from scratch (random weights, tokenizer built here)
    1. cold start        SFT on a few hundred worked traces (too few to solve the task)
    2. reasoning RL      GRPO with the service's math + format rewards, KL to the cold start
    3. rejection         sample k completions per training prompt from the RL model,
                         keep the verified ones (``verireward score --correct-only``)
    4. distillation      SFT a fresh copy of the cold-start model on those traces only
    5. RL again          (optional) GRPO from the student

After every stage: greedy pass@1 and mean reward on held-out problems, one row of
``stages.jsonl``, and at the end ``pipeline.png``.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch
from verireward.policy_client.arith_task import (
    CHAT_TEMPLATE,
    make_split,
    trace,
    vocabulary_texts,
)
from verireward.policy_client.evaluation import complete, evaluate, items_of
from verireward.policy_client.generation import HFGenerator, SamplingParams, autocast_for
from verireward.policy_client.grpo_config import GRPOConfig
from verireward.policy_client.grpo_trainer import GRPOTrainer
from verireward.policy_client.local_service import scoring_service
from verireward.policy_client.pipeline_presets import GRPO_DEFAULTS, PipelinePreset
from verireward.policy_client.pipeline_report import StageLog, plot_stages
from verireward.policy_client.rejection import keep_correct
from verireward.policy_client.reward_client import RewardClient
from verireward.policy_client.sft import SFTConfig, train_sft
from verireward.policy_client.tiny_preset import tiny_model, tiny_tokenizer


class Pipeline:
    def __init__(
        self,
        preset: PipelinePreset,
        out: str | Path,
        scorer: Any,
        device: str = "cpu",
        seed: int = 0,
    ) -> None:
        self.preset, self.out, self.scorer, self.seed = preset, Path(out), scorer, seed
        self.device = torch.device(device)
        self.bf16 = self.device.type == "cuda" and torch.cuda.is_bf16_supported()
        if preset.cold_start_traces + preset.rejection_prompts > preset.n_train:
            raise ValueError(
                f"{preset.name}: {preset.cold_start_traces} cold-start traces and "
                f"{preset.rejection_prompts} rejection prompts need as many training problems, "
                f"not {preset.n_train}"
            )
        self.split = make_split(preset.n_train, preset.n_heldout, seed, preset.digits)
        self.tokenizer = tiny_tokenizer(vocabulary_texts())
        self.tokenizer.chat_template = CHAT_TEMPLATE  # every stage prompts through it
        self.log = StageLog(self.out / "stages.jsonl")

    # -- the recipe ------------------------------------------------------------------------
    def run(self) -> list[dict[str, Any]]:
        preset = self.preset
        model = tiny_model(self.tokenizer, seed=self.seed, **preset.model).to(self.device)
        self.record("init", model, 0.0)
        # 1. cold start: SFT on a few hundred worked traces
        started = time.perf_counter()
        cold = self.sft(
            model, self.traces(preset.cold_start_traces), preset.cold_start_epochs, "cold_start"
        )
        self.record(
            "cold_start", cold, time.perf_counter() - started, examples=preset.cold_start_traces
        )
        # 2. reasoning RL: GRPO with the service's rewards, KL to the cold-start model
        started = time.perf_counter()
        rl = self.grpo(cold, preset.grpo_steps, "grpo")
        self.record("grpo", rl, time.perf_counter() - started, steps=preset.grpo_steps)
        # 3. rejection sampling from the RL model, verified by the service's verifiers
        started = time.perf_counter()
        verified, sampled = self.rejection_sample(rl)
        # 4. distillation: a fresh copy of the cold-start model, SFT on verified traces only
        pairs = [(row["prompt"], row["completion"].strip()) for row in verified]
        student = self.sft(
            cold, pairs, preset.distill_epochs, "distill", preset.distill_learning_rate
        )
        self.record(
            "rejection_sft",
            student,
            time.perf_counter() - started,
            examples=len(pairs),
            sampled=sampled,
        )
        # 5. optionally RL again, from the student
        if preset.final_grpo_steps:
            started = time.perf_counter()
            final = self.grpo(student, preset.final_grpo_steps, "final_grpo")
            self.record(
                "final_grpo", final, time.perf_counter() - started, steps=preset.final_grpo_steps
            )
        plot_stages(self.log.read(), self.out / "pipeline.png")
        return self.log.read()

    # -- the stages ------------------------------------------------------------------------
    def traces(self, count: int) -> list[tuple[str, str]]:
        """The first ``count`` training problems' worked traces, also kept in the run's dir."""
        pairs = [(p.question, trace(p)) for p in self.split.train[:count]]
        (self.out / "cold_start_traces.jsonl").write_text(
            "".join(json.dumps({"prompt": q, "response": r}) + "\n" for q, r in pairs)
        )
        return pairs

    def sft(
        self,
        start: Any,
        pairs: list[tuple[str, str]],
        epochs: int,
        name: str,
        learning_rate: float | None = None,
    ) -> Any:
        """A copy of ``start`` fine-tuned on ``pairs`` (``start`` itself is left as it was)."""
        model = copy.deepcopy(start)
        config = SFTConfig(
            epochs=epochs,
            batch_size=self.preset.sft_batch_size,
            learning_rate=learning_rate or self.preset.sft_learning_rate,
            output_dir=str(self.out / name),
            seed=self.seed,
            bf16=self.bf16,
            use_chat_template=True,
        )
        if pairs:
            train_sft(model, self.tokenizer, pairs, config)
        return model

    def grpo(self, start: Any, steps: int, name: str) -> Any:
        """GRPO from a copy of ``start``, with ``start`` (frozen) as the KL reference."""
        policy = copy.deepcopy(start)
        reference = copy.deepcopy(start).eval().requires_grad_(False)
        config = GRPOConfig(
            **{
                **GRPO_DEFAULTS,
                **self.preset.grpo,
                "steps": steps,
                "max_new_tokens": self.preset.max_new_tokens,
                "reward_spec": self.preset.reward_spec,
                "output_dir": str(self.out / name),
                "seed": self.seed,
                "bf16": self.bf16,
                "use_chat_template": True,
            }
        )
        records = [p.record() for p in self.split.train]
        trainer = GRPOTrainer(policy, self.tokenizer, config, self.scorer, records, reference)
        trainer.train()
        trainer.save(self.out / name / "final")
        return policy

    def rejection_sample(self, model: Any) -> tuple[list[dict], int]:
        """k sampled completions for training prompts the cold start never saw, verified kept.

        The first ``cold_start_traces`` training problems already have their worked traces in
        the cold-start data, and a verified trace of this task is that same trace (one way to
        add column by column): sampling there would hand the student nothing it has not seen.
        """
        preset = self.preset
        unseen = self.split.train[preset.cold_start_traces :]
        records = [p.record() for p in unseen[: preset.rejection_prompts]]
        repeated = [r for r in records for _ in range(preset.samples_per_prompt)]
        params = SamplingParams(preset.max_new_tokens, preset.rejection_temperature)
        generator = self.generator(model)
        completions = complete(generator, self.tokenizer, repeated, params, use_chat_template=True)
        candidates = items_of(repeated, completions)
        verified = keep_correct(candidates, self.out / "rejection", self.scorer)
        (self.out / "rejection" / "verified.jsonl").write_text(
            "".join(json.dumps(row) + "\n" for row in verified)
        )
        return verified, len(candidates)

    # -- evaluation ------------------------------------------------------------------------
    def generator(self, model: Any) -> HFGenerator:
        return HFGenerator(model, self.tokenizer, autocast_for(self.device, self.bf16))

    def record(self, stage: str, model: Any, seconds: float, **extra: Any) -> dict[str, Any]:
        metrics = evaluate(
            self.generator(model),
            self.tokenizer,
            [p.record() for p in self.split.heldout],
            self.scorer,
            self.preset.reward_spec,
            self.preset.max_new_tokens,
            use_chat_template=True,
        )
        row = {"stage": stage, **metrics, "seconds": round(seconds, 1), **extra}
        self.log.write(row)
        print(json.dumps(row), flush=True)
        return row


def run_pipeline(
    preset: PipelinePreset,
    out: str | Path,
    url: str | None = None,
    device: str = "cpu",
    seed: int = 0,
    api_key: str | None = None,
) -> list[dict[str, Any]]:
    """The whole recipe against ``url``, or against a service started here on loopback."""
    from verireward.policy_client.reward_client import ClientOptions

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "preset.json").write_text(json.dumps({**asdict(preset), "seed": seed}, indent=2))
    with scoring_service(url) as live, RewardClient(live, ClientOptions(api_key=api_key)) as client:
        return Pipeline(preset, out, client, device, seed).run()
