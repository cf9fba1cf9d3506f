"""The README's targets, asserted on a sample of the real corpus (the bench runs all of it):
pure text of each language mean >= 0.99 and >= 98% of texts >= 0.9; text of another language
mean <= 0.02; spliced texts within 0.1 of their true share."""

from __future__ import annotations

import statistics

import pytest

from tests.verifiers.language_corpus import (
    by_language,
    code_reasoning,
    cross_targets,
    score,
    spliced,
    splices,
    units,
)

EVERY = 3  # every 3rd text: 50 per language


@pytest.fixture(scope="module")
def groups() -> dict[str, list[str]]:
    return {lang: [t.text for t in texts[::EVERY]] for lang, texts in by_language().items()}


def test_corpus_has_ten_languages_of_a_hundred_texts() -> None:
    sizes = {lang: len(texts) for lang, texts in by_language().items()}
    assert len(sizes) >= 10 and min(sizes.values()) >= 100, sizes


def test_pure_text_scores_its_own_language(groups: dict[str, list[str]]) -> None:
    short = {}
    for lang, texts in groups.items():
        scores = score(texts, [lang] * len(texts))
        mean, high = statistics.mean(scores), sum(s >= 0.9 for s in scores) / len(scores)
        if mean < 0.99 or high < 0.98:
            short[lang] = (round(mean, 4), high)
    assert not short


def test_text_of_another_language_scores_near_zero(groups: dict[str, list[str]]) -> None:
    langs = sorted(groups)
    means = {}
    for lang, texts in groups.items():
        for other in cross_targets(lang, langs):
            means[(lang, other)] = statistics.mean(score(texts, [other] * len(texts)))
    assert max(means.values()) <= 0.02, max(means.items(), key=lambda kv: kv[1])


def test_committed_splices_are_what_the_builder_makes() -> None:
    committed = spliced()
    built = splices(300, seed=1)
    assert [(t, g) for t, g, _ in committed] == [(t, g) for t, g, _ in built]
    assert all(abs(a - b) < 1e-6 for (_, _, a), (_, _, b) in zip(committed, built, strict=True))


def test_spliced_texts_score_their_true_share() -> None:
    spliced = splices(120, seed=7)  # others than the committed ones (the bench scores those)
    got = score([text for text, _, _ in spliced], [target for _, target, _ in spliced])
    errors = [abs(g - true) for g, (_, _, true) in zip(got, spliced, strict=True)]
    assert statistics.mean(errors) <= 0.03
    assert sum(e <= 0.1 for e in errors) / len(errors) >= 0.95


def test_reasoning_about_code_counts_only_its_prose() -> None:
    texts = code_reasoning()
    assert len(texts) >= 40
    scores = score([t.text for t in texts], [t.lang for t in texts])
    assert min(scores) == 1.0
    # and the prose still counts: the same texts are ~0 for another language
    other = {"en": "de", "zh": "ja", "ru": "uk", "es": "pt"}
    assert max(score([t.text for t in texts], [other[t.lang] for t in texts])) <= 0.1


def test_splice_truth_is_counted_independently() -> None:
    assert units("Tom has 3 apples.") == 3 and units("我们有三个苹果。") == 7
