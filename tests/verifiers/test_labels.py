"""The one label interpretation: what every endpoint and adapter's labels mean."""

from __future__ import annotations

import json

import numpy as np
import pytest
from verireward.verifiers.labels import MISSING, UNREADABLE, read_label

CASES = {"cases": [{"input": "1 2\n", "output": "3\n"}]}


@pytest.mark.parametrize(
    ("label", "answer"),
    [
        ("72", "72"),
        ("  72 \n", "72"),
        (72, "72"),
        (2.5, "2.5"),
        (np.int64(72), "72"),
        (np.float64(0.5), "0.5"),
        (np.str_("72"), "72"),
        (np.array(["72"]), "72"),  # verl's parquet round trip of a one-element column
        (np.array([72]), "72"),
        (["\\frac{1}{2}"], "\\frac{1}{2}"),
        ("\\frac{1}{2}", "\\frac{1}{2}"),
        ("{x: 1}", "{x: 1}"),  # not JSON: a set-builder answer, never tests
        ("{1, 2}", "{1, 2}"),  # a set
        ("[0, 1)", "[0, 1)"),  # an interval
        ("[1, 2]", "[1, 2]"),  # JSON, but a list of numbers is a closed interval / tuple answer
        ('{"ground_truth": "14"}', "14"),
        ({"answer": 14}, "14"),
        ({"ground_truth": np.array(["14"])}, "14"),
        ("She sold 48/2 = 24 clips in May.\nAltogether 48+24 = 72.\n#### 72", "72"),
        ("So the area is $\\boxed{\\frac{\\pi}{4}}$.", "\\frac{\\pi}{4}"),
        ("Thus \\boxed{3} then \\boxed{5}", "5"),  # the last box is the final answer
    ],
)
def test_labels_that_are_answers(label: object, answer: str) -> None:
    reference = read_label(label)
    assert (reference.answer, reference.tests, reference.problem) == (answer, None, None)


@pytest.mark.parametrize(
    ("label", "tests"),
    [
        (CASES, CASES),
        (json.dumps(CASES), CASES),
        ({"inputs": ["1"], "outputs": ["1"]}, {"inputs": ["1"], "outputs": ["1"]}),
        ({"assert": "assert f(1) == 2"}, {"assert": "assert f(1) == 2"}),
        ('{"fn_name": "f", "cases": []}', {"fn_name": "f", "cases": []}),
        (CASES["cases"], CASES),  # a bare list of cases
        (json.dumps(CASES["cases"] * 2), {"cases": CASES["cases"] * 2}),
        (  # open-r1 verification_info keeps its language
            {"language": "python", "test_cases": json.dumps(CASES)},
            {**CASES, "language": "python"},
        ),
        ([json.dumps(CASES)], CASES),
    ],
)
def test_labels_that_are_tests(label: object, tests: object) -> None:
    reference = read_label(label)
    assert (reference.answer, reference.tests, reference.problem) == (None, tests, None)


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("", MISSING),
        ("   ", MISSING),
        (float("nan"), MISSING),
        ([], MISSING),
        (np.array([]), MISSING),
        (True, UNREADABLE),
        (["1", "2"], UNREADABLE),  # two answers: which one?
        ('{"a": 1}', UNREADABLE),  # a JSON object that is neither tests nor an answer
        ({"test_cases": "not json"}, UNREADABLE),
        (object(), UNREADABLE),
        ([[[[[["1"]]]]]], UNREADABLE),
    ],
)
def test_labels_without_a_reference(label: object, problem: str) -> None:
    reference = read_label(label)
    assert (reference.answer, reference.tests, reference.problem) == (None, None, problem)
    assert reference.message


def test_none_is_no_label() -> None:
    assert read_label(None) == read_label(np.array(None, dtype=object))
    assert read_label(None).problem is None and read_label(None).answer is None
