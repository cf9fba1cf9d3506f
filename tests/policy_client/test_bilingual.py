"""tiny-arith-bilingual: the worded traces are the column sums, a seeded share of the cold start
is in Spanish, the tokenizer covers both languages, and the service's real ``language``
verifier tells the two apart on these very traces (else the variant would measure nothing)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from verireward.policy_client.arith_task import Problem, make_split
from verireward.policy_client.bilingual import (
    bilingual_vocabulary_texts,
    mixed_traces,
    worded_trace,
)
from verireward.policy_client.pipeline_presets import bilingual_spec, preset

NUMBERS = re.compile(r"\d+")


@pytest.mark.parametrize(
    ("a", "b", "language", "expected"),
    [
        (57, 68, "en", "units 7 plus 8 make 15 tens 5 plus 6 plus 1 make 12"),
        (57, 68, "es", "unidades 7 y 8 suman 15 decenas 5 y 6 y 1 suman 12"),
        (12, 34, "en", "units 2 plus 4 make 6 tens 1 plus 3 plus 0 make 4"),  # carry 0 said
        (
            123,
            48,
            "es",
            "unidades 3 y 8 suman 11 decenas 2 y 4 y 1 suman 7 centenas 1 y 0 y 0 suman 1",
        ),
    ],
)
def test_worded_trace_says_the_column_sums(a: int, b: int, language: str, expected: str) -> None:
    assert worded_trace(Problem(a, b), language) == (
        f"<think>{expected}</think> <answer>{a + b}</answer>"
    )


def test_both_languages_carry_the_same_numbers() -> None:
    for problem in make_split(200, 50, seed=5).train:
        english, spanish = worded_trace(problem, "en"), worded_trace(problem, "es")
        assert NUMBERS.findall(english) == NUMBERS.findall(spanish)


def test_a_seeded_share_of_the_cold_start_is_in_the_other_language() -> None:
    problems = make_split(400, 50, seed=2).train
    rows = mixed_traces(problems, "en", "es", 0.25, seed=2)
    assert [q for q, _, _ in rows] == [p.question for p in problems]
    assert sum(lang == "es" for _, _, lang in rows) == 100
    assert all(("unidades" in r) == (lang == "es") for _, r, lang in rows)
    assert mixed_traces(problems, "en", "es", 0.25, seed=2) == rows  # deterministic on its seed
    assert mixed_traces(problems, "en", "es", 0.25, seed=3) != rows
    assert all(lang == "en" for _, _, lang in mixed_traces(problems, "en", "es", 0.0, seed=2))


def test_tokenizer_covers_every_word_of_both_languages() -> None:
    pytest.importorskip("transformers")
    from verireward.policy_client.tiny_preset import tiny_tokenizer

    tokenizer = tiny_tokenizer(bilingual_vocabulary_texts())
    for language in ("en", "es"):
        text = " " + worded_trace(Problem(4321, 987), language)  # four columns
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert tokenizer.unk_token_id not in ids
        assert tokenizer.decode(ids) == text
    # the bilingual preset's budget fits a two-column worded trace and its end of sequence
    longest = " " + worded_trace(Problem(99, 99), "es")
    length = len(tokenizer(longest, add_special_tokens=False)["input_ids"]) + 1
    assert length <= preset("tiny-arith-bilingual").max_new_tokens


def test_the_real_language_verifier_tells_the_traces_apart(client: TestClient) -> None:
    # the preset's own spec: English the target of every item, through params.language
    problems = make_split(40, 10, seed=1).train
    items = [
        {"id": f"{p.question}/{lang}", "completion": worded_trace(p, lang), "answer": str(p.answer)}
        for p in problems
        for lang in ("en", "es")
    ]
    items.append(  # the language verifier reads the reasoning only: a Spanish answer tag is moot
        {"id": "digits", "completion": "<think>7+8=15</think> <answer>15</answer>", "answer": "15"}
    )
    results = client.post("/score", json={"items": items, "reward": bilingual_spec(0.5)}).json()
    scores = {r["id"]: r["scores"] for r in results["results"]}
    for p in problems:
        english, spanish = scores[f"{p.question}/en"], scores[f"{p.question}/es"]
        assert english["language"] == pytest.approx(1.0), p
        assert spanish["language"] == pytest.approx(0.0), p
        assert english["math"] == spanish["math"] == 1.0  # both are right: only language differs
    assert scores["digits"]["language"] == 1.0  # no words at all: nothing in another language
    # at weight 0 the verifier still runs and reports, and the reward ignores it (the ablation)
    spanish = [items[1]]
    ablation = client.post("/score", json={"items": spanish, "reward": bilingual_spec(0.0)}).json()
    result = ablation["results"][0]
    assert result["scores"]["language"] == 0.0
    assert result["reward"] == pytest.approx(1.2)
