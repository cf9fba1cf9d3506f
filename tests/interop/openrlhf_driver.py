"""Runs OpenRLHF 0.11's own rollout-to-batch code against a live verireward (inside the
OpenRLHF venv that tests/interop/setup_venvs.sh builds). Only generation is canned.

    python openrlhf_driver.py URL SAMPLES.json  ->  prints one JSON report

Per sample: ``SingleTurnAgentExecutor.execute`` (tokenize, "generate", decode with special
tokens, ``_fetch_rewards_via_http`` to URL) and ``SamplesGenerator._process_response_into_
experience``; then, for micro-batches of 1, 4 and 8, ``Experience.concat_experiences`` (what
``RemoteExperienceMaker.split_rollout_samples`` does), ``split_experience_batch``,
``remove_padding_in_sequences`` and ``make_experience_batch`` (the replay buffer's path).
"""

from __future__ import annotations

import asyncio
import json
import sys
from types import SimpleNamespace

from openrlhf.trainer.ppo_utils.experience import (
    Experience,
    make_experience_batch,
    remove_padding_in_sequences,
    split_experience_batch,
)
from openrlhf.trainer.ppo_utils.samples_generator import SamplesGenerator
from openrlhf.utils.agent import SingleTurnAgentExecutor
from tiny_bpe import byte_level_tokenizer
from transformers import PreTrainedTokenizerFast
from vllm import SamplingParams


class CannedEngine:
    """Stands in for vLLM's generate: the canned response of each prompt, then EOS."""

    def __init__(self, tokenizer: PreTrainedTokenizerFast, responses: dict[str, str]) -> None:
        self.tokenizer = tokenizer
        self.by_ids = {
            tuple(tokenizer(text=p, add_special_tokens=False)["input_ids"]): r
            for p, r in responses.items()
        }

    async def generate(self, prompt_token_ids, sampling_params, multi_modal_data=None):
        text = self.by_ids[tuple(prompt_token_ids)] + "<|im_end|>"
        ids = self.tokenizer(text=text, add_special_tokens=False)["input_ids"]
        output = SimpleNamespace(token_ids=ids, finish_reason="stop", logprobs=None)
        return SimpleNamespace(outputs=[output])


def _flat(value) -> list[float]:
    # make_experience_batch keeps a list of per-sample tensors where values are tensors
    if isinstance(value, list):
        return [x for part in value for x in _flat(part)]
    return [float(x) for x in value.flatten().tolist()]


def main() -> None:
    url, samples_path = sys.argv[1], sys.argv[2]
    with open(samples_path) as handle:
        samples = json.load(handle)
    tokenizer = byte_level_tokenizer([s["prompt"] + s["response"] for s in samples])
    engine = CannedEngine(tokenizer, {s["prompt"]: s["response"] for s in samples})
    # what train_ppo_ray does with --reward.remote_url: split on commas into a list
    executor = SingleTurnAgentExecutor(remote_rm_url=url.split(","))

    async def rollout() -> list[dict]:
        return list(
            await asyncio.gather(
                *(
                    executor.execute(
                        s["prompt"],
                        s["label"],
                        SamplingParams(max_tokens=256),
                        1024,
                        tokenizer,
                        engine,
                    )
                    for s in samples
                )
            )
        )

    outputs = asyncio.run(rollout())
    generator = SamplesGenerator.__new__(SamplesGenerator)  # the method reads no state
    experiences = [generator._process_response_into_experience(o, max_len=1024) for o in outputs]
    report: dict = {
        "responses": [
            {"reward": o["reward"], "scores": o["scores"], "extra_logs": o["extra_logs"]}
            for o in outputs
        ],
        "micro_batches": {},
    }
    for size in (1, 4, 8):
        rows = []
        for start in range(0, len(experiences), size):
            chunk = Experience.concat_experiences(
                experiences[start : start + size], tokenizer.pad_token_id
            )
            items = remove_padding_in_sequences(split_experience_batch(chunk))
            batch = make_experience_batch(items)
            rows.append(
                {
                    "size": len(batch.sequences),
                    "info": {k: _flat(v) for k, v in sorted(batch.info.items())},
                    "rewards": batch.rewards.flatten().tolist(),
                    "scores": batch.scores.flatten().tolist(),
                }
            )
        report["micro_batches"][str(size)] = rows
    print(json.dumps(report))


if __name__ == "__main__":
    main()
