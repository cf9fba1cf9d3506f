"""Turns a dataset's reference into the text that is graded, the way a completion's answer is found.

Datasets ship references in three shapes: a bare answer (``\\frac{1}{2}``), a whole solution
(MATH's ``solution`` column and NuminaMath end in ``\\boxed{}``; GSM8K ends in ``#### 72``;
others say "the answer is 5"), and prose ("The series diverges."). Solutions go through the same
extraction as completions; a reference we cannot read as math is compared as normalized text
unless it is malformed (empty, unbalanced brackets), which is the only case left to
``reference_unparseable``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verireward.verifiers.math.extract import last_boxed, last_phrase

_GSM8K = re.compile(r"####\s*(.+?)\s*$", re.S)
_LONG = 200  # a reference this long with an "answer is" phrase is a solution, not an answer


@dataclass(frozen=True, slots=True)
class Reference:
    text: str
    source: str  # answer | boxed | gsm8k | phrase


def extract_reference(raw: str) -> Reference:
    """The part of a reference that is its answer: last ``\\boxed``, GSM8K ``####``, phrase."""
    text = raw.strip()
    if "####" in text:
        found = _GSM8K.search(text[text.rindex("####") :])
        if found:
            return Reference(found.group(1), "gsm8k")
    boxed = last_boxed(text)
    if boxed:
        return Reference(boxed, "boxed")
    if len(text) > _LONG:
        phrase = last_phrase(text)
        if phrase:
            return Reference(phrase, "phrase")
    return Reference(text, "answer")


def malformed(text: str) -> str | None:
    """Why a reference is not gradable at all (not even as text), or ``None``."""
    if not text.strip():
        return "the reference is empty"
    braces = brackets = 0  # brackets together: "(1, 2]" is balanced, "5 (((" is not
    for index, char in enumerate(text):
        escaped = index > 0 and text[index - 1] == "\\"
        if char in "{}" and not escaped:
            braces += 1 if char == "{" else -1
        elif char in "([":
            brackets += 1
        elif char in ")]":
            brackets -= 1
        if braces < 0 or brackets < 0:
            return "unbalanced brackets"
    return "unbalanced brackets" if braces or brackets else None


def canonical_text(text: str) -> str:
    """Text compared for references that are not math: spacing never matters, and case only
    in prose (``\\{x|x=3K\\}`` keeps its case)."""
    squeezed = re.sub(r"\s+", "", text)
    return squeezed.casefold() if re.fullmatch(r"[A-Za-z ,.;:'!?-]+", text) else squeezed
