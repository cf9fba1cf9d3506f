"""Finds the final answer of a completion: only the final answer counts.

Order: the last ``<answer>...</answer>`` (and inside it the last ``\\boxed{}`` or "the answer is"
phrase, if any); else the last ``\\boxed{...}`` / ``\\fbox{...}``; else the last "final answer is X"
phrase. An empty ``\\boxed{}`` is no answer; it never falls back to an earlier box. The last
number of the text is used only when the caller asks (``fallback_last_number``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ANSWER_TAG = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)
_BRACES = re.compile(r"[{}]")
_TOKEN = re.compile(r"[^\s$]+")
_PHRASE = re.compile(
    r"(?:final answer|the answer)\s*(?:is|:)\s*:?\s*(.+?)(?:\n|$|(?<![\d\\])\.(?:\s|$))",
    re.IGNORECASE,
)
_LAST_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?")


@dataclass(frozen=True, slots=True)
class Extraction:
    text: str | None  # None: no final answer
    source: str  # answer_tag | boxed | phrase | last_number | none


def extract_answer(completion: str, fallback_last_number: bool = False) -> Extraction:
    tags = _ANSWER_TAG.findall(completion) if "</answer>" in completion else ()
    if tags:
        inner = tags[-1]
        boxed = last_boxed(inner)
        if boxed is not None:
            return Extraction(boxed or None, "answer_tag")
        phrase = last_phrase(inner)
        return Extraction((phrase or inner).strip() or None, "answer_tag")
    boxed = last_boxed(completion)
    if boxed is not None:
        return Extraction(boxed.strip() or None, "boxed")
    phrase = last_phrase(completion)
    if phrase:
        return Extraction(phrase, "phrase")
    if fallback_last_number:
        numbers = _LAST_NUMBER.findall(completion)
        if numbers:
            return Extraction(numbers[-1], "last_number")
    return Extraction(None, "none")


def last_boxed(text: str) -> str | None:
    """Content of the last ``\\boxed``/``\\fbox``; ``""`` when empty, ``None`` when absent.

    Scans back from the end (the answer is the last box of a long reasoning): a box with
    unbalanced braces (a truncated generation) or nothing after it gives way to the one before.
    """
    end = len(text)
    while True:
        found = max(text.rfind("\\boxed", 0, end), text.rfind("\\fbox", 0, end))
        if found < 0:
            return None
        start = found + (6 if text.startswith("\\boxed", found) else 5)
        while start < len(text) and text[start].isspace():
            start += 1
        if start < len(text) and text[start] == "{":
            content = _braced(text, start)
            if content is not None:
                return content.strip()
        elif start < len(text):  # "\boxed 5": one token
            token = _TOKEN.match(text, start)
            return token.group(0) if token else ""
        end = found


def _braced(text: str, open_index: int) -> str | None:
    depth = 0
    for brace in _BRACES.finditer(text, open_index):
        index = brace.start()
        if index > 0 and text[index - 1] == "\\":
            continue  # an escaped brace is a literal one
        depth += 1 if brace.group() == "{" else -1
        if depth == 0:
            return text[open_index + 1 : index]
    return None  # unbalanced: truncated generation


def last_phrase(text: str) -> str | None:
    found = _PHRASE.findall(text)
    if not found:
        return None
    phrase = found[-1].strip().strip("*").strip()
    return phrase or None
