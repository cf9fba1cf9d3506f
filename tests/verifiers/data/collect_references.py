"""Rebuilds ``math_references.jsonl`` and ``math_completions.jsonl`` from public repositories.

Run by hand with local clones of the sources (the committed files are what tests read; CI never
downloads anything)::

    python tests/verifiers/data/collect_references.py SIMPLERL_CLONE GSM8K_CLONE

Sources (answer columns exactly as each file ships them):

- hkust-nlp/simpleRL-reason @ cf1c7858, ``examples/simplelr_math_eval/data/<name>/test.jsonl``:
  MATH-500 (``answer``, and ``solution`` as a solution-shaped reference), OlympiadBench
  (``final_answer``, a list joined with ", "), Minerva-Math (``solution``: its only answer is the
  last ``\\boxed``), AIME 2024, AMC 2023, GaoKao 2023 En, College-Math (``answer``). These are the
  Qwen2.5-Math evaluation files, re-published by the simpleRL-reason repository.
- the same repository, ``.../eval_rm_maj_example/math_cot_100.jsonl``: 100 MATH problems with 8
  Qwen2.5-Math completions each and the Qwen2.5-Math grader's verdict per completion.
- openai/grade-school-math @ 3101c7d5, ``grade_school_math/data/test.jsonl``: GSM8K test, whose
  ``answer`` is a whole solution ending in ``#### N``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIMPLERL = "hkust-nlp/simpleRL-reason@cf1c7858bfc145a27aa733e75d930d34f0d318a6"
GSM8K = "openai/grade-school-math@3101c7d5072418e28b9008a6636bde82a006892c"
EVAL = "examples/simplelr_math_eval/data"


def _rows(clone: str, path: str) -> list[dict]:
    text = subprocess.run(
        ["git", "-C", clone, "show", f"HEAD:{path}"], capture_output=True, text=True, check=True
    ).stdout
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def references(simplerl: str, gsm8k: str) -> list[dict]:
    out: list[dict] = []

    def add(dataset: str, source: str, ident: object, reference: object, kind: str) -> None:
        out.append(
            {
                "dataset": dataset,
                "id": str(ident),
                "kind": kind,
                "reference": str(reference),
                "source": source,
            }
        )

    for name, field in (
        ("math500", "answer"),
        ("aime24", "answer"),
        ("amc23", "answer"),
        ("gaokao2023en", "answer"),
        ("college_math", "answer"),
    ):
        path = f"{EVAL}/{name}/test.jsonl"
        for index, row in enumerate(_rows(simplerl, path)):
            add(
                name,
                f"{SIMPLERL}:{path}",
                row.get("unique_id", row.get("id", index)),
                row[field],
                "answer",
            )
    path = f"{EVAL}/math500/test.jsonl"
    for row in _rows(simplerl, path):
        add("math500_solution", f"{SIMPLERL}:{path}", row["unique_id"], row["solution"], "solution")
    path = f"{EVAL}/olympiadbench/test.jsonl"
    for row in _rows(simplerl, path):
        add(
            "olympiadbench",
            f"{SIMPLERL}:{path}",
            row["id"],
            ", ".join(row["final_answer"]),
            "answer",
        )
    path = f"{EVAL}/minerva_math/test.jsonl"
    for index, row in enumerate(_rows(simplerl, path)):
        add("minerva", f"{SIMPLERL}:{path}", row.get("idx", index), row["solution"], "solution")
    path = "grade_school_math/data/test.jsonl"
    for index, row in enumerate(_rows(gsm8k, path)):
        add("gsm8k", f"{GSM8K}:{path}", index, row["answer"], "solution")
    return out


def completions(simplerl: str) -> list[dict]:
    path = f"{EVAL}/eval_rm_maj_example/math_cot_100.jsonl"
    out = []
    for row in _rows(simplerl, path):
        for response, score in zip(row["code"], row["score"], strict=True):
            out.append(
                {
                    "id": row["idx"],
                    "reference": row["answer"],
                    "completion": response,
                    "qwen_grader": bool(score),
                    "source": f"{SIMPLERL}:{path}",
                }
            )
    return out


def main() -> None:
    simplerl, gsm8k = sys.argv[1:3]
    with open(HERE / "math_references.jsonl", "w", encoding="utf-8") as handle:
        for row in references(simplerl, gsm8k):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(HERE / "math_completions.jsonl", "w", encoding="utf-8") as handle:
        for row in completions(simplerl):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
