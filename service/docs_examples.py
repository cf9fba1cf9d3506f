"""The request examples and error responses ``POST /score`` publishes in its OpenAPI schema.

Every example is a real request: ``tests/service/test_docs.py`` sends each one to the app and
checks the reward it gets, so "Try it out" in ``/docs`` shows what the service really answers.
"""

from __future__ import annotations

from typing import Any

CODE_COMPLETION = (
    "<think>Read two integers and print their sum.</think>\n<answer>\n```python\n"
    "a, b = map(int, input().split())\nprint(a + b)\n```\n</answer>"
)

SCORE_EXAMPLES: dict[str, dict[str, Any]] = {
    "math": {
        "summary": "math: a GSM8K answer (reward 1.1 = math 1 + format 0.1)",
        "value": {
            "items": [
                {
                    "id": "gsm8k-0",
                    "prompt": "Natalia sold clips to 48 of her friends in April, and then she "
                    "sold half as many clips in May. How many clips did she sell altogether?",
                    "completion": "<think>April: 48. May: 48 / 2 = 24. Total: 48 + 24 = 72."
                    "</think> <answer>72</answer>",
                    "answer": 72,
                }
            ]
        },
    },
    "code": {
        "summary": "code: stdin/stdout tests run in the sandbox (reward 1.1)",
        "value": {
            "items": [
                {
                    "id": "a-plus-b",
                    "completion": CODE_COMPLETION,
                    "tests": {
                        "cases": [
                            {"input": "1 2\n", "output": "3\n"},
                            {"input": "-5 5\n", "output": "0\n"},
                        ]
                    },
                }
            ]
        },
    },
    "format": {
        "summary": "format only: no reference, so only the format weight 0.1 applies",
        "value": {
            "items": [
                {"id": "r1", "completion": "<think>3 * 4 = 12</think> <answer>12</answer>"},
                {"id": "bare", "completion": "<answer>12</answer>"},
            ]
        },
    },
    "batch_with_spec": {
        "summary": "a GRPO group with its own weights and params",
        "value": {
            "items": [
                {
                    "id": f"g0-{n}",
                    "group": "g0",
                    "completion": completion,
                    "answer": "\\frac{1}{2}",
                }
                for n, completion in enumerate(
                    [
                        "<think>\nHalf of 1.\n</think>\n<answer>\n0.5\n</answer>",
                        "<think>1/2</think> <answer>$\\frac{1}{2}$</answer>",
                        "<think>\nI guess.\n</think>\n<answer>\n2\n</answer>",
                        "The answer is 1/2.",
                    ]
                )
            ],
            "reward": {
                "weights": {"math": 1.0, "format": 0.25, "length_group": 0.1},
                "params": {"format": {"mode": "strict"}},
            },
        },
    },
}


def _detail_example(loc: list[Any], msg: str, kind: str) -> dict[str, Any]:
    return {"application/json": {"example": {"detail": [{"loc": loc, "msg": msg, "type": kind}]}}}


_OK_EXAMPLE = {
    "results": [
        {
            "id": "gsm8k-0",
            "reward": 1.1,
            "scores": {"math": 1.0, "format": 1.0},
            "error": None,
            "details": {
                "math": {"status": "pass", "reason": "string_match"},
                "format": {"status": "pass", "reason": "r1_template"},
            },
        }
    ]
}

SCORE_RESPONSES: dict[str, dict[str, Any]] = {
    "200": {
        "description": "One result per item, in input order. `reward: null` with `error` "
        "means the item could not be scored (mask it); a wrong answer is a 0, not an error.",
        "content": {"application/json": {"example": _OK_EXAMPLE}},
    },
    "400": {
        "description": "The body is not JSON (or not UTF-8).",
        "content": _detail_example(
            ["body"], "Invalid JSON: key must be a string at line 1 column 2", "json_invalid"
        ),
    },
    "401": {
        "description": "`VERIREWARD_API_KEY` is set and the bearer token is missing or wrong.",
        "content": {"application/json": {"example": {"detail": "missing or wrong bearer token"}}},
    },
    "413": {
        "description": "The body is over `max_body_bytes`, or it has more than `max_items`.",
        "content": _detail_example(["body", "items"], "more than 16384 items", "too_many_items"),
    },
    "422": {
        "description": "A field has the wrong type, or the reward spec names an unknown verifier,"
        " a bad weight or params the verifier does not take; `loc` names the field.",
        "content": _detail_example(
            ["body", "reward", "weights", "maths"],
            "no verifier named 'maths'; installed: ['code', 'format', ...]",
            "invalid_reward_spec",
        ),
    },
    "503": {
        "description": "Scoring capacity is full (`max_inflight_items`); retry after the "
        "`Retry-After` header's seconds.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": _detail_example(["body"], "scoring capacity is full; retry later", "overloaded"),
    },
}
