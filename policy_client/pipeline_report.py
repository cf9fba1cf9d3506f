"""The pipeline's per-stage results: one JSONL row per stage and one PNG of them."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any


class StageLog:
    """``stages.jsonl`` of one run (a new run starts it afresh)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("")

    def write(self, row: dict[str, Any]) -> None:
        with self.path.open("a") as handle:
            handle.write(json.dumps(row) + "\n")

    def read(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]


def plot_stages(rows: list[dict[str, Any]], png_path: str | Path) -> Path:
    """Held-out pass@1 and mean reward after each stage, and the RL stages' reward curves."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(png_path)
    figure, (stages, curves) = plt.subplots(1, 2, figsize=(11, 3.8))
    names = [row["stage"] for row in rows]
    positions = range(len(rows))
    keys = [("pass@1", "o"), ("reward_mean", "s"), ("sampled_language", "^")]
    for key, marker in [(k, m) for k, m in keys if any(k in row for row in rows)]:
        stages.plot(positions, [row.get(key, math.nan) for row in rows], marker=marker, label=key)
    for x, row in zip(positions, rows, strict=True):
        stages.annotate(
            f"{row['pass@1']:.2f}",
            (x, row["pass@1"]),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=8,
        )
    stages.set_xticks(list(positions), names, rotation=20)
    stages.set_ylim(0, 1.3)
    stages.set_title("held-out (greedy) after each stage")
    stages.legend(loc="upper left")
    for name in ("grpo", "final_grpo"):
        metrics = out.parent / name / "metrics.jsonl"
        if metrics.exists():
            steps = [json.loads(line) for line in metrics.read_text().splitlines() if line]
            curves.plot(
                [s["step"] for s in steps],
                [s.get("reward/math") for s in steps],
                label=f"{name}: train math reward",
            )
    curves.set_xlabel("GRPO step")
    curves.set_title("sampled training reward (math)")
    curves.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(out, dpi=90)
    plt.close(figure)
    return out
