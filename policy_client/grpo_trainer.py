"""GRPO (DeepSeekMath / R1) against a verireward service, reading like the algorithm box:

for each step:
    1. sample G completions for each of B prompts          (sample_and_score)
    2. score them over HTTP, each group while the next      (OverlappedScorer)
       prompts are still being sampled
    3. group-normalised advantages                          (group_advantages)
    4. old and reference log-probs, without gradients       (token_logps)
    5. num_iterations clipped-surrogate updates + β·KL      (update)
    6. log metrics, checkpoint                              (MetricsLog, save)
"""

from __future__ import annotations

import copy
import math
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm
from verireward.policy_client.generation import Generator, HFGenerator, SamplingParams, pad_right
from verireward.policy_client.grpo_config import GRPOConfig
from verireward.policy_client.grpo_math import (
    aggregate_loss,
    clipped_surrogate,
    completion_mask,
    group_advantages,
    kl_k3,
)
from verireward.policy_client.overlap import OverlappedScorer
from verireward.policy_client.prompts import PromptRecord, batches, render
from verireward.policy_client.reward_client import RewardClient
from verireward.policy_client.training_log import MetricsLog, plot_curves


class GRPOTrainer:
    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        config: GRPOConfig,
        scorer: RewardClient,
        prompts: list[PromptRecord],
        ref_model: Any = None,
        generator: Generator | None = None,
    ) -> None:
        self.model, self.tokenizer, self.config, self.scorer = model, tokenizer, config, scorer
        self.device = next(model.parameters()).device
        self.on_gpu = self.device.type == "cuda"
        torch.manual_seed(config.seed)
        random.seed(config.seed)
        if self.on_gpu and config.gradient_checkpointing:
            # transformers 5 renamed it; 4.x only has the old name
            enable = getattr(model, "activation_checkpointing_enable", None)
            (enable or model.gradient_checkpointing_enable)()
        self.ref_model = ref_model
        if config.beta > 0 and ref_model is None:
            self.ref_model = copy.deepcopy(model).eval().requires_grad_(False)
        tokenizer.padding_side = "left"
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        self.optimizer = torch.optim.AdamW(
            model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
        )
        warmup = max(1, config.warmup_steps)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda s: min(1.0, (s + 1) / warmup)
        )
        self.generator = generator or HFGenerator(model, tokenizer, self._autocast)
        self.prompts = prompts
        self.step = 0
        self.batches: Iterator[list[PromptRecord]] = batches(
            prompts, config.prompts_per_step, config.seed
        )
        self.log = MetricsLog(Path(config.output_dir) / "metrics.jsonl")

    # -- the loop ----------------------------------------------------------------------------
    def train(self, steps: int | None = None) -> list[dict[str, Any]]:
        history = []
        for _ in tqdm(range(steps or self.config.steps), desc="grpo", unit="step"):
            metrics = self.train_step(next(self.batches))
            history.append(metrics)
            self.log.write(metrics)
            if self.config.save_every and self.step % self.config.save_every == 0:
                self.save(Path(self.config.output_dir) / f"checkpoint-{self.step}")
        if history:
            plot_curves(self.log.read(), Path(self.config.output_dir) / "curves.png")
        return history

    def train_step(self, records: list[PromptRecord]) -> dict[str, Any]:
        config, start = self.config, time.perf_counter()
        # 1-2. sample G completions per prompt; each group is scored over HTTP while the next
        # prompts are sampled
        prompt_ids, prompt_mask, completion_ids, scored, waited = self.sample_and_score(records)
        mask = completion_mask(completion_ids, self.tokenizer.eos_token_id)
        rewards = torch.tensor([s.reward for s in scored], dtype=torch.float32)
        # 3. group-normalised advantages (NaN rewards masked out)
        advantages, valid = group_advantages(rewards, config.group_size, config.scale_rewards)
        mask = mask * valid.to(mask.device).unsqueeze(1).long()
        advantages = advantages.to(self.device)
        # 4. old and reference log-probs
        input_ids = torch.cat([prompt_ids, completion_ids], dim=1)
        attention = torch.cat([prompt_mask, mask], dim=1)
        with torch.no_grad():
            old_logps, _ = self.token_logps(self.model, input_ids, attention, mask.shape[1])
            ref_logps = None
            if config.beta > 0:
                ref_logps, _ = self.token_logps(self.ref_model, input_ids, attention, mask.shape[1])
        # 5. clipped-surrogate updates with the KL penalty
        for _ in range(config.num_iterations):
            stats = self.update(input_ids, attention, mask, advantages, old_logps, ref_logps)
        self.step += 1
        # 6. metrics
        stats = {**stats, "score_wait_seconds": round(waited, 4)}
        return self._metrics(rewards, scored, mask, stats, time.perf_counter() - start)

    # -- the pieces --------------------------------------------------------------------------
    def sample_and_score(
        self, records: list[PromptRecord]
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, list[Any], float]:
        """Prompt ids and mask (B*G, P), completions (B*G, T), their scores in order, and the
        seconds spent waiting for scores after the last group was sampled."""
        config, group = self.config, self.config.group_size
        texts = [render(r, self.tokenizer, config.use_chat_template) for r in records]
        encoded = self.tokenizer(texts, return_tensors="pt", padding=True)
        prompt_ids = encoded["input_ids"].repeat_interleave(group, 0).to(self.device)
        prompt_mask = encoded["attention_mask"].repeat_interleave(group, 0).to(self.device)
        owners = [r for r in records for _ in range(group)]
        chunk = config.prompts_per_generate * group if config.overlap_scoring else len(owners)
        params = SamplingParams(config.max_new_tokens, config.temperature, config.top_p)
        chunks = []
        with OverlappedScorer(self.scorer.score, config.reward_spec) as scorer:
            for first in range(0, len(owners), chunk):
                part = slice(first, first + chunk)
                ids = self.generator.generate(prompt_ids[part], prompt_mask[part], params)
                chunks.append(ids)
                scorer.submit(self._items(owners[part], ids))
            waiting = time.perf_counter()
            scored = scorer.collect()
            waited = time.perf_counter() - waiting
        completion_ids = pad_right(chunks, self.tokenizer.pad_token_id)
        return prompt_ids, prompt_mask, completion_ids, scored, waited

    def _items(self, owners: list[PromptRecord], completion_ids: torch.Tensor) -> list[dict]:
        """The /score items of sampled completions (text up to the first EOS)."""
        mask = completion_mask(completion_ids, self.tokenizer.eos_token_id)
        texts = self.tokenizer.batch_decode(
            completion_ids.masked_fill(mask == 0, self.tokenizer.pad_token_id),
            skip_special_tokens=True,
        )
        return [
            {"prompt": p.prompt, "completion": t, **p.fields}
            for p, t in zip(owners, texts, strict=True)
        ]

    def token_logps(
        self, model: Any, input_ids: torch.Tensor, attention: torch.Tensor, completion_len: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Log-probs and entropies of the completion tokens, micro-batched: (N, T) each."""
        logps, entropies = [], []
        size = self.config.micro_batch_size
        for start in range(0, input_ids.shape[0], size):
            ids, att = input_ids[start : start + size], attention[start : start + size]
            lp, ent = self._forward(model, ids, att, completion_len)
            logps.append(lp)
            entropies.append(ent)
        return torch.cat(logps), torch.cat(entropies)

    def _forward(
        self, model: Any, ids: torch.Tensor, att: torch.Tensor, completion_len: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        with self._autocast():
            logits = model(input_ids=ids, attention_mask=att).logits
        logits = logits[:, -completion_len - 1 : -1].float() / self.config.temperature
        log_probs = torch.log_softmax(logits, dim=-1)
        targets = ids[:, -completion_len:]
        token_logps = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        entropy = -(log_probs.exp() * log_probs).sum(-1)
        return token_logps, entropy.detach()

    def update(
        self,
        input_ids: torch.Tensor,
        attention: torch.Tensor,
        mask: torch.Tensor,
        advantages: torch.Tensor,
        old_logps: torch.Tensor,
        ref_logps: torch.Tensor | None,
    ) -> dict[str, float]:
        config, count = self.config, input_ids.shape[0]
        total_tokens = mask.sum().clamp(min=1)
        self.optimizer.zero_grad(set_to_none=True)
        sums = {"loss": 0.0, "kl": 0.0, "clip_fraction": 0.0, "entropy": 0.0}
        for start in range(0, count, config.micro_batch_size):
            part = slice(start, start + config.micro_batch_size)
            logps, entropy = self._forward(
                self.model, input_ids[part], attention[part], mask.shape[1]
            )
            per_token, clipped = clipped_surrogate(
                logps, old_logps[part], advantages[part], config.epsilon, config.epsilon_high
            )
            kl = kl_k3(logps, ref_logps[part]) if ref_logps is not None else torch.zeros_like(logps)
            per_token = per_token + config.beta * kl
            part_mask = mask[part]
            # weight each micro-batch so the sum equals the full-batch aggregate
            weight = (
                part_mask.sum() / total_tokens
                if config.loss_type == "dapo"
                else torch.tensor(part_mask.shape[0] / count)
            )
            loss = aggregate_loss(per_token, part_mask, config.loss_type, mask.shape[1]) * weight
            loss.backward()
            tokens = part_mask.sum().clamp(min=1)
            share = float(part_mask.sum() / total_tokens)
            sums["loss"] += float(loss.detach())
            for name, value in (("kl", kl), ("clip_fraction", clipped), ("entropy", entropy)):
                sums[name] += float((value.detach() * part_mask).sum() / tokens) * share
        grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), config.max_grad_norm)
        self.optimizer.step()
        self.scheduler.step()
        return {**sums, "grad_norm": float(grad_norm)}

    def _metrics(
        self,
        rewards: torch.Tensor,
        scored: list[Any],
        mask: torch.Tensor,
        stats: dict[str, float],
        seconds: float,
    ) -> dict[str, Any]:
        finite = rewards[~torch.isnan(rewards)]
        metrics: dict[str, Any] = {
            "step": self.step,
            "reward_mean": float(finite.mean()) if len(finite) else math.nan,
            "reward_std": float(finite.std()) if len(finite) > 1 else 0.0,
            "nan_rewards": int(torch.isnan(rewards).sum()),
            "completion_length": float(mask.sum(1).float().mean()),
            "lr": self.scheduler.get_last_lr()[0],
            "seconds": round(seconds, 3),
            **stats,
        }
        names = {name for s in scored for name in s.scores}
        for name in sorted(names):
            values = [s.scores[name] for s in scored if name in s.scores]
            metrics[f"reward/{name}"] = sum(values) / len(values)
        return metrics

    def _autocast(self) -> Any:
        if self.on_gpu and self.config.bf16:
            return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
        return torch.autocast(device_type="cpu", enabled=False)

    # -- checkpoints -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        directory = Path(directory)
        self.model.save_pretrained(directory / "model")
        self.tokenizer.save_pretrained(directory / "model")
        torch.save(
            {
                "step": self.step,
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
                "rng": {
                    "torch": torch.get_rng_state(),
                    "python": random.getstate(),
                    "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
                },
            },
            directory / "trainer_state.pt",
        )
        return directory

    def restore(self, directory: str | Path) -> None:
        """Resume from ``save``: the model must already be loaded from ``directory/model``."""
        state = torch.load(Path(directory) / "trainer_state.pt", weights_only=False)
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.step = state["step"]
        torch.set_rng_state(state["rng"]["torch"])
        random.setstate(state["rng"]["python"])
        if state["rng"]["cuda"]:
            torch.cuda.set_rng_state_all(state["rng"]["cuda"])
        self.batches = batches(self.prompts, self.config.prompts_per_step, self.config.seed)
        for _ in range(self.step):  # the data order continues where it stopped
            next(self.batches)
        self.log.drop_after(self.step)  # steps past the checkpoint are re-run, not repeated
