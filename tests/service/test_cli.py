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
    assert "line 2: skipped: invalid JSON" in stderr
    assert "line 4: skipped: completion: Field required" in stderr
    assert "read 4, scored 2, wrote 2, skipped 2 bad lines" in stderr
    assert "mean reward 0.0500 over 2 non-null" in stderr
    assert "format: pass 50.0% (1/2)" in stderr


def test_bad_lines_name_the_field(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 1, "completion": R1, "answer": ["4"]}),
        json.dumps([1, 2]),
        json.dumps({"id": {"nested": 1}, "completion": R1}),
    ]
    written, stderr = run_score(tmp_path, lines)
    assert written == []
    assert "line 1: skipped: answer: Input should be a valid string" in stderr
    assert "line 2: skipped: not a JSON object" in stderr
    assert "line 3: skipped: id: " in stderr and "completion" not in stderr


def test_correct_only_ignores_format_and_masks_nulls(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "right+format", "completion": R1, "answer": 4}),
        json.dumps({"id": "right-format", "completion": "<answer>4</answer>", "answer": "4"}),
        json.dumps({"id": "wrong+format", "completion": R1, "answer": "5"}),
        json.dumps({"id": "format-only", "completion": R1}),  # no correctness verifier ran
        json.dumps({"id": "bad-ref", "completion": R1, "answer": "\\frac{1}{"}),
    ]
    written, stderr = run_score(tmp_path, lines, "--correct-only")
    assert [r["id"] for r in written] == ["right+format", "right-format"]
    assert [r["reward"] for r in written] == [1.1, 1.0]
    assert "math: pass 66.7% (2/3)" in stderr  # the error is counted under nulls
    assert "null rewards: 1 (reference_unparseable 1)" in stderr
    assert "--correct-only dropped 3 items" in stderr


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


def test_missing_input_is_one_line_and_version(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "verireward.service.cli"]
    missing = tmp_path / "nope.jsonl"
    done = subprocess.run(
        [*cli, "score", str(missing), "-o", str(tmp_path / "out.jsonl")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr == f"verireward score: {missing}: No such file or directory\n"
    shown = subprocess.run([*cli, "--version"], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "verireward 0.1.0"


def test_progress_has_a_total(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"completion": R1}) for _ in range(5)) + "\nbad\n")
    done = subprocess.run(
        [sys.executable, "-m", "verireward.service.cli", "score", str(source), "-o", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "6/6" in done.stderr  # tqdm prints done/total (and an ETA while running)
    assert "items 5 in" in done.stderr and "items/s" in done.stderr
