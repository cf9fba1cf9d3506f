"""Supervised fine-tuning on prompt/response JSONL, loss on the response tokens only.

With ``verireward score --min-reward`` this covers R1's cold start (SFT on curated long
chains of thought), rejection sampling (keep only the completions the verifiers accept) and
distillation (SFT a small model on a large one's accepted outputs).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm
from verireward.policy_client.generation import autocast_for
from verireward.policy_client.prompts import PromptRecord, render

IGNORE = -100


@dataclass
class SFTConfig:
    epochs: int = 1
    batch_size: int = 8
    learning_rate: float = 1e-5
    max_length: int = 2048
    max_grad_norm: float = 1.0
    use_chat_template: bool = False  # False: the R1-Zero template around the prompt
    output_dir: str = "sft-out"
    seed: int = 0
    bf16: bool = False  # autocast to bf16 (GPU only)


def load_pairs(path: str | Path) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            if "prompt" not in row or ("response" not in row and "completion" not in row):
                raise ValueError(f"{path}:{number}: needs 'prompt' and 'response'")
            pairs.append((row["prompt"], row.get("response", row.get("completion"))))
    return pairs


def encode(
    tokenizer: Any, prompt: str, response: str, config: SFTConfig
) -> tuple[list[int], list[int]]:
    """Token ids and labels: the prompt's labels are ignored, the response ends with EOS."""
    prompt_text = render(PromptRecord(prompt), tokenizer, config.use_chat_template)
    prompt_ids = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    response_ids = tokenizer(" " + response, add_special_tokens=False)["input_ids"]
    response_ids = [*response_ids, tokenizer.eos_token_id]
    ids = (prompt_ids + response_ids)[: config.max_length]
    labels = ([IGNORE] * len(prompt_ids) + response_ids)[: config.max_length]
    return ids, labels


def train_sft(
    model: Any,
    tokenizer: Any,
    pairs: list[tuple[str, str]],
    config: SFTConfig,
    after_epoch: Callable[[int], bool] | None = None,
) -> list[float]:
    """Up to ``config.epochs`` epochs; ``after_epoch(epoch)`` (1-based) returning True stops
    early (the pipeline's cold start stops once a dev set is solved well enough)."""
    device = next(model.parameters()).device
    torch.manual_seed(config.seed)
    order = random.Random(config.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    encoded = [encode(tokenizer, p, r, config) for p, r in pairs]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    losses: list[float] = []
    model.train()
    for epoch in range(1, config.epochs + 1):
        order.shuffle(encoded)
        for start in tqdm(range(0, len(encoded), config.batch_size), desc="sft", unit="batch"):
            batch = encoded[start : start + config.batch_size]
            width = max(len(ids) for ids, _ in batch)
            ids = torch.tensor([i + [pad] * (width - len(i)) for i, _ in batch], device=device)
            labels = torch.tensor(
                [lab + [IGNORE] * (width - len(lab)) for _, lab in batch], device=device
            )
            attention = torch.tensor(
                [[1] * len(i) + [0] * (width - len(i)) for i, _ in batch], device=device
            )
            with autocast_for(device, config.bf16)():
                loss = model(input_ids=ids, attention_mask=attention, labels=labels).loss
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
            optimizer.step()
            losses.append(float(loss.detach()))
        if after_epoch is not None and after_epoch(epoch):
            break
    output = Path(config.output_dir)
    model.save_pretrained(output)
    tokenizer.save_pretrained(output)
    return losses
