"""DeepSeek-R1's recipe in miniature, on ``tiny-arith``, graded by a verireward service:

    0. a tiny model from scratch (random weights, tokenizer built here)
    1. cold start        SFT on a few hundred worked traces, epoch by epoch until greedy
                         pass@1 on held-back dev problems reaches a floor (solves some, not most)
    2. reasoning RL      GRPO with the service's math + format rewards, KL to the cold start
    3. rejection         sample k completions per training prompt from the RL model,
                         keep the verified ones (``verireward score --correct-only``)
    4. distillation      SFT a fresh copy of the cold-start model on those traces only
    5. RL again          (optional) GRPO from the student

After every stage: greedy pass@1 and mean reward on held-out problems, one row of
``stages.jsonl``, and at the end ``pipeline.png``. The bilingual presets stop after stage 2 and
also report the held-out language share, greedy and sampled (``bilingual.py``).
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch
from verireward.policy_client.arith_task import (
    CHAT_TEMPLATE,
    Problem,
    make_split,
    trace,
    vocabulary_texts,
)
from verireward.policy_client.bilingual import bilingual_vocabulary_texts, mixed_traces
from verireward.policy_client.evaluation import complete, evaluate, items_of, summarize
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
        needed = preset.cold_start_traces + preset.rejection_prompts + preset.dev_problems
        if needed > preset.n_train:
            raise ValueError(
                f"{preset.name}: {preset.cold_start_traces} cold-start traces, "
                f"{preset.rejection_prompts} rejection prompts and {preset.dev_problems} dev "
                f"problems need as many training problems, not {preset.n_train}"
            )
        self.split = make_split(preset.n_train, preset.n_heldout, seed, preset.digits)
        # the dev problems decide when the cold start stops, so no stage trains on them
        cut = preset.n_train - preset.dev_problems
        self.train, self.dev = self.split.train[:cut], self.split.train[cut:]
        texts = bilingual_vocabulary_texts() if preset.trace_language else vocabulary_texts()
        self.tokenizer = tiny_tokenizer(texts)
        self.tokenizer.chat_template = CHAT_TEMPLATE  # every stage prompts through it
        self.log = StageLog(self.out / "stages.jsonl")

    # -- the recipe ------------------------------------------------------------------------
    def run(self) -> list[dict[str, Any]]:
        preset = self.preset
        model = tiny_model(self.tokenizer, seed=self.seed, **preset.model).to(self.device)
        self.record("init", model, 0.0)
        # 1. cold start: SFT on a few hundred worked traces, until a dev set is solved enough
        cold = self.stage("cold_start", self.cold_start, model)
        # 2. reasoning RL: GRPO with the service's rewards, KL to the cold-start model
        rl = self.stage("grpo", self.grpo, cold, preset.grpo_steps, "grpo")
        if preset.rejection_prompts:
            # 3. rejection sampling from the RL model, verified by the service's verifiers;
            # 4. distillation: a fresh copy of the cold-start model, SFT on those traces only
            student = self.stage("rejection_sft", self.distill, cold, rl)
            # 5. optionally RL again, from the student
            if preset.final_grpo_steps:
                steps = preset.final_grpo_steps
                self.stage("final_grpo", self.grpo, student, steps, "final_grpo")
        plot_stages(self.log.read(), self.out / "pipeline.png")
        return self.log.read()

    def stage(self, name: str, train: Callable[..., tuple[Any, dict]], *args: Any) -> Any:
        """Run one stage, then evaluate its model on the held-out set (one stages.jsonl row)."""
        started = time.perf_counter()
        model, extra = train(*args)
        self.record(name, model, time.perf_counter() - started, **extra)
        return model

    # -- the stages ------------------------------------------------------------------------
    def cold_start(self, model: Any) -> tuple[Any, dict[str, Any]]:
        """SFT on the worked traces until the dev problems' greedy pass@1 reaches the floor.

        The dev pass@1 after every epoch goes to ``cold_start/dev.jsonl``. The floor, not a
        number of epochs, is the recipe: how fast a model from scratch learns depends on its
        seed, and RL needs a start that solves some problems, not most.
        """
        preset, history = self.preset, []
        log = StageLog(self.out / "cold_start" / "dev.jsonl")

        def enough(trained: Any, epoch: int) -> bool:
            history.append(self.measure(trained, self.dev)["pass@1"])
            log.write({"epoch": epoch, "dev_pass@1": history[-1]})
            return history[-1] >= preset.cold_start_floor

        pairs = self.traces(preset.cold_start_traces)
        # no dev problems: no rule to apply, the cold start runs its `cold_start_epochs`
        rule = enough if self.dev else None
        cold = self.sft(model, pairs, preset.cold_start_epochs, "cold_start", None, rule)
        extra = {"examples": len(pairs), "epochs": len(history) or preset.cold_start_epochs}
        return cold, {**extra, "dev_pass@1": history[-1] if history else None}

    def traces(self, count: int) -> list[tuple[str, str]]:
        """The first ``count`` training problems' worked traces, also kept in the run's dir.

        With ``trace_language`` they are said in words, ``wrong_language_share`` of them in
        ``wrong_language`` (the bilingual variant)."""
        preset, problems = self.preset, self.train[:count]
        if preset.trace_language:
            rows = mixed_traces(
                problems,
                preset.trace_language,
                preset.wrong_language,
                preset.wrong_language_share,
                self.seed,
            )
        else:
            rows = [(p.question, trace(p), None) for p in problems]
        (self.out / "cold_start_traces.jsonl").write_text(
            "".join(
                json.dumps({"prompt": q, "response": r, **({"language": lang} if lang else {})})
                + "\n"
                for q, r, lang in rows
            )
        )
        return [(q, r) for q, r, _ in rows]

    def sft(
        self,
        start: Any,
        pairs: list[tuple[str, str]],
        epochs: int,
        name: str,
        learning_rate: float | None = None,
        after_epoch: Callable[[Any, int], bool] | None = None,
    ) -> Any:
        """A copy of ``start`` fine-tuned on ``pairs`` (``start`` itself is left as it was);
        ``after_epoch(model, epoch)`` returning True stops it early."""
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
        hook = (lambda epoch: after_epoch(model, epoch)) if after_epoch else None
        if pairs:
            train_sft(model, self.tokenizer, pairs, config, hook)
        return model

    def grpo(self, start: Any, steps: int, name: str) -> tuple[Any, dict[str, Any]]:
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
        records = [p.record() for p in self.train]
        trainer = GRPOTrainer(policy, self.tokenizer, config, self.scorer, records, reference)
        trainer.train()
        trainer.save(self.out / name / "final")
        return policy, {"steps": steps}

    def distill(self, cold: Any, teacher: Any) -> tuple[Any, dict[str, Any]]:
        """R1's stage 3 and its distillation: verified samples of ``teacher``, SFT of ``cold``."""
        verified, sampled = self.rejection_sample(teacher)
        pairs = [(row["prompt"], row["completion"].strip()) for row in verified]
        preset = self.preset
        student = self.sft(
            cold, pairs, preset.distill_epochs, "distill", preset.distill_learning_rate
        )
        return student, {"examples": len(pairs), "sampled": sampled}

    def rejection_sample(self, model: Any) -> tuple[list[dict], int]:
        """k sampled completions for training prompts the cold start never saw, verified kept.

        The first ``cold_start_traces`` training problems already have their worked traces in
        the cold-start data, and a verified trace of this task is that same trace (one way to
        add column by column): sampling there would hand the student nothing it has not seen.
        """
        preset = self.preset
        unseen = self.train[preset.cold_start_traces :][: preset.rejection_prompts]
        candidates = self.sample_items(
            model, unseen, preset.samples_per_prompt, preset.rejection_temperature
        )
        verified = keep_correct(candidates, self.out / "rejection", self.scorer)
        (self.out / "rejection" / "verified.jsonl").write_text(
            "".join(json.dumps(row) + "\n" for row in verified)
        )
        return verified, len(candidates)

    def sample_items(
        self, model: Any, problems: list[Problem], k: int, temperature: float
    ) -> list[Any]:
        """``k`` completions of each problem sampled at ``temperature``, as items to score."""
        records = [p.record() for p in problems for _ in range(k)]
        params = SamplingParams(self.preset.max_new_tokens, temperature)
        completions = complete(
            self.generator(model), self.tokenizer, records, params, use_chat_template=True
        )
        return items_of(records, completions)

    # -- evaluation ------------------------------------------------------------------------
    def generator(self, model: Any) -> HFGenerator:
        return HFGenerator(model, self.tokenizer, autocast_for(self.device, self.bf16))

    def measure(self, model: Any, problems: list[Problem]) -> dict[str, float]:
        """Greedy pass@1 and mean reward on ``problems``, graded by the service."""
        return evaluate(
            self.generator(model),
            self.tokenizer,
            [p.record() for p in problems],
            self.scorer,
            self.preset.reward_spec,
            self.preset.max_new_tokens,
            use_chat_template=True,
        )

    def sampled(self, model: Any, problems: list[Problem]) -> dict[str, float]:
        """Pass rate and language share of ``sampled_eval`` samples (T=1) per problem: what
        RL sees, where greedy decoding hides a minority language behind the likeliest one."""
        items = self.sample_items(model, problems, self.preset.sampled_eval, temperature=1.0)
        summary = summarize(self.scorer.score(items, self.preset.reward_spec))
        return {f"sampled_{key}": value for key, value in summary.items() if key != "unscored"}

    def record(self, stage: str, model: Any, seconds: float, **extra: Any) -> dict[str, Any]:
        metrics = self.measure(model, self.split.heldout)
        if self.preset.sampled_eval:
            metrics.update(self.sampled(model, self.split.heldout))
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
