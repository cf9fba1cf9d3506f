"""``verireward score``: offline scoring, rejection sampling and bad-line reporting."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

R1 = "<think>2+2=4</think><answer>4</answer>"


def run_score(tmp_path: Path, lines: list[str], *extra: str) -> tuple[list[dict], str]:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "verireward.service.cli",
            "score",
            str(source),
            "-o",
            str(out),
            "--no-progress",
            *extra,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in out.read_text().splitlines()], done.stderr


def test_scores_file_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 1, "completion": R1, "source": "gsm8k"}),
        "{not json",
        json.dumps({"id": 2, "completion": "no tags"}),
        json.dumps({"id": 3}),  # no completion
        "",
    ]
    written, stderr = run_score(tmp_path, lines)
    assert [(r["id"], r["reward"]) for r in written] == [(1, 0.1), (2, 0.0)]
    assert written[0]["source"] == "gsm8k"  # input columns are kept
    assert written[0]["details"]["format"]["reason"] == "r1_template"
    assert "line 2: skipped" in stderr and "line 4: skipped" in stderr
    assert "read 4, scored 2, wrote 2, skipped 2 bad lines" in stderr


def test_min_reward_keeps_only_good_items(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i, "completion": R1 if i % 3 == 0 else "x"}) for i in range(9)]
    written, _ = run_score(
        tmp_path, lines, "--min-reward", "1", "--reward", '{"weights": {"format": 1}}'
    )
    assert [r["id"] for r in written] == [0, 3, 6]


def test_bad_reward_spec_exits_2(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("{}\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "verireward.service.cli",
            "score",
            str(source),
            "-o",
            "-",
            "--reward",
            '{"weights": {"nope": 1}}',
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "nope" in done.stderr
