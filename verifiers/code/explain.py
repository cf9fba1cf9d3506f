"""Why a case failed, in a few hundred characters: expected vs actual output for a wrong answer,
the tail of stderr (cut at a line boundary) for a crash. Anything cut says so."""

from __future__ import annotations

import json
from typing import Any

from verireward.sandbox import CaseOutcome

SHOWN_CHARS = 300
STDERR_CHARS = 1000


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """The head of ``text``, marked when cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [cut: {len(text)} chars]"


def stderr_tail(text: str, limit: int = STDERR_CHARS) -> str:
    """The last lines of ``text`` that fit in ``limit`` (whole lines; one over-long last line is
    cut at its start), marked when cut."""
    text = text.rstrip("\n")
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    newline = tail.find("\n")
    if 0 <= newline < len(tail) - 1:
        tail = tail[newline + 1 :]
    return f"[earlier output cut]\n{tail}"


def case_detail(verdict: str, outcome: CaseOutcome, mode: str, expected: Any) -> dict[str, Any]:
    detail: dict[str, Any] = {"seconds": outcome.seconds}
    if mode == "script" and outcome.detail:
        detail.update({k: v for k, v in outcome.detail.items() if k not in ("verdict", "stderr")})
        if verdict == "runtime_error" and outcome.detail.get("stderr"):
            detail["stderr"] = stderr_tail(str(outcome.detail["stderr"]))
    elif verdict == "wrong_answer" and mode == "stdio":
        detail.update(expected=clip(str(expected)), actual=clip(outcome.stdout))
    elif verdict == "wrong_answer" and mode == "call":
        detail.update(expected=clip(json.dumps(expected)), actual=clip(outcome.value))
    if "stderr" not in detail and outcome.stderr and verdict != "passed":
        detail["stderr"] = stderr_tail(outcome.stderr)
    return detail
