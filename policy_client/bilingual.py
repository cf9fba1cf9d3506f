"""``tiny-arith-bilingual``: R1's language-mixing problem in small.

The worked traces say the column sums in words, in the target language (English)::

    <think>units 7 plus 8 make 15 tens 5 plus 6 plus 1 make 12</think> <answer>125</answer>

and a share of the cold-start traces says them in another language (Spanish)::

    <think>unidades 7 y 8 suman 15 decenas 5 y 6 y 1 suman 12</think> <answer>125</answer>

so the cold-start model reasons in Spanish on some samples, as R1-Zero mixed languages. The
service's ``language`` verifier scores the share of the reasoning's words in the target language
(the numbers are neutral words); GRPO with it among the rewards should pull the Spanish back.
Plain ASCII words: the tiny tokenizer's words are ``[A-Za-z]+`` (``más`` would split).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from verireward.policy_client.arith_task import Problem, columns, vocabulary_texts

# per language: the column names from the units up, the word for "+" and the one for "="
WORDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "en": (("units", "tens", "hundreds", "thousands"), "plus", "make"),
    "es": (("unidades", "decenas", "centenas", "millares"), "y", "suman"),
}


def worded_trace(problem: Problem, language: str = "en") -> str:
    """The column sums of ``trace`` said in words of ``language``, then the answer."""
    names, plus, make = WORDS[language]
    steps = [
        f"{names[index]} {f' {plus} '.join(step[:-1])} {make} {step[-1]}"
        for index, step in enumerate(columns(problem))
    ]
    return f"<think>{' '.join(steps)}</think> <answer>{problem.answer}</answer>"


def mixed_traces(
    problems: Sequence[Problem], target: str, other: str, share: float, seed: int
) -> list[tuple[str, str, str]]:
    """``(question, trace, language)`` per problem; a seeded ``share`` of them in ``other``."""
    wrong = set(random.Random(seed).sample(range(len(problems)), round(share * len(problems))))
    languages = [other if index in wrong else target for index in range(len(problems))]
    return [
        (problem.question, worded_trace(problem, language), language)
        for problem, language in zip(problems, languages, strict=True)
    ]


def bilingual_vocabulary_texts() -> list[str]:
    """The task's texts plus a worded trace in every language (the tokenizer's words)."""
    sample = Problem(1234, 5678)  # four columns: every column name
    return [*vocabulary_texts(), *(worded_trace(sample, language) for language in WORDS)]
