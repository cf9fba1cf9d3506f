"""Java, JavaScript, Go and Rust beside Python and C++: one stdin/stdout case each through the
verifier (compile step included), skipped with the reason where the toolchain is missing."""

from __future__ import annotations

import os

import pytest
from verireward.sandbox import BwrapSandbox
from verireward.sandbox.languages import load_languages
from verireward.sandbox.more_languages import missing_tool
from verireward.verifiers import Item
from verireward.verifiers.code.verifier import CodeParams, CodeVerifier

pytestmark = pytest.mark.integration
VERIFIER = CodeVerifier()
ADD = {"cases": [{"input": "1 2\n", "output": "3\n"}, {"input": "40 2\n", "output": "42"}]}
PROGRAMS = {
    "java": (
        "java",
        "import java.util.*;\npublic class Main {\n  public static void main(String[] args) {\n"
        "    Scanner in = new Scanner(System.in);\n"
        "    System.out.println(in.nextLong() + in.nextLong());\n  }\n}",
    ),
    "javascript": (
        "js",
        "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\n"
        "console.log(a + b);",
    ),
    "go": (
        "go",
        'package main\nimport "fmt"\nfunc main() {\n  var a, b int64\n  fmt.Scan(&a, &b)\n'
        "  fmt.Println(a + b)\n}",
    ),
    "rust": (
        "rust",
        "use std::io::Read;\nfn main() {\n  let mut s = String::new();\n"
        "  std::io::stdin().read_to_string(&mut s).unwrap();\n"
        "  let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();\n"
        '  println!("{}", v[0] + v[1]);\n}',
    ),
}


def toolchain(name: str) -> None:
    reason = missing_tool(load_languages()[name])
    if reason:
        if os.environ.get("CI_LANGUAGES"):  # set where .ci/run installed them
            pytest.fail(f"{name}: {reason}")
        pytest.skip(f"{name}: {reason}")


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_stdio_case_compiles_runs_and_is_judged(bwrap: BwrapSandbox, name: str) -> None:
    toolchain(name)
    fence, program = PROGRAMS[name]
    params = CodeParams(timeout_s=10.0)
    right = VERIFIER.verify(Item(f"```{fence}\n{program}\n```", tests=ADD), params)
    assert (right.score, right.details["language"]) == (1.0, name), right
    wrong = (
        program.replace("+", "-", 1) if name != "javascript" else program.replace("a + b", "a - b")
    )
    assert VERIFIER.verify(Item(f"```{fence}\n{wrong}\n```", tests=ADD), params).score == 0.0
    broken = VERIFIER.verify(Item(f"```{fence}\n{program[:-3]}\n```", tests=ADD), params)
    assert broken.reason == "compile_error", broken


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_function_call_tests_are_python_only(name: str) -> None:
    fence, program = PROGRAMS[name]
    call = {"fn_name": "add", "cases": [{"input": "[1, 2]", "output": "3"}]}
    verdict = VERIFIER.verify(Item(f"```{fence}\n{program}\n```", tests=call), CodeParams())
    assert verdict.reason == "unsupported_language" and verdict.score == 0.0
