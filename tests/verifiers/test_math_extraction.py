"""The backwards scan for the last box finds what a forward regex scan finds, on real
completions, the corpus and random box-heavy text (the regex version is the oracle here)."""

from __future__ import annotations

import random
import re

from verireward.verifiers.math.extract import extract_answer, last_boxed

from tests.verifiers.math_corpus import completions, corpus

_BOX = re.compile(r"\\(?:boxed|fbox)\s*")


def forward_last_boxed(text: str) -> str | None:
    """The previous implementation: every box found left to right, tried from the last."""
    for match in reversed(list(_BOX.finditer(text))):
        start = match.end()
        if start < len(text) and text[start] == "{":
            depth = 0
            for index in range(start, len(text)):
                char = text[index]
                if char == "{" and (index == 0 or text[index - 1] != "\\"):
                    depth += 1
                elif char == "}" and text[index - 1] != "\\":
                    depth -= 1
                    if depth == 0:
                        return text[start + 1 : index].strip()
        elif start < len(text):
            token = re.match(r"[^\s$]+", text[start:])
            return token.group(0) if token else ""
    return None


def test_same_box_as_a_forward_scan_on_real_text() -> None:
    texts = [r["completion"] for r in completions()] + [i.completion for i in corpus()[::5]]
    assert len(texts) > 6_000
    for text in texts:
        assert last_boxed(text) == forward_last_boxed(text), text[-200:]


def test_same_box_as_a_forward_scan_on_random_text() -> None:
    pieces = ["\\boxed", "\\fbox", "{", "}", "\\{", "\\}", " ", "\n", "$", "x", "12", "\\\\", "b"]
    chooser = random.Random(11)
    for _ in range(20_000):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 14)))
        assert last_boxed(text) == forward_last_boxed(text), text


def test_edge_cases() -> None:
    assert last_boxed("\\boxed{1} then \\boxed{2") == "1"  # truncated last box
    assert last_boxed("\\boxed{1} \\boxed") == "1"  # nothing after the last
    assert last_boxed("\\boxed{}") == ""
    assert last_boxed("\\boxed 5$.") == "5"
    assert last_boxed("\\fbox{a\\}b}") == "a\\}b"
    assert last_boxed("no box") is None
    assert extract_answer("x <answer>\\boxed{3}</answer> \\boxed{4}").text == "3"
    assert extract_answer("x <answer> 7 </answer>").source == "answer_tag"
    assert extract_answer("<answer>unclosed \\boxed{4}").text == "4"
