"""Maps a trainer's dataset columns onto ``/score`` item fields, without reading them.

What a label means (an answer, a solution text, tests, JSON) is decided by the service
(``label`` field, read by ``verifiers.labels``), so every trainer's data is read one way. Here
columns are only routed and made JSON-safe (numpy arrays and scalars become lists and numbers).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

# Columns whose value is a label the service reads (first present wins).
LABEL_COLUMNS = (
    "answer",
    "solution",
    "ground_truth",
    "reference",
    "verification_info",
    "test_cases",
)
TESTS_COLUMNS = ("tests",)  # already in the /score `tests` shape (or its JSON text)
PASSED_COLUMNS = ("language", "group", "completion_tokens", "id")


def plain(value: Any) -> Any:
    """A JSON-safe copy: numpy arrays/scalars via ``tolist()``, containers recursively."""
    if isinstance(value, str):
        return str(value)  # np.str_ too
    if isinstance(value, bool | int) or value is None:
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy array or scalar (no numpy import on the trainer side)
        return plain(value.tolist())
    return str(value)


def item_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """``answer``/``solution``/``ground_truth``/``verification_info``... -> ``label``;
    ``tests`` -> ``tests``; ``language``/``group``/``completion_tokens``/``id`` kept."""
    fields: dict[str, Any] = {}
    for column in TESTS_COLUMNS:
        if row.get(column) is not None:
            fields["tests"] = plain(row[column])
            break
    else:
        for column in LABEL_COLUMNS:
            if row.get(column) is not None:
                label = plain(row[column])
                # a present but empty cell (NaN) is a missing reference, not "no label"
                fields["label"] = "" if label is None else label
                break
    for column in PASSED_COLUMNS:
        if row.get(column) is not None:
            fields[column] = plain(row[column])
    return fields


def message_text(value: Any) -> str:
    """A completion or prompt in TRL's standard (str) or conversational (messages) format."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[-1], dict):
        return str(value[-1].get("content", ""))
    return str(value)
