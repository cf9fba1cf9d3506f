"""Special judges: built-in comparators, a Python checker and a testlib-style C++ checker, on a
problem with many valid answers and on a float problem."""

from __future__ import annotations

import shutil

import pytest
from verireward.sandbox import BwrapSandbox
from verireward.verifiers import Item, Status
from verireward.verifiers.code import checker_run
from verireward.verifiers.code.checkers import Checker, CheckerSpecError, compare, read_checker
from verireward.verifiers.code.item_tests import ItemTestsError, read_tests
from verireward.verifiers.code.verifier import CodeParams, CodeVerifier

VERIFIER = CodeVerifier()


@pytest.mark.parametrize(
    ("kind", "actual", "expected", "same"),
    [
        ("tokens", "1  2\n3", "1 2 3\n", True),
        ("tokens", "1 2", "1 2 3", False),
        ("unordered_lines", "b\na\n", "a\nb", True),
        ("unordered_lines", "a\na\n", "a\nb", False),  # a multiset, not a set
        ("lines", "b\na", "a\nb", False),
        ("float", "0.3333333", "0.333333333", True),
        ("float", "1.5 x", "1.5000001 x", True),
        ("float", "1.6", "1.5", False),
        ("float", "001", "01", False),  # integers stay text: 001 is not 01
        ("float", "3.000", "3", True),  # one side written as a real number
        ("float", "nan", "nan", True),  # same text
        ("float", "nan", "1.0", False),
        ("float", "inf", "1e308", False),
        ("float", "1_0.0", "10.0", False),  # float() would accept it; a judge must not
        ("float", "0x10", "16.0", False),
        ("float", "1.0 2.0", "1.0", False),
    ],
)
def test_built_in_comparators(kind: str, actual: str, expected: str, same: bool) -> None:
    assert compare(read_checker(kind), actual, expected) is same


def test_float_tolerances_absolute_and_relative() -> None:
    absolute = read_checker({"type": "float", "abs_tol": 0.01})
    assert compare(absolute, "1.005", "1.0") and not compare(absolute, "1.02", "1.0")
    relative = read_checker({"type": "float", "rel_tol": 1e-3})
    assert compare(relative, "1000.9", "1000.0") and not compare(relative, "1.01", "1.0")
    assert read_checker(None, float_tol=1e-4) == Checker("float", rel_tol=1e-4)


@pytest.mark.parametrize(
    "spec",
    [
        "exact",
        {"type": "python"},
        {"type": "cpp", "source": ""},
        {"type": "float", "abs_tol": -1},
        {"type": "float", "rel_tol": "x"},
        {"type": "cpp", "source": "int main(){}", "files": {"../x.h": ""}},
    ],
)
def test_malformed_checker_is_the_datasets_fault(spec: object) -> None:
    with pytest.raises(CheckerSpecError):
        read_checker(spec)
    with pytest.raises(ItemTestsError):
        read_tests({"cases": [{"input": "", "output": ""}], "checker": spec})


# Any pair of distinct indices i < j with a[i] + a[j] == target is a right answer.
PAIRS_INPUT = "5 6\n1 5 2 4 3\n"
PAIRS = {
    "cases": [{"input": PAIRS_INPUT, "output": "1 2\n"}, {"input": "2 4\n2 2\n", "output": "1 2"}],
    "checker": {
        "type": "python",
        "source": (
            "def check(input, expected, output):\n"
            "    n, target = map(int, input.split()[:2])\n"
            "    a = list(map(int, input.split()[2:]))\n"
            "    i, j = map(int, output.split())\n"
            "    return 1 <= i < j <= n and a[i - 1] + a[j - 1] == target\n"
        ),
    },
}
PAIRS_PROGRAM = """
n, t = map(int, input().split())
a = list(map(int, input().split()))
best = None
for i in range({order}):
    for j in range(i + 1, n):
        if a[i] + a[j] == t and best is None:
            best = (i + 1, j + 1)
print(*best)
"""


def verify(program: str, tests: object, fence: str = "python"):
    completion = f"```{fence}\n{program}\n```"
    return VERIFIER.verify(Item(completion, tests=tests), CodeParams())  # type: ignore[arg-type]


@pytest.mark.integration
def test_python_checker_accepts_any_valid_answer(bwrap: BwrapSandbox) -> None:
    # scanning from the end finds (4, 5)... a different valid pair than the reference's (1, 2)
    other = PAIRS_PROGRAM.replace("range({order})", "reversed(range(n))")
    assert verify(PAIRS_PROGRAM.format(order="n"), PAIRS).score == 1.0
    assert verify(other, PAIRS).score == 1.0
    assert verify(other, {"cases": PAIRS["cases"]}).score < 1.0  # exact comparison rejects it
    wrong = verify("input()\ninput()\nprint(1, 3)", PAIRS)
    assert wrong.score == 0.0 and wrong.details["cases"][0]["verdict"] == "wrong_answer"
    crash = verify("input()\ninput()\nprint('no idea')", PAIRS)  # the checker raises: rejected
    assert crash.score == 0.0 and "checker failed" in crash.details["cases"][0]["checker"]


@pytest.mark.integration
def test_python_checker_partial_credit_and_a_broken_checker(bwrap: BwrapSandbox) -> None:
    partial = {
        "cases": [{"input": "", "output": "abcd"}],
        "checker": {
            "type": "python",
            "source": "def check(i, e, o):\n    return sum(a == b for a, b in zip(o, e)) / len(e)",
        },
    }
    result = verify("print('abxx')", partial)
    assert result.score == pytest.approx(0.5) and result.details["cases"][0]["credit"] == 0.5
    broken = {**partial, "checker": {"type": "python", "source": "def check(:"}}
    assert verify("print(1)", broken).code == "invalid_tests"


FLOAT_CASES = [{"input": "3\n", "output": "1.7320508\n"}, {"input": "2\n", "output": "1.4142136"}]
TESTLIB_CHECKER = r"""
#include <cmath>
#include <cstdio>
int main(int argc, char** argv) {
    if (argc != 4) return 3;
    FILE* out = std::fopen(argv[2], "r");
    FILE* ans = std::fopen(argv[3], "r");
    double got, want;
    if (std::fscanf(ans, "%lf", &want) != 1) return 3;
    if (std::fscanf(out, "%lf", &got) != 1) { std::puts("wrong output format"); return 2; }
    double error = std::fabs(got - want);
    if (error <= 1e-6) return 0;
    if (error <= 1e-2) { std::printf("points %.2f\n", 0.5); return 7; }
    std::printf("expected %f, found %f\n", want, got);
    return 1;
}
"""


@pytest.mark.integration
def test_float_problem_with_the_float_comparator(bwrap: BwrapSandbox) -> None:
    tests = {"cases": FLOAT_CASES, "checker": {"type": "float", "abs_tol": 1e-6}}
    assert verify("import math\nprint(math.sqrt(int(input())))", tests).score == 1.0
    assert verify("import math\nprint(f'{math.sqrt(int(input())):.3f}')", tests).score == 0.0
    assert verify("import math\nprint(math.sqrt(int(input())))", {"cases": FLOAT_CASES}).score == 0


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")
def test_testlib_checker_compiled_once_with_partial_points(bwrap: BwrapSandbox) -> None:
    checker_run._BUILDS.clear()
    tests = {"cases": FLOAT_CASES, "checker": {"type": "cpp", "source": TESTLIB_CHECKER}}
    exact = verify("import math\nprint(math.sqrt(int(input())))", tests)
    assert exact.score == 1.0 and len(checker_run._BUILDS) == 1
    build = next(iter(checker_run._BUILDS.values()))
    rough = verify("import math\nprint(f'{math.sqrt(int(input())):.3f}')", tests)
    assert rough.score == pytest.approx(0.5) and rough.status is Status.FAIL
    assert next(iter(checker_run._BUILDS.values())) is build  # reused, not rebuilt
    wrong = verify("print(7)", tests)
    assert wrong.score == 0.0 and "expected" in wrong.details["cases"][0]["checker"]
    garbage = verify("print('x')", tests)
    assert garbage.details["cases"][0]["checker"] == "wrong output format"
    broken = {**tests, "checker": {"type": "cpp", "source": "int main( {"}}
    assert verify("print(1)", broken).code == "invalid_tests"
