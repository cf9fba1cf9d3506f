"""The code verifier: every test format and verdict, scoring modes, and sandbox failures."""

from __future__ import annotations

import asyncio
import os
import re

import pytest
import verireward.verifiers.code.verifier as code_module
from verireward.sandbox import BwrapSandbox
from verireward.verifiers import Item, RewardSpec, ScoringEngine, Status, VerifierRegistry
from verireward.verifiers.code.item_tests import ItemTestsError, read_tests
from verireward.verifiers.code.judge import same_output
from verireward.verifiers.code.verifier import CodeParams, CodeVerifier, extract_code
from verireward.verifiers.format import FormatVerifier

pytestmark = pytest.mark.integration
VERIFIER = CodeVerifier()
ADD_CASES = {"cases": [{"input": "1 2\n", "output": "3\n"}, {"input": "5 7\n", "output": "12"}]}


@pytest.fixture(autouse=True)
def _needs_bwrap(bwrap: BwrapSandbox) -> None:
    """Every test here runs real programs in the real sandbox."""


def verify(program: str, tests: object, fence: str = "python", **params: object):
    completion = f"Here is my solution.\n```{fence}\n{program}\n```\n"
    return VERIFIER.verify(Item(completion, tests=tests), CodeParams(**params))  # type: ignore[arg-type]


def verdicts(result) -> list[str]:
    return [case["verdict"] for case in result.details["cases"]]


def test_stdio_pass_ratio() -> None:
    program = "a, b = map(int, input().split())\nprint(a + b if a < 5 else a * b)"
    result = verify(program, ADD_CASES)
    assert (result.score, result.reason, verdicts(result)) == (
        0.5,
        "wrong_answer",
        ["passed", "wrong_answer"],
    )


def test_binary_and_stop_on_first_failure() -> None:
    program = "a, b = map(int, input().split())\nprint(a + b if a < 5 else 0)"
    assert verify(program, ADD_CASES, binary=True).score == 0.0
    tests = {"cases": [{"input": "9 9\n", "output": "18"}] + ADD_CASES["cases"]}
    stopped = verify(program, tests, stop_on_first_failure=True)
    assert verdicts(stopped)[0] == "wrong_answer" and stopped.details["passed"] == 0


@pytest.mark.parametrize(
    ("actual", "expected", "same"),
    [
        ("3\n", "3", True),
        ("3   \n\n\n", "3\n", True),  # trailing spaces and blank lines
        ("1\n2\n", "1\n2", True),
        ("1\n", "1\n2", False),  # a missing expected line fails
        ("1\n2\n3\n", "1\n2", False),  # no prefix matching
        (" 3\n", "3", False),  # leading space matters
        ("3 4", "3  4", False),
        ("1\r\n2\r\n", "1\n2\n", True),
    ],
)
def test_output_comparison(actual: str, expected: str, same: bool) -> None:
    assert same_output(actual, expected) is same


def test_float_tolerance() -> None:
    program = "print(1/3)"
    tests = {"cases": [{"input": "", "output": "0.333333"}]}
    assert verify(program, tests).score == 0.0
    assert verify(program, tests, float_tol=1e-5).score == 1.0


def test_function_call_top_level_and_solution_class() -> None:
    tests = {
        "fn_name": "two_sum",
        "cases": [
            {"input": "[[2, 7, 11], 9]", "output": "[0, 1]"},
            {"input": [[3, 3], 6], "output": "[0, 1]"},
        ],
    }
    top = (
        "def two_sum(nums, target):\n    seen = {}\n    for i, n in enumerate(nums):\n"
        "        if target - n in seen:\n            return [seen[target - n], i]\n"
        "        seen[n] = i"
    )
    assert verify(top, tests).score == 1.0
    method = "class Solution:\n    def two_sum(self, nums, target):\n        return (0, 1)"
    assert verify(method, tests).score == 1.0  # a tuple is compared as its JSON list


def test_assert_scripts_humaneval_and_mbpp() -> None:
    humaneval = {
        "assert": "def check(candidate):\n    assert candidate(2) == 4\n",
        "entry_point": "square",
    }
    assert verify("def square(x):\n    return x * x", humaneval).reason == "all_passed"
    assert verify("def square(x):\n    return x + x + 1", humaneval).reason == "wrong_answer"
    mbpp = {"assert": ["assert square(3) == 9", "assert square(-1) == 1"]}
    assert verify("def square(x):\n    return x ** 2", mbpp).score == 1.0


@pytest.mark.parametrize(
    "program",
    [
        "import sys\nsys.exit(0)",  # exit before the asserts run
        "import os\nos._exit(0)",
        "raise SystemExit",
        "import os\nos.write(3, b'checked')\nos._exit(0)",  # forging the harness's marker
    ],
)
def test_exiting_early_does_not_pass_asserts(program: str) -> None:
    tests = {"assert": "assert square(2) == 4"}
    assert verify(program, tests).status is Status.FAIL


@pytest.mark.parametrize(
    ("program", "verdict"),
    [
        ("print(undefined_name)", "runtime_error"),
        ("import time\ntime.sleep(10)", "timeout"),
        ("while True:\n    pass", "timeout"),
        ("x = bytearray(4 * 1024**3)", "memory_limit"),
        ("while True:\n    print('spam' * 1000)", "output_limit"),
        ("import ctypes\nctypes.string_at(0)", "runtime_error"),
        ("def broken(:\n    pass", "compile_error"),
    ],
)
def test_each_verdict(program: str, verdict: str) -> None:
    result = verify(program, {"cases": [{"input": "", "output": "1"}]}, timeout_s=1.0)
    assert result.status is Status.FAIL and result.score == 0.0
    assert result.reason == verdict, result.details


def test_runtime_error_keeps_the_stderr_tail_cut_at_a_line() -> None:
    program = (
        "import sys\nfor i in range(300):\n    print(f'line {i}', file=sys.stderr)\n"
        "raise ValueError('bad input')"
    )
    stderr = verify(program, {"cases": [{"input": "", "output": ""}]}).details["cases"][0]["stderr"]
    lines = stderr.splitlines()
    assert lines[0] == "[earlier output cut]" and re.fullmatch(r"line \d+", lines[1])
    assert lines[-1] == "ValueError: bad input" and len(stderr) <= 1100


def test_wrong_answer_shows_expected_and_actual_clipped() -> None:
    tests = {"cases": [{"input": "", "output": "1\n"}]}
    case = verify("print('x' * 5000)", tests).details["cases"][0]
    assert case["expected"] == "1\n" and case["actual"].startswith("x" * 300)
    assert case["actual"].endswith("[cut: 5001 chars]")
    call = {"fn_name": "f", "cases": [{"input": "[2]", "output": "4"}]}
    case = verify("def f(x):\n    return x + 1", call).details["cases"][0]
    assert (case["verdict"], case["expected"], case["actual"]) == ("wrong_answer", "4", "3")


def test_cpp_compiles_and_runs() -> None:
    program = "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<'\\n';}"
    assert verify(program, ADD_CASES, fence="cpp").score == 1.0
    broken = verify("int main( { return 0; }", ADD_CASES, fence="cpp")
    assert broken.reason == "compile_error" and "error" in broken.details["stderr"]


def test_no_code_and_code_extraction() -> None:
    assert VERIFIER.verify(Item("I would loop.", tests=ADD_CASES), CodeParams()).reason == "no_code"
    completion = "```python\nprint(1)\n```\n<answer>\n```py\nprint(2)\n```\n</answer>"
    assert extract_code(completion) == ("py", "print(2)\n")


@pytest.mark.parametrize(
    "tests",
    [
        None,
        "not json",
        {"cases": []},
        {"cases": [{"input": 1}]},
        {"fn_name": "f", "cases": [{"input": "{}", "output": "1"}]},
        {"assert": ""},
        {"inputs": ["1"], "outputs": []},
    ],
)
def test_malformed_tests_are_the_datasets_fault(tests: object) -> None:
    with pytest.raises(ItemTestsError):
        read_tests(tests)
    result = verify("print(1)", tests)
    assert result.status is Status.ERROR and result.code == "invalid_tests"


def test_apps_style_inputs_outputs() -> None:
    tests = {"inputs": ["1 2\n", "2 2\n"], "outputs": ["3\n", "4\n"]}
    assert verify("print(sum(map(int, input().split())))", tests).score == 1.0


def test_unavailable_sandbox_masks_only_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code_module, "_sandbox", lambda backend: BwrapSandbox("/nonexistent/bwrap"))
    engine = ScoringEngine(VerifierRegistry([CodeVerifier(), FormatVerifier()]))
    items = [
        Item("<think>x</think><answer>```python\nprint(3)\n```</answer>", tests=ADD_CASES),
        Item("<think>x</think><answer>no tests here</answer>"),
    ]
    coded, plain = asyncio.run(engine.score(items, RewardSpec()))
    assert coded.reward is None and coded.error.code == "sandbox_unavailable"
    assert "bubblewrap not found" in coded.error.message
    assert plain.reward == pytest.approx(0.1)


def test_demo_block_does_not_run_in_function_modes() -> None:
    program = (
        "def square(x):\n    return x * x\n\nif __name__ == '__main__':\n"
        "    n = int(input())\n    print(square(n))"
    )
    he = {
        "assert": "def check(candidate):\n    assert candidate(3) == 9\n",
        "entry_point": "square",
    }
    assert verify(program, he).score == 1.0
    call = {"fn_name": "square", "cases": [{"input": "[4]", "output": "16"}]}
    assert verify(program, call).score == 1.0
    stdio = {"cases": [{"input": "5\n", "output": "25\n"}]}
    assert verify(program, stdio).score == 1.0  # stdin/stdout still runs it as __main__


def test_numpy_solution_scores_one() -> None:
    if "numpy" not in (VERIFIER.sandbox_python or {}).get("packages", {}):
        if os.environ.get("CI"):
            pytest.fail("CI must have the sandbox-python env (make sandbox-python)")
        pytest.skip("no sandbox-python env with numpy here: run `make sandbox-python`")
    program = "import numpy as np\nn = int(input())\nprint(int(np.arange(1, n + 1).prod()))"
    tests = {"cases": [{"input": "5\n", "output": "120"}, {"input": "3\n", "output": "6"}]}
    assert verify(program, tests).score == 1.0
    call = {"fn_name": "norm", "cases": [{"input": [[3, 4]], "output": 5.0}]}
    norm = "import numpy as np\ndef norm(v):\n    return float(np.linalg.norm(v))"
    assert verify(norm, call).score == 1.0


def test_readyz_reports_the_sandbox_interpreter_and_packages(client) -> None:
    body = client.get("/readyz").json()
    assert body["sandbox_python"]["interpreter"].startswith("/usr/bin/python3 (3.")
    assert body["sandbox_python"] == VERIFIER.sandbox_python
