"""``verireward-train pipeline``: the R1 recipe in miniature, one command."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any


def add_pipeline_parser(commands: Any) -> None:
    pipeline = commands.add_parser(
        "pipeline",
        help="cold start, GRPO, rejection sampling, distillation on a tiny model from scratch",
    )
    pipeline.add_argument(
        "--preset",
        default="tiny-arith",
        help="tiny-arith | tiny-arith-ci | tiny-arith-bilingual | tiny-arith-bilingual-nolang",
    )
    pipeline.add_argument("--out", default="pipeline-out", help="output directory")
    pipeline.add_argument("--url", help="a running verireward; default: start one on loopback")
    pipeline.add_argument("--api-key", help="bearer token of the service at --url")
    pipeline.add_argument("--device", default="cpu", help="cpu | cuda (bf16 where supported)")
    pipeline.add_argument("--seed", type=int, default=0)
    # one: the tiny model gains nothing from intra-op threads, and on a shared 2-core machine a
    # second one made an SFT batch ~10x slower (0.2-0.5 s vs 2.5-4 s, measured)
    pipeline.add_argument(
        "--threads", type=int, default=1, help="torch CPU threads (default 1; 0: torch's)"
    )


def run_pipeline_command(args: argparse.Namespace) -> int:
    import torch
    from verireward.policy_client.pipeline import run_pipeline
    from verireward.policy_client.pipeline_presets import preset

    if args.threads:
        torch.set_num_threads(args.threads)
    # SIGTERM unwinds like Ctrl-C, so the service this run started is stopped with it
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    rows = run_pipeline(
        preset(args.preset), args.out, args.url, args.device, args.seed, args.api_key
    )
    # the bilingual presets also report the language share, greedy and sampled
    extra = [key for key in ("language", "sampled_pass@1", "sampled_language") if key in rows[-1]]
    print(f"\n{'stage':<14} {'pass@1':>7} {'reward':>7} {'seconds':>8}", *extra)
    for row in rows:
        print(
            f"{row['stage']:<14} {row['pass@1']:>7.3f} {row['reward_mean']:>7.3f} "
            f"{row['seconds']:>8.1f}",
            *(f"{row.get(key, float('nan')):>{len(key)}.3f}" for key in extra),
        )
    print(f"\nwrote {args.out}/stages.jsonl and {args.out}/pipeline.png")
    return 0
