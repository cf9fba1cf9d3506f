"""Prompt datasets (JSONL) and the prompt templates of the R1 paper."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# DeepSeek-R1-Zero's template (Table 1 of the paper); {prompt} is the question.
R1_ZERO_TEMPLATE = (
    "A conversation between User and Assistant. The user asks a question, and the Assistant "
    "solves it. The assistant first thinks about the reasoning process in the mind and then "
    "provides the user with the answer. The reasoning process and answer are enclosed within "
    "<think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning "
    "process here </think> <answer> answer here </answer>. User: {prompt}. Assistant:"
)


@dataclass(frozen=True)
class PromptRecord:
    prompt: str
    fields: dict[str, Any] = field(default_factory=dict)  # answer, tests, language... for /score


def load_prompts(path: str | Path) -> list[PromptRecord]:
    records = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if "prompt" not in row:
            raise ValueError(f"{path}:{number}: every line needs a 'prompt'")
        prompt = row.pop("prompt")
        records.append(PromptRecord(prompt, row))
    return records


def render(record: PromptRecord, tokenizer: Any, use_chat_template: bool) -> str:
    if use_chat_template:
        messages = [{"role": "user", "content": record.prompt}]
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return R1_ZERO_TEMPLATE.format(prompt=record.prompt)


def batches(records: list[PromptRecord], size: int, seed: int) -> Iterator[list[PromptRecord]]:
    """Endless shuffled batches (a new permutation per epoch)."""
    chooser = random.Random(seed)
    while True:
        order = list(records)
        chooser.shuffle(order)
        for start in range(0, len(order) - size + 1, size):
            yield order[start : start + size]
        if len(order) < size:
            yield (order * size)[:size]
