"""Held-out evaluation and sampling for rejection: completions from a ``Generator``, graded by
the service over HTTP.

pass@1 is greedy: one argmax completion per problem, correct when the ``math`` verifier says so
(the service's score 1.0). The mean reward is the pipeline's full reward (math + format).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from verireward.policy_client.generation import Generator, SamplingParams
from verireward.policy_client.grpo_math import completion_mask
from verireward.policy_client.prompts import PromptRecord, render


def complete(
    generator: Generator,
    tokenizer: Any,
    records: Sequence[PromptRecord],
    params: SamplingParams,
    batch_size: int = 128,
    use_chat_template: bool = False,
) -> list[str]:
    """One completion per record (repeat records to get several), text up to the first EOS.

    Prompts are rendered like the trainers do: the R1-Zero template, or the tokenizer's chat
    template with ``use_chat_template``."""
    tokenizer.padding_side = "left"
    texts: list[str] = []
    device = _device(generator)
    for start in range(0, len(records), batch_size):
        chunk = records[start : start + batch_size]
        prompts = [render(r, tokenizer, use_chat_template) for r in chunk]
        encoded = tokenizer(prompts, return_tensors="pt", padding=True)
        ids = generator.generate(
            encoded["input_ids"].to(device), encoded["attention_mask"].to(device), params
        )
        mask = completion_mask(ids, tokenizer.eos_token_id)
        texts += tokenizer.batch_decode(
            ids.masked_fill(mask == 0, tokenizer.pad_token_id), skip_special_tokens=True
        )
    return texts


def items_of(records: Sequence[PromptRecord], completions: Sequence[str]) -> list[dict]:
    """``/score`` items: the prompt, the completion and the record's fields (``answer``)."""
    return [
        {"prompt": r.prompt, "completion": c, **r.fields}
        for r, c in zip(records, completions, strict=True)
    ]


def summarize(scored: Sequence[Any]) -> dict[str, float]:
    """pass@1 (math passed), format rate and mean reward of scored items (NaN left out), and
    the mean ``language`` score when the spec ran that verifier (the share of the reasoning's
    words in the target language)."""
    rewards = [s.reward for s in scored if s.reward == s.reward]
    count = max(1, len(scored))
    summary = {
        "pass@1": sum(s.scores.get("math") == 1.0 for s in scored) / count,
        "format": sum(s.scores.get("format") == 1.0 for s in scored) / count,
        "reward_mean": sum(rewards) / len(rewards) if rewards else float("nan"),
        "unscored": len(scored) - len(rewards),
    }
    languages = [s.scores["language"] for s in scored if "language" in s.scores]
    if languages:
        summary["language"] = sum(languages) / len(languages)
    return summary


def evaluate(
    generator: Generator,
    tokenizer: Any,
    records: Sequence[PromptRecord],
    scorer: Any,
    reward_spec: dict | None,
    max_new_tokens: int,
    use_chat_template: bool = False,
) -> dict[str, float]:
    """Greedy held-out pass@1 and mean reward, graded by the service."""
    params = SamplingParams(max_new_tokens, greedy=True)
    completions = complete(
        generator, tokenizer, records, params, use_chat_template=use_chat_template
    )
    return summarize(scorer.score(items_of(records, completions), reward_spec))


def _device(generator: Generator) -> torch.device:
    model = getattr(generator, "model", None)
    return next(model.parameters()).device if model is not None else torch.device("cpu")
