"""Property tests: random unicode, LaTeX-ish and code-ish text never makes a verifier raise,
and every score stays in its verifier's range."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from verireward.verifiers import Item, Status, Verdict
from verireward.verifiers.format import FormatParams, FormatVerifier
from verireward.verifiers.language import LanguageParams, LanguageVerifier
from verireward.verifiers.math.verifier import MathParams, MathVerifier
from verireward.verifiers.shaping.length_cosine import LengthCosineParams, LengthCosineVerifier
from verireward.verifiers.shaping.length_group import LengthGroupParams, LengthGroupVerifier
from verireward.verifiers.shaping.overlong import OverlongParams, OverlongVerifier
from verireward.verifiers.shaping.reasoning_steps import (
    ReasoningStepsParams,
    ReasoningStepsVerifier,
)
from verireward.verifiers.shaping.repetition import RepetitionParams, RepetitionVerifier

LATEX_PIECES = [
    "\\frac{",
    "}{",
    "}",
    "\\sqrt{",
    "^",
    "_",
    "\\pi",
    "\\infty",
    "(",
    ")",
    "[",
    "]",
    "\\{",
    "\\}",
    ",",
    "=",
    "<",
    "\\le",
    "x",
    "y",
    "i",
    "e",
    "2",
    "10",
    "0.5",
    "-",
    "+",
    "\\cdot",
    "\\begin{pmatrix}",
    "\\end{pmatrix}",
    "&",
    "\\\\",
    "\\boxed{",
    "<answer>",
    "</answer>",
    "<think>",
    "</think>",
    "$",
    "%",
    "!",
    "\\text{",
    " ",
]
latexish = st.lists(st.sampled_from(LATEX_PIECES), max_size=40).map("".join)
text = st.one_of(
    st.text(max_size=300),
    latexish,
    st.builds(
        lambda a, b: f"<think>{a}</think><answer>{b}</answer>", st.text(max_size=100), latexish
    ),
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(verdict: Verdict, low: float, high: float) -> None:
    assert isinstance(verdict, Verdict)
    assert math.isfinite(verdict.score) and low <= verdict.score <= high
    if verdict.status is Status.ERROR:
        assert verdict.code


@FUZZ
@given(
    completion=text,
    reference=st.one_of(latexish, st.sampled_from(["14", "\\frac12", "B", "(1,2]", "x^2+1"])),
)
def test_math_never_raises(completion: str, reference: str) -> None:
    check(MathVerifier().verify(Item(completion, answer=reference), MathParams()), 0, 1)


@FUZZ
@given(completion=text, mode=st.sampled_from(["lenient", "strict", "partial"]))
def test_format_never_raises(completion: str, mode: str) -> None:
    check(FormatVerifier().verify(Item(completion), FormatParams(mode=mode)), 0, 1)  # type: ignore[arg-type]


@FUZZ
@given(completion=text, language=st.sampled_from(["en", "zh", "es", "ja", "xx"]))
def test_language_never_raises(completion: str, language: str) -> None:
    check(LanguageVerifier().verify(Item(completion, language=language), LanguageParams()), 0, 1)


@FUZZ
@given(
    completion=text, tokens=st.one_of(st.none(), st.integers(0, 100_000)), accuracy=st.floats(0, 1)
)
def test_shaping_rewards_stay_in_range(
    completion: str, tokens: int | None, accuracy: float
) -> None:
    extra = {} if tokens is None else {"completion_tokens": tokens}
    item = Item(completion, extra=extra)
    check(ReasoningStepsVerifier().verify(item, ReasoningStepsParams()), 0, 1)
    check(RepetitionVerifier().verify(item, RepetitionParams()), -1, 0)
    check(OverlongVerifier().verify(item, OverlongParams()), -1, 0)
    (cosine,) = LengthCosineVerifier().verify_batch(
        [item], LengthCosineParams(), [{"math": accuracy}]
    )
    check(cosine, -1, 1)
    group = LengthGroupVerifier().verify_batch(
        [item, item], LengthGroupParams(), [{"math": accuracy}, {}]
    )
    for verdict in group:
        check(verdict, -0.5, 0.5)


@pytest.mark.parametrize("piece", ["\\frac{" * 200, "{" * 5000, "\\sqrt" * 3000, "^" * 4000])
def test_degenerate_latex_fails_cleanly(piece: str) -> None:
    verdict = MathVerifier().verify(Item(f"\\boxed{{{piece}}}", answer="1"), MathParams())
    assert verdict.status is Status.FAIL
