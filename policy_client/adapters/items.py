"""Maps a trainer's dataset columns onto ``/score`` item fields."""

from __future__ import annotations

import json
from typing import Any

ANSWER_COLUMNS = ("answer", "solution", "ground_truth", "reference")
TESTS_COLUMNS = ("tests", "verification_info", "test_cases")
PASSED_COLUMNS = ("language", "group", "completion_tokens", "id")


def item_fields(row: dict[str, Any]) -> dict[str, Any]:
    """``answer``/``solution`` -> answer; ``tests``/``verification_info`` -> tests; others kept."""
    fields: dict[str, Any] = {}
    for column in ANSWER_COLUMNS:
        if row.get(column) is not None:
            fields["answer"] = str(row[column])
            break
    for column in TESTS_COLUMNS:
        if row.get(column) is not None:
            fields["tests"] = _tests(row[column])
            break
    for column in PASSED_COLUMNS:
        if row.get(column) is not None:
            fields[column] = row[column]
    return fields


def _tests(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return value
    if isinstance(value, dict) and "test_cases" in value and "cases" not in value:
        return value["test_cases"]  # open-r1 style verification_info
    return value


def message_text(value: Any) -> str:
    """A completion or prompt in TRL's standard (str) or conversational (messages) format."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[-1], dict):
        return str(value[-1].get("content", ""))
    return str(value)
