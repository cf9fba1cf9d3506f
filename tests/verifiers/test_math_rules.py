"""The math rules of issue #11, each class both ways: what must be equal and what must not.

The false-positive classes (relations, function application, equations without unknowns,
numeric probing of stepped functions, labelled lists) have a wrong row next to every right one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from verireward.verifiers import Item, Status
from verireward.verifiers.math.verifier import MathParams, MathVerifier

VERIFIER = MathVerifier()
ROOT = Path(__file__).resolve().parents[2]


def grade(reference: str, answer: str):
    completion = f"So the final answer is $\\boxed{{{answer}}}$."
    return VERIFIER.verify(Item(completion, answer=reference), MathParams())


def passes(reference: str, answer: str) -> bool:
    result = grade(reference, answer)
    assert result.status is not Status.ERROR, result.reason
    return result.status is Status.PASS


FALSE_POSITIVE_CLASSES = [
    # relations compare the bound and the direction, not only the direction
    ("x>100", "x>2", False),
    ("x>100", "100<x", True),
    ("k\\ge 3", "k\\ge 2", False),
    ("k\\ge 3", "k \\geq 3", True),
    ("a\\ne 2", "a\\ne 1", False),
    ("a\\ne 2", "a \\neq 2", True),
    ("1<x<3", "1<x<4", False),
    ("1<x<3", "3>x>1", True),
    # function application is never a product
    ("0", "f(0)", False),
    ("2f", "f(2)", False),
    ("f(2)", "f(2)", True),
    ("3", "g(3)", False),
    # equations without free symbols are not "scaled" copies of each other
    ("2=3", "4=6", False),
    ("1=1", "2=2", False),
    ("2x=3", "4x=6", True),
    # numeric probing is never the only evidence for floor / ceiling
    ("\\lfloor\\sqrt{n-1}\\rfloor", "\\lfloor\\sqrt{n-2}\\rfloor", False),
    ("\\lceil n/2 \\rceil", "\\lceil (n+1)/2 \\rceil", False),
    ("\\lfloor x \\rfloor", "\\lfloor x \\rfloor", True),
    # labelled lists match by label, not as an unordered bag of values
    ("x=1, y=2", "x=2, y=1", False),
    ("x=1, y=2", "y=2, x=1", True),
    ("(p,q)=(3,2)", "(2,3)", False),
    ("(p,q)=(3,2)", "(3,2)", True),
    # a chain with a false step is wrong even when its last side is right
    ("-i", "i^{15} = 2(-i) = -i", False),
    ("-i", "i^{15} = i^3 = -i", True),
    # an approximation that does not hold makes the answer wrong
    ("\\frac{\\pi}{4}", "\\frac{\\pi}{4} \\approx 0.785", True),
    ("\\frac{\\pi}{4}", "\\frac{\\pi}{4} \\approx 0.9", False),
]


@pytest.mark.parametrize(("reference", "answer", "expected"), FALSE_POSITIVE_CLASSES)
def test_false_positive_classes(reference: str, answer: str, expected: bool) -> None:
    assert passes(reference, answer) is expected


EQUIVALENCE_RULES = [
    # labelled value vs bare value, both ways
    ("k=3", "3", True),
    ("k=3", "4", False),
    ("f(x)=x+1", "x+1", True),
    ("f(x)=x+1", "x+2", False),
    ("a_n = 2n+1", "2n+1", True),
    ("S_n = n^2", "n^2", True),
    ("S_n = n^2", "n^3", False),
    ("x+1", "f(x) = x+1", True),
    ("x = y = z = \\frac{\\sqrt2}{2}", "\\frac{1}{\\sqrt2}", True),
    ("t=\\frac{\\ln 2}{0.1}=10\\ln 2", "10\\ln 2", True),
    ("x=3", "y=3", False),
    # bound-variable renaming
    ("f(x)=x", "f(z)=z", True),
    ("f(x)=x^2", "f(t)=t^3", False),
    # degrees and radians, when one side carries the sign
    ("\\frac{\\pi}{6}", "30^\\circ", True),
    ("30^\\circ", "\\frac{\\pi}{6}", True),
    ("30^\\circ", "30", True),
    ("30^\\circ", "\\frac{\\pi}{3}", False),
    ("30^\\circ", "60^\\circ", False),
    # percentages: x or x/100 against a bare number; two percentages compare their numbers
    ("\\frac58", "62.5\\%", True),
    ("62.5\\%", "0.625", True),
    ("62.5\\%", "62.5", True),
    ("62.5\\%", "0.6", False),
    ("0.5\\%", "50\\%", False),
    ("1.27\\%", "1.3\\%", False),
    # a rounded-decimal reference accepts the exact value; a decimal answer is exact
    ("85.71", "\\frac{600}{7}", True),
    ("85.71", "\\frac{601}{7}", False),
    ("\\frac13", "0.333", False),
    ("0.33", "\\frac13", True),
    ("0.2", "\\frac14", False),
    # invisible characters
    ("12", "1\u200b2", True),
    ("12", "\ufeff12", True),
]


@pytest.mark.parametrize(("reference", "answer", "expected"), EQUIVALENCE_RULES)
def test_equivalence_rules(reference: str, answer: str, expected: bool) -> None:
    assert passes(reference, answer) is expected


NOTATION = [
    # references the datasets really ship, each read, with a right and a wrong answer
    ("\\begin{pmatrix} 1 \\\\ -2 \\end{pmatrix}", "\\begin{pmatrix}1\\\\-2\\end{pmatrix}", True),
    (
        "\\begin{pmatrix} 1 \\\\ -2 \\end{pmatrix}",
        "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
        False,
    ),
    ("8$,$4", "4, 8", True),
    ("8$,$4", "4, 9", False),
    ("a=2$, $a=-6", "-6, 2", True),
    ("\\frac{-1 \\pm \\sqrt{3}}{4}", "\\frac{-1-\\sqrt3}{4}, \\frac{-1+\\sqrt3}{4}", True),
    ("\\frac{-1 \\pm \\sqrt{3}}{4}", "\\frac{-1+\\sqrt3}{4}", False),
    ("\\{1\\pm\\sqrt5, -2\\}", "\\{-2, 1+\\sqrt5, 1-\\sqrt5\\}", True),
    ("\\{1\\pm\\sqrt5, -2\\}", "\\{-2, 1+\\sqrt5\\}", False),
    ("\\pm 2", "2, -2", True),
    ("\\{x \\mid -1 < x < 1\\}", "(-1,1)", True),
    ("\\{x \\mid -1 < x < 1\\}", "[-1,1]", False),
    ("\\{x|x<3\\}", "x<3", True),
    ("\\{x|x<3\\}", "x \\le 3", False),
    ("2:1", "4:2", True),
    ("2:1", "1:2", False),
    ("1 : (4/3)", "3:4", True),
    ("4:30 p.m.", "4:30 PM", True),
    ("4:30 p.m.", "16:30", True),
    ("4:30 p.m.", "4:30 a.m.", False),
    ("52_8", "52_{8}", True),
    ("52_8", "53_8", False),
    ("4210_{5}", "4210_5", True),
    ("\\rho_{0}", "\\rho_0", True),
    ("\\rho_{0}", "\\rho_1", False),
    ("\\bar x", "\\bar{x}", True),
    ("\\bar x", "x", False),
    ("f'(x)", "f'(x)", True),
    ("2x^2 + 3", "3 + 2x^2 \\text{ cm}", True),
]


@pytest.mark.parametrize(("reference", "answer", "expected"), NOTATION)
def test_notation_classes(reference: str, answer: str, expected: bool) -> None:
    assert passes(reference, answer) is expected


SOLUTIONS = [
    # the reference is a whole solution: graded on its final answer, as a completion would be
    ("Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs.\nShe makes 9 * 2 = $18.\n#### 18", "18"),
    ("So the distance is $\\sqrt{117} = \\boxed{3\\sqrt{13}}$.", "\\sqrt{117}"),
    ("A long derivation. " * 20 + "Therefore the answer is 42.", "42"),
]


@pytest.mark.parametrize(("reference", "answer"), SOLUTIONS)
def test_solution_shaped_references(reference: str, answer: str) -> None:
    assert passes(reference, answer)
    assert not passes(reference, "7")


def test_prose_reference_is_compared_as_text() -> None:
    prose = "The series diverges by the comparison test."
    result = grade(prose, "the series diverges by the comparison test.")
    assert result.status is Status.PASS and result.details["rule"] == "text_match"
    notation = grade("\\{x|x=3k,k\\in \\mathbb{Z}\\}", "\\{x | x = 3k, k \\in \\mathbb{Z}\\}")
    assert notation.status is Status.PASS and notation.details["reference_kind"] == "text"
    assert not passes("\\{x|x=3k,k\\in \\mathbb{Z}\\}", "\\{x|x=2k,k\\in \\mathbb{Z}\\}")
    wrong = grade(prose, "The series converges.")
    assert wrong.status is Status.FAIL and wrong.reason == "not_equal"


@pytest.mark.parametrize("reference", ["", "   ", "\\frac{1}{", "\\frac{1}{0}"])
def test_malformed_reference_is_null_with_a_message(reference: str) -> None:
    result = grade(reference, "1")
    assert result.status is Status.ERROR and result.code == "reference_unparseable"
    assert "reference" in result.reason


@pytest.mark.parametrize(
    ("reference", "answer", "rule"),
    [
        ("14", "15", "rational_fast_path"),
        ("B", "C", "choice_letter"),
        ("yes", "no", "text_match"),
        ("x^2", "x^3", "value"),
        ("(1,2)", "(2,1)", "tuple"),
        ("x>1", "x>2", "relation"),
    ],
)
def test_wrong_answers_are_not_equal_with_the_rule_tried(
    reference: str, answer: str, rule: str
) -> None:
    result = grade(reference, answer)
    assert (result.status, result.reason, result.details["rule"]) == (
        Status.FAIL,
        "not_equal",
        rule,
    )


DETERMINISM = """
import json, random, sys, asyncio
from verireward.verifiers import Item, RewardSpec, ScoringEngine, VerifierRegistry, WorkerPool
from verireward.verifiers.math.verifier import MathVerifier
pairs = json.loads(sys.argv[1])
order = list(range(len(pairs)))
random.Random(int(sys.argv[2])).shuffle(order)
items = [Item("\\\\boxed{" + pairs[i][1] + "}", id=i, answer=pairs[i][0]) for i in order]
if __name__ == "__main__":
    pool = WorkerPool(workers=2)
    engine = ScoringEngine(VerifierRegistry([MathVerifier()]), pool)
    results = asyncio.run(engine.score(items, RewardSpec(weights={"math": 1.0})))
    pool.close()
    print(json.dumps(sorted([r.id, r.reward] for r in results)))
"""

PROBED = [
    ("\\lfloor\\sqrt{n-1}\\rfloor", "\\lfloor\\sqrt{n-2}\\rfloor"),
    ("\\frac{x^2-1}{x-1}", "x+1"),
    ("\\sin^2 x + \\cos^2 x", "1"),
    ("(a+b)^3", "a^3+3a^2b+3ab^2+b^3"),
    ("\\sqrt{x^2}", "x"),
    ("\\lceil x \\rceil", "\\lfloor x \\rfloor + 1"),
    ("\\frac{1}{x}+\\frac{1}{y}", "\\frac{x+y}{xy}"),
    ("\\log(xy)", "\\log x + \\log y"),
]


@pytest.mark.integration
def test_same_pair_same_verdict_in_fresh_processes(tmp_path: Path) -> None:
    script = tmp_path / "determinism.py"
    script.write_text(DETERMINISM)
    verdicts = set()
    for seed in range(3):
        env = {**os.environ, "PYTHONHASHSEED": str(seed * 7919 + 1)}
        run = subprocess.run(
            [sys.executable, str(script), json.dumps(PROBED), str(seed)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=300,
            check=True,
        )
        verdicts.add(run.stdout.strip().splitlines()[-1])
    assert len(verdicts) == 1, verdicts
    rewards = dict(json.loads(verdicts.pop()))
    assert rewards[0] == 0.0 and rewards[5] == 0.0  # stepped functions never pass on probes
    assert rewards[1] == 1.0 and rewards[2] == 1.0 and rewards[3] == 1.0
