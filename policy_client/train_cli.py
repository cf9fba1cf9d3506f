"""``verireward-train grpo|sft``: the bundled trainers from the command line."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from verireward.policy_client.pipeline_cli import add_pipeline_parser, run_pipeline_command

TINY = "tiny"
MODEL_HELP = (
    "path or hub id (from_pretrained), or 'tiny': a small random Llama with a tokenizer built "
    "from the data's words (nothing downloaded)"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="verireward-train")
    commands = parser.add_subparsers(dest="command", required=True)
    grpo = commands.add_parser("grpo", help="GRPO against a verireward service")
    grpo.add_argument("--model", required=True, help=MODEL_HELP)
    grpo.add_argument("--data", required=True, help="JSONL: prompt + answer/tests/...")
    grpo.add_argument("--scorer", required=True, help="verireward URL, e.g. http://127.0.0.1:8000")
    grpo.add_argument("--out", required=True, help="output directory")
    grpo.add_argument("--resume", help="checkpoint directory to resume from")
    grpo.add_argument("--config", help="JSON of GRPOConfig fields, e.g. '{\"group_size\": 16}'")
    grpo.add_argument("--api-key", help="bearer token of the service")
    sft = commands.add_parser("sft", help="supervised fine-tuning on prompt/response JSONL")
    sft.add_argument("--model", required=True, help=MODEL_HELP)
    sft.add_argument("--data", required=True, help="JSONL: prompt + response")
    sft.add_argument("--out", required=True)
    sft.add_argument("--config", help="JSON of SFTConfig fields")
    for command in (grpo, sft):
        command.add_argument("--device", help="cpu | cuda (default: cuda when available)")
    add_pipeline_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "pipeline":
        return run_pipeline_command(args)
    return _grpo(args) if args.command == "grpo" else _sft(args)


def _load(model_path: str, device: str | None, texts: list[str]) -> tuple[Any, Any]:
    """``tiny``: the preset (random weights, tokenizer over ``texts``); else from_pretrained."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    if model_path == TINY:
        from verireward.policy_client.tiny_preset import tiny_model, tiny_tokenizer

        tokenizer = tiny_tokenizer(texts)
        return tiny_model(tokenizer).to(device), tokenizer
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(model_path, dtype=dtype).to(device)
    return model, AutoTokenizer.from_pretrained(model_path)


def _texts(path: str) -> list[str]:
    """Every string value of a JSONL file: the words the tiny preset's tokenizer must know."""
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    return [str(v) for row in rows for v in row.values() if isinstance(v, str | int | float)]


def _overrides(raw: str | None, config_type: type) -> dict[str, Any]:
    values = json.loads(raw) if raw else {}
    known = {f.name for f in dataclasses.fields(config_type)}
    unknown = set(values) - known
    if unknown:
        raise SystemExit(f"--config: unknown fields {sorted(unknown)}")
    return values


def _grpo(args: argparse.Namespace) -> int:
    from verireward.policy_client.grpo_config import GRPOConfig
    from verireward.policy_client.grpo_trainer import GRPOTrainer
    from verireward.policy_client.prompts import load_prompts
    from verireward.policy_client.reward_client import ClientOptions, RewardClient

    config = GRPOConfig(**{**_overrides(args.config, GRPOConfig), "output_dir": args.out})
    source = str(Path(args.resume) / "model") if args.resume else args.model
    model, tokenizer = _load(source, args.device, _texts(args.data))
    scorer = RewardClient(args.scorer, ClientOptions(api_key=args.api_key))
    trainer = GRPOTrainer(model, tokenizer, config, scorer, load_prompts(args.data))
    if args.resume:
        trainer.restore(args.resume)
    trainer.train(max(0, config.steps - trainer.step))
    trainer.save(Path(args.out) / "final")
    return 0


def _sft(args: argparse.Namespace) -> int:
    from verireward.policy_client.sft import SFTConfig, load_pairs, train_sft

    config = SFTConfig(**{**_overrides(args.config, SFTConfig), "output_dir": args.out})
    model, tokenizer = _load(args.model, args.device, _texts(args.data))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    losses = train_sft(model, tokenizer, load_pairs(args.data), config)
    print(f"sft: {len(losses)} batches, final loss {losses[-1]:.4f}" if losses else "sft: no data")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
