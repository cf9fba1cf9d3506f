"""Where completions come from: one small interface, today backed by transformers ``generate``.

The trainer and the evaluation only call ``Generator.generate``; an inference engine (vLLM,
SGLang) can be added as another class with the same method, syncing the policy's weights
before each call, without touching the loop.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Protocol

import torch


@dataclass(frozen=True)
class SamplingParams:
    max_new_tokens: int
    temperature: float = 1.0
    top_p: float = 1.0
    greedy: bool = False  # argmax decoding (evaluation); temperature/top_p then unused


class Generator(Protocol):
    def generate(
        self, prompt_ids: torch.Tensor, prompt_mask: torch.Tensor, params: SamplingParams
    ) -> torch.Tensor:
        """Completion token ids (N, T) for left-padded prompts (N, P), right-padded with pad.

        Example::

            ids = generator.generate(encoded.input_ids, encoded.attention_mask,
                                     SamplingParams(max_new_tokens=32))
        """
        ...


class HFGenerator:
    """``model.generate`` of transformers, in eval mode, under the trainer's autocast."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        autocast: Any = None,
    ) -> None:
        self.model, self.tokenizer = model, tokenizer
        self._autocast = autocast or (lambda: nullcontext())

    @torch.no_grad()
    def generate(
        self, prompt_ids: torch.Tensor, prompt_mask: torch.Tensor, params: SamplingParams
    ) -> torch.Tensor:
        was_training = self.model.training
        self.model.eval()
        sampling: dict[str, Any] = (
            {"do_sample": False}
            if params.greedy
            else {"do_sample": True, "temperature": params.temperature, "top_p": params.top_p}
        )
        context: AbstractContextManager = self._autocast()
        with context:
            output = self.model.generate(
                input_ids=prompt_ids,
                attention_mask=prompt_mask,
                max_new_tokens=params.max_new_tokens,
                pad_token_id=self.tokenizer.pad_token_id,
                eos_token_id=self.tokenizer.eos_token_id,
                # the tiny preset's generation config has none of these; silence the defaults
                top_k=None,
                **sampling,
            )
        self.model.train(was_training)
        return output[:, prompt_ids.shape[1] :]


def pad_right(chunks: list[torch.Tensor], pad_id: int) -> torch.Tensor:
    """Stack (n_i, T_i) completion chunks into one (sum n_i, max T_i), padding on the right."""
    width = max(chunk.shape[1] for chunk in chunks)
    padded = [
        torch.nn.functional.pad(chunk, (0, width - chunk.shape[1]), value=pad_id)
        for chunk in chunks
    ]
    return torch.cat(padded, dim=0)


def autocast_for(device: torch.device, bf16: bool) -> Any:
    """A factory of the autocast context for ``device``: bf16 on a GPU when asked, else none."""
    if device.type == "cuda" and bf16:
        return lambda: torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return lambda: nullcontext()
