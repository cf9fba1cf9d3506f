"""Targets as datasets write them: codes, BCP-47 tags, names; and what is not a language."""

from __future__ import annotations

import pytest
from verireward.verifiers import Item, Status
from verireward.verifiers.language import LanguageParams, LanguageVerifier
from verireward.verifiers.language.codes import normalize
from verireward.verifiers.params import ParamError, parse_params

VERIFIER = LanguageVerifier()
ENGLISH = "<think>We add the two numbers and then divide the total by two.</think>"


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("en", "en"), ("en-US", "en"), ("en_GB", "en"), ("EN", "en"), ("eng", "en"),
        ("English", "en"), (" english ", "en"), ("zh-CN", "zh"), ("zh-Hant-TW", "zh"),
        ("cmn", "zh"), ("Chinese", "zh"), ("中文", "zh"), ("pt-BR", "pt"), ("por", "pt"),
        ("Portuguese", "pt"), ("fre", "fr"), ("fra", "fr"), ("Farsi", "fa"), ("pes", "fa"),
        ("sr-Cyrl-RS", "sr"), ("ukr", "uk"), ("Nepali", "ne"), ("npi", "ne"), ("no", "nb"),
        ("Filipino", "tl"), ("日本語", "ja"), ("ja-JP", "ja"),
    ],
)  # fmt: skip
def test_tags_codes_and_names_map_to_one_code(tag: str, code: str) -> None:
    assert normalize(tag) == code


@pytest.mark.parametrize("tag", ["python", "cpp", "xx", "", "en-", "Englishh", "java", "x" * 80])
def test_what_is_not_a_language(tag: str) -> None:
    assert normalize(tag) is None


def test_english_name_as_target_scores_english_text() -> None:
    for tag in ("English", "en-US", "eng"):
        verdict = VERIFIER.verify(Item(ENGLISH, language=tag), LanguageParams())
        assert (verdict.score, verdict.details["target"]) == (1.0, "en")


def test_unknown_item_target_is_a_typed_error_not_a_zero() -> None:
    items = [Item(ENGLISH, language="python"), Item(ENGLISH, language="en")]
    verdicts = VERIFIER.verify_batch(items, LanguageParams(), [{}, {}])
    assert verdicts[0].status is Status.ERROR and verdicts[0].code == "unknown_language"
    assert verdicts[1].score == 1.0  # one bad item never fails the batch


def test_unknown_request_level_language_or_candidate_is_refused() -> None:
    with pytest.raises(ParamError) as raised:
        parse_params(LanguageParams, {"language": "python"})
    assert raised.value.key == "language"
    with pytest.raises(ParamError):
        parse_params(LanguageParams, {"candidates": ["en", "klingon"]})
    params = parse_params(
        LanguageParams, {"language": "English", "candidates": ["en-US", "German"]}
    )
    assert params.language == "en" and params.candidates == ("en", "de")


def test_request_language_overrides_items() -> None:
    verdict = VERIFIER.verify(Item(ENGLISH, language="fr"), LanguageParams(language="en"))
    assert verdict.score == 1.0


def test_narrow_candidates_give_no_free_pass() -> None:
    spanish = (
        "<think>Primero calculamos la suma de los dos números y luego dividimos entre dos.</think>"
    )
    for candidates in ((), ("en",), ("es",)):
        params = LanguageParams(candidates=candidates)
        assert VERIFIER.verify(Item(spanish, language="en"), params).score == 0.0, candidates
        assert VERIFIER.verify(Item(ENGLISH, language="en"), params).score == 1.0, candidates
