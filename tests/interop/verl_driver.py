"""Runs verl 0.9's own reward code against a live verireward (inside the verl venv that
tests/interop/setup_venvs.sh builds), with the adapter file loaded by path as verl loads it.

    python verl_driver.py ADAPTER_PATH SAMPLES.json TOKENIZER_DIR  ->  prints one JSON report

A ``DataProto`` of left-padded prompts and right-padded responses with numpy ``reward_model``
and ``extra_info`` columns goes through (1) verl's reward loop worker (``RewardLoopWorker``:
``load_reward_manager`` -> ``NaiveRewardManager.run_single`` per sample, with
``reward.custom_reward_function.name=compute_score``) and the manager class's
``assemble_rm_scores``, and (2) the ``BatchRewardManager`` with ``compute_score_batch``.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import torch
from omegaconf import OmegaConf
from tiny_bpe import byte_level_tokenizer
from verl import DataProto
from verl.experimental.reward_loop.reward_loop import RewardLoopWorker
from verl.trainer.ppo.reward import get_custom_reward_fn, resolve_reward_manager_cls
from verl.utils.ray_utils import get_event_loop
from verl.workers.reward_manager.batch import BatchRewardManager


def config(adapter: str, name: str, tokenizer_dir: str):
    return OmegaConf.create(
        {
            "actor_rollout_ref": {"model": {"path": tokenizer_dir, "tokenizer_path": None}},
            "reward": {
                "custom_reward_function": {"path": adapter, "name": name, "reward_kwargs": {}},
                "reward_manager": {"source": "register", "name": "naive", "module": None},
                "reward_model": {"enable": False, "model_path": None},
                "sandbox_fusion": None,
            },
        }
    )


def _objects(values: list) -> np.ndarray:
    """A 1-D numpy object array, as verl's datasets give (never an array of arrays)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def data_proto(tokenizer, samples: list[dict]) -> DataProto:
    prompts = [tokenizer(text=s["prompt"], add_special_tokens=False)["input_ids"] for s in samples]
    responses = [
        tokenizer(text=s["response"] + "<|im_end|>", add_special_tokens=False)["input_ids"]
        for s in samples
    ]
    width_p, width_r = max(map(len, prompts)), max(map(len, responses)) + 3
    pad = tokenizer.pad_token_id
    p = torch.tensor([[pad] * (width_p - len(x)) + x for x in prompts])
    r = torch.tensor([x + [pad] * (width_r - len(x)) for x in responses])
    mask = torch.tensor(
        [
            [0] * (width_p - len(a)) + [1] * (len(a) + len(b)) + [0] * (width_r - len(b))
            for a, b in zip(prompts, responses, strict=True)
        ]
    )
    return DataProto.from_dict(
        tensors={
            "prompts": p,
            "responses": r,
            "input_ids": torch.cat([p, r], 1),
            "attention_mask": mask,
        },
        non_tensors={
            "data_source": np.array([s["data_source"] for s in samples], dtype=object),
            "reward_model": _objects(
                [
                    {
                        "ground_truth": np.array(s["ground_truth"])
                        if s.get("as_array")
                        else s["ground_truth"],
                        "style": "rule",
                    }
                    for s in samples
                ]
            ),
            "extra_info": _objects([dict(s["extra_info"]) for s in samples]),
        },
    )


def last_token_scores(tensor: torch.Tensor) -> list[dict]:
    """Where each row's non-zero reward sits, and its value."""
    rows = []
    for row in tensor:
        nonzero = torch.nonzero(row).flatten().tolist()
        rows.append({"positions": nonzero, "value": float(row.sum())})
    return rows


def main() -> None:
    adapter, samples_path, tokenizer_dir = sys.argv[1:4]
    with open(samples_path) as handle:
        samples = json.load(handle)
    tokenizer = byte_level_tokenizer([s["prompt"] + s["response"] for s in samples])
    tokenizer.save_pretrained(tokenizer_dir)  # the reward loop worker loads it by path
    data = data_proto(tokenizer, samples)
    valid = data.batch["attention_mask"][:, data.batch["prompts"].shape[1] :].sum(-1).tolist()

    loop_config = config(adapter, "compute_score", tokenizer_dir)
    worker = RewardLoopWorker(loop_config)
    outputs = get_event_loop().run_until_complete(worker.compute_score_batch(data))
    scores = [o["reward_score"] for o in outputs]
    rm_scores = resolve_reward_manager_cls(loop_config).assemble_rm_scores(data, scores)

    batch_fn = get_custom_reward_fn(config(adapter, "compute_score_batch", tokenizer_dir))
    manager = BatchRewardManager(tokenizer, num_examine=0, compute_score=batch_fn)
    batch_out = manager(data, return_dict=True)
    print(
        json.dumps(
            {
                "valid_response_lengths": valid,
                "reward_loop": last_token_scores(rm_scores),
                "batch_manager": last_token_scores(batch_out["reward_tensor"]),
            }
        )
    )


if __name__ == "__main__":
    main()
