"""R1's language-consistency reward."""

from __future__ import annotations

import pytest
from verireward.verifiers import Item, Status
from verireward.verifiers.language import LanguageParams, LanguageVerifier

VERIFIER = LanguageVerifier()


def score(completion: str, language: str | None = "en", **params: object):
    item = Item(completion, language=language, prompt=params.pop("prompt", None))  # type: ignore[arg-type]
    return VERIFIER.verify(item, LanguageParams(**params))  # type: ignore[arg-type]


def think(text: str) -> str:
    return f"<think>{text}</think> <answer>42</answer>"


def test_pure_english() -> None:
    result = score(think("First we add the two numbers, then we divide the total by two."))
    assert (result.score, result.status) == (1.0, Status.PASS)
    assert result.details["counts"] == {"en": 13}


def test_pure_chinese_counts_each_han_character() -> None:
    result = score(think("首先计算两个数的和，然后除以二。"), "zh")
    assert result.score == 1.0 and result.details["counts"] == {"zh": 14}


def test_chinese_sentences_mixed_into_english_the_r1_zero_failure() -> None:
    text = "First, compute the sum of the numbers. 然后我们把它除以二。 So the answer is clear."
    result = score(think(text))
    counts = result.details["counts"]
    # 然后我们把它除以二: 9 Han characters; "First", "compute the sum of the numbers" and
    # "So the answer is clear": 12 English words
    assert counts["zh"] == 9 and counts["en"] == 12
    assert result.score == pytest.approx(12 / 21)
    assert score(think(text), "zh").score == pytest.approx(9 / 21)


def test_spanish_vs_english() -> None:
    spanish = think("Primero calculamos la suma de los dos números y luego dividimos entre dos.")
    assert score(spanish, "es").score == 1.0
    assert score(spanish, "en").score == 0.0
    half = think("We start with the sum of both numbers. Luego dividimos el resultado entre dos.")
    assert 0.3 < score(half, "en").score < 0.7


def test_heavy_latex_is_neutral() -> None:
    latex = "$x^2 + 2x + 1 = (x+1)^2$ \\[ \\int_0^1 f(x)\\,dx = \\frac{1}{2} \\] 3 + 4 = 7"
    result = score(think(latex))
    assert (result.score, result.details["words"]) == (1.0, 0)
    mixed = score(think(latex + " Therefore the integral equals one half."), "zh")
    assert mixed.score == 0.0  # the only words are English


def test_code_heavy_reasoning() -> None:
    text = (
        "```python\ndef solve(nums):\n    return sorted(nums)[len(nums) // 2]\n```\n"
        "Sorting gives the median; `sorted(nums)` then index `n // 2`. 所以答案是中位数。"
    )
    result = score(think(text), "zh")
    assert result.details["counts"]["zh"] == 8  # 所以答案是中位数
    assert result.details["counts"].get("en", 0) <= 6  # only the prose words count


def test_empty_reasoning_and_variables() -> None:
    assert score(think("")).score == 1.0
    assert score(think("x y z n_1 a2 fooBar sin cos 12 + 3")).details["words"] == 0


def test_target_from_prompt_and_missing_target() -> None:
    result = score(think("首先计算两个数的和。"), None, target="prompt", prompt="计算两个数的和")
    assert result.details["target"] == "zh" and result.score == 1.0
    missing = score(think("hello there"), None)
    assert missing.status is Status.ERROR and missing.code == "missing_target"


def test_untagged_completion_is_scored_whole() -> None:
    assert score("Nous additionnons les deux nombres puis divisons par deux.", "fr").score == 1.0
