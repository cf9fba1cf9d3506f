"""``tiny-arith``: integer addition with worked column-by-column traces, exact answers.

A problem is two numbers of 2 digits (or more, with ``digits``), ``"57 + 68"``; its answer is
the exact sum, graded by the service's ``math`` verifier. The worked trace is what the cold
start imitates, in the R1 format::

    <think>3+8=11 2+4+1=7 1+0+0=1</think> <answer>171</answer>

one column per step from the units, the carry added in, so every step is a one-digit fact a
tiny model can learn. Train and held-out problems never share an unordered pair of operands.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from verireward.policy_client.prompts import PromptRecord

# The prompt: the last line of R1-Zero's template (``User: 57 + 68. Assistant:``), as a chat
# template of the task's tokenizer. The instruction sentences before it are ~70 of the ~85
# prompt tokens: a model this small never reads them, and they tripled the compute of every
# forward (measured: an SFT batch of 16 took 0.30-0.42 s at 35 tokens, 0.91-0.96 s at 117).
CHAT_TEMPLATE = "User: {{ messages[0]['content'] }}. Assistant:"


@dataclass(frozen=True)
class Problem:
    a: int
    b: int

    @property
    def question(self) -> str:
        return f"{self.a} + {self.b}"

    @property
    def answer(self) -> int:
        return self.a + self.b

    def record(self) -> PromptRecord:
        return PromptRecord(self.question, {"answer": str(self.answer)})


def columns(problem: Problem) -> list[tuple[str, ...]]:
    """The column sums from the units: ``(x, y, total)`` first, then ``(x, y, carry, total)``."""
    width = max(len(str(problem.a)), len(str(problem.b)))
    top, bottom = str(problem.a).zfill(width), str(problem.b).zfill(width)
    steps: list[tuple[str, ...]] = []
    carry = 0
    for index, (x, y) in enumerate(zip(reversed(top), reversed(bottom), strict=True)):
        total = int(x) + int(y) + carry
        steps.append((x, y, str(total)) if index == 0 else (x, y, str(carry), str(total)))
        carry = total // 10
    return steps


def trace(problem: Problem) -> str:
    """The worked solution: one ``x+y+c=s`` step per column, units first, then the answer."""
    steps = ["+".join(step[:-1]) + "=" + step[-1] for step in columns(problem)]
    return f"<think>{' '.join(steps)}</think> <answer>{problem.answer}</answer>"


@dataclass(frozen=True)
class ArithSplit:
    train: list[Problem]
    heldout: list[Problem]


def make_split(
    n_train: int, n_heldout: int, seed: int = 0, digits: tuple[int, int] = (2, 2)
) -> ArithSplit:
    """Distinct problems, operands of ``digits[0]`` to ``digits[1]`` digits, disjoint splits."""
    low, high = 10 ** (digits[0] - 1), 10 ** digits[1] - 1
    space = (high - low + 1) ** 2
    if n_train + n_heldout > space // 4:
        raise ValueError(f"asked for {n_train + n_heldout} problems out of {space}: too dense")
    chooser = random.Random(seed)
    seen: set[tuple[int, int]] = set()
    problems: list[Problem] = []
    while len(problems) < n_train + n_heldout:
        a, b = chooser.randint(low, high), chooser.randint(low, high)
        key = (min(a, b), max(a, b))  # "3 + 4" and "4 + 3" stay on one side of the split
        if key not in seen:
            seen.add(key)
            problems.append(Problem(a, b))
    return ArithSplit(problems[:n_train], problems[n_train:])


def vocabulary_texts() -> list[str]:
    """Texts the tokenizer must cover: a question and a trace (digits and operators)."""
    sample = Problem(123, 48)
    return [sample.question, trace(sample)]
