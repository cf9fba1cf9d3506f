"""Per-step metrics as JSONL, and the PNG curves drawn from them."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

CURVES = ("reward_mean", "kl", "clip_fraction", "completion_length", "entropy", "loss")


class MetricsLog:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, metrics: dict[str, Any]) -> None:
        with self.path.open("a") as handle:
            handle.write(json.dumps(metrics) + "\n")

    def drop_after(self, step: int) -> None:
        """Forget rows past ``step`` (a resumed run re-runs them; the log keeps one per step)."""
        kept = [row for row in self.read() if row.get("step", 0) <= step]
        self.path.write_text("".join(json.dumps(row) + "\n" for row in kept))

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]


def plot_curves(rows: list[dict[str, Any]], png_path: str | Path) -> Path:
    """One panel per curve: reward and each reward component, KL, clip fraction, length, entropy."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    components = sorted({k for row in rows for k in row if k.startswith("reward/")})
    names = [CURVES[0], *components, *CURVES[1:]]
    columns = 3
    rows_needed = math.ceil(len(names) / columns)
    figure, axes = plt.subplots(rows_needed, columns, figsize=(4 * columns, 3 * rows_needed))
    steps = [row["step"] for row in rows]
    for axis, name in zip(axes.flat, names, strict=False):
        axis.plot(steps, [row.get(name, math.nan) for row in rows], marker=".")
        axis.set_title(name)
        axis.set_xlabel("step")
    for axis in list(axes.flat)[len(names) :]:
        axis.axis("off")
    figure.tight_layout()
    figure.savefig(png_path, dpi=80)
    plt.close(figure)
    return Path(png_path)
