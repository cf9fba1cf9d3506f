"""The function-call harness's source generation (no toolchain needed; running it is in
tests/verifiers/test_code_languages.py)."""

from __future__ import annotations

import pytest
from verireward.sandbox.call_harness import CallHarnessError, call_program


def test_rust_main_decodes_each_parameter_and_lends_borrowed_ones() -> None:
    source = (
        "impl Solution {\n"
        "    pub fn f(xs: &[i32], s: &str, m: &mut Vec<u8>, k: i64) -> i64 { k }\n}"
    )
    program = call_program("rust", source, "f")
    assert "pub struct Solution;" in program  # LeetCode's snippets leave it out
    assert "let mut a0: Vec<i32> =" in program and "let mut a1: String =" in program
    assert "let mut a2: Vec<u8> =" in program and "let mut a3: i64 =" in program
    assert "Solution::f(&a0, &a1, &mut a2, a3)" in program


def test_rust_free_function_and_its_own_main_moved_aside() -> None:
    program = call_program("rust", 'fn g() -> u8 { 1 }\nfn main() { println!("hi"); }', "g")
    assert "fn verireward_candidate_main()" in program and program.count("fn main()") == 1
    assert "let result = g();" in program and "Solution" not in program.split("mod ")[0]


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("fn first<T: Copy>(xs: Vec<T>) -> T { xs[0] }", "generic"),
        ("struct S;\nimpl S { fn first(&self) -> i32 { 1 } }", "self"),
        ("fn other() {}", "no function"),
        ("fn first(f: impl Fn(i32) -> i32) -> i32 { f(1) }", "type"),
    ],
)
def test_rust_signatures_it_cannot_call_are_reported(source: str, problem: str) -> None:
    with pytest.raises(CallHarnessError, match=problem):
        call_program("rust", source, "first")


def test_go_harness_imports_go_after_the_package_clause_aliased() -> None:
    source = (
        'package solution\nimport "fmt"\nfunc Add(a, b int) int { return a + b }\nfunc main() {}'
    )
    program = call_program("go", source, "Add")
    head, _, rest = program.partition("package main\n")
    assert head == "" and rest.lstrip().startswith("import (")
    assert 'verirewardJSON "encoding/json"' in rest and 'import "fmt"' in rest
    assert "func verirewardCandidateMain()" in rest and "verirewardReflect.ValueOf(Add)" in rest
    bare = call_program("go", "func Add(a, b int) int { return a + b }", "Add")
    assert bare.startswith("package main\n")


def test_a_name_that_is_not_an_identifier_is_refused() -> None:
    with pytest.raises(CallHarnessError):
        call_program("go", "func f() {}", "f(); os.Exit(0)//")
    with pytest.raises(CallHarnessError):
        call_program("java", "class Main {}", "f")


def test_cpp_calls_a_solution_member_or_a_free_function_and_moves_main_aside() -> None:
    member = call_program("cpp", "class Solution {\npublic:\n  int f(int x) { return x; }\n};", "f")
    assert "verireward_call::run(&Solution::f, arguments.items)" in member
    free = call_program(
        "cpp", "#define int long long\nint f(int x) { return x; }\nsigned main() {}", "f"
    )
    assert "verireward_call::run(&f, arguments.items)" in free
    assert "signed verireward_candidate_main()" in free and "#undef int" in free
