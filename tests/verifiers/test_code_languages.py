"""Java, JavaScript, Go and Rust beside Python and C++: one stdin/stdout case each through the
verifier (compile step included), and a function-call case each for them and C++ (the call
harness), skipped with the reason where the toolchain is missing."""

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


# two_sum in each language's usual form (a Go function, LeetCode's Rust ``impl Solution``, a JS
# function), with a demo ``main`` or top-level print that the harness must not run or read
TWO_SUM = {
    "fn_name": "two_sum",
    "cases": [
        {"input": "[[2, 7, 11, 15], 9]", "output": "[0, 1]"},
        {"input": "[[3, 2, 4], 6]", "output": "[1, 2]"},
        {"input": "[[1, 2], 7]", "output": "[]"},
    ],
}
CALLS = {
    "go": (
        "go",
        'package main\nimport "fmt"\nfunc two_sum(nums []int, target int) []int {\n'
        "  seen := map[int]int{}\n  for i, x := range nums {\n"
        "    if j, ok := seen[target-x]; ok {\n      return []int{j, i}\n    }\n"
        "    seen[x] = i\n  }\n  return nil\n}\n"  # a nil slice is sent as [], not null
        'func main() {\n  var s string\n  fmt.Scan(&s)\n  fmt.Println("[0, 1]", s)\n}',
    ),
    "rust": (
        "rust",
        "use std::collections::HashMap;\nimpl Solution {\n"
        "    pub fn two_sum(nums: Vec<i32>, target: i32) -> Vec<i32> {\n"
        "        let mut seen: HashMap<i32, i32> = HashMap::new();\n"
        "        for (i, x) in nums.iter().enumerate() {\n"
        "            if let Some(j) = seen.get(&(target - x)) {\n"
        "                return vec![*j, i as i32];\n            }\n"
        "            seen.insert(*x, i as i32);\n        }\n        vec![]\n    }\n}\n"
        'fn main() {\n    println!("[0, 1]");\n}',
    ),
    "javascript": (
        "js",
        "function two_sum(nums, target) {\n  const seen = new Map();\n"
        "  for (let i = 0; i < nums.length; i++) {\n"
        "    if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];\n"
        "    seen.set(nums[i], i);\n  }\n  return [];\n}\nconsole.log('[0, 1]');",
    ),
}
CALLS["cpp"] = (
    "cpp",
    # LeetCode's form, with a competitive programmer's ``#define int long long``
    "#include <bits/stdc++.h>\nusing namespace std;\n#define int long long\n"
    "class Solution {\npublic:\n    vector<int> two_sum(vector<int>& nums, int target) {\n"
    "        unordered_map<int, int> seen;\n"
    "        for (int i = 0; i < (int)nums.size(); i++) {\n"
    "            if (seen.count(target - nums[i])) return {seen[target - nums[i]], i};\n"
    "            seen[nums[i]] = i;\n        }\n        return {};\n    }\n};\n"
    'signed main() {\n    cout << "[0, 1]" << endl;\n}',
)
CALLS["java"] = (
    "java",
    # LeetCode's form, beside a public class Main of the program's own
    "import java.util.*;\nclass Solution {\n    public int[] two_sum(int[] nums, int target) {\n"
    "        Map<Integer, Integer> seen = new HashMap<>();\n"
    "        for (int i = 0; i < nums.length; i++) {\n"
    "            if (seen.containsKey(target - nums[i]))\n"
    "                return new int[]{seen.get(target - nums[i]), i};\n"
    "            seen.put(nums[i], i);\n        }\n        return new int[0];\n    }\n}\n"
    "public class Main {\n    public static void main(String[] args) {\n"
    '        System.out.println("[0, 1]");\n    }\n}',
)
SWAPS = {
    "java": ("{seen.get(target - nums[i]), i}", "{i, seen.get(target - nums[i])}"),
    "cpp": ("{seen[target - nums[i]], i}", "{i, seen[target - nums[i]]}"),
    "go": ("[]int{j, i}", "[]int{i, j}"),
    "rust": ("vec![*j, i as i32]", "vec![i as i32, *j]"),
    "javascript": ("[seen.get(target - nums[i]), i]", "[i, seen.get(target - nums[i])]"),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_function_call_case_goes_through_the_harness(bwrap: BwrapSandbox, name: str) -> None:
    toolchain(name)
    fence, program = CALLS[name]
    params = CodeParams(timeout_s=10.0)
    right = VERIFIER.verify(Item(f"```{fence}\n{program}\n```", tests=TWO_SUM), params)
    assert (right.score, right.details["language"]) == (1.0, name), right
    # its prints (the expected answer of the first case, even) are not its return value
    wrong = program.replace(*SWAPS[name])
    verdict = VERIFIER.verify(Item(f"```{fence}\n{wrong}\n```", tests=TWO_SUM), params)
    assert verdict.score == pytest.approx(1 / 3) and verdict.details["passed"] == 1, verdict
    missing = VERIFIER.verify(
        Item(f"```{fence}\n{program}\n```", tests={**TWO_SUM, "fn_name": "three_sum"}), params
    )
    assert missing.score == 0.0 and missing.reason in ("compile_error", "runtime_error"), missing


RUST_SIGNATURES = {
    # slices and &str are decoded into a Vec/String and lent
    "fn count(xs: &[i64], word: &str) -> usize { xs.len() + word.len() }": (
        '[[1, 2, 3], "ab"]',
        "5",
    ),
    "fn total(xs: &mut Vec<f64>) -> f64 { xs.push(0.5); xs.iter().sum() }": ("[[1, 2]]", "3.5"),
    "fn pair(a: (i32, String), b: Option<bool>) -> (String, Option<bool>) { (a.1, b) }": (
        '[[1, "x"], null]',
        '["x", null]',
    ),
    "fn grid(n: usize) -> Vec<Vec<char>> { vec![vec!['\"'; n]; n] }": (
        "[2]",
        '[["\\"", "\\""], ["\\"", "\\""]]',
    ),
}


@pytest.mark.parametrize("source", sorted(RUST_SIGNATURES))
def test_rust_harness_reads_the_signature(bwrap: BwrapSandbox, source: str) -> None:
    toolchain("rust")
    arguments, expected = RUST_SIGNATURES[source]
    name = source.split("(")[0].split()[-1]
    tests = {"fn_name": name, "cases": [{"input": arguments, "output": expected}]}
    verdict = VERIFIER.verify(
        Item(f"```rust\n{source}\n```", tests=tests), CodeParams(timeout_s=10)
    )
    assert verdict.score == 1.0, verdict


def test_cpp_harness_deduces_the_parameter_types(bwrap: BwrapSandbox) -> None:
    source = (
        "#include <map>\n#include <string>\n#include <vector>\nusing namespace std;\n"
        "pair<pair<string, int>, pair<vector<long>, double>> f(\n"
        "    const string& s, vector<vector<int>> m, map<string, double> d, bool b) {\n"
        "  vector<long> sums = {m[0][0] + m[1][0], m[0][1] + m[1][1]};\n"
        '  return {{s, b ? (int)m.size() : -1}, {sums, d["x"]}};\n'
        "}"
    )
    tests = {
        "fn_name": "f",
        "cases": [
            {
                "input": '["a\\"b", [[1, 2], [3, 4]], {"x": 1.5}, true]',
                "output": '[["a\\"b", 2], [[4, 6], 1.5]]',
            },
            {
                "input": '["", [[0, 0], [0, 0]], {"x": 0}, false]',
                "output": '[["", -1], [[0, 0], 0]]',
            },
        ],
    }
    verdict = VERIFIER.verify(Item(f"```cpp\n{source}\n```", tests=tests), CodeParams(timeout_s=10))
    assert verdict.score == 1.0, verdict


def test_java_harness_converts_generic_parameters(bwrap: BwrapSandbox) -> None:
    toolchain("java")
    source = (
        "import java.util.*;\npublic class Solution {\n"
        "    public static List<Object> group(List<List<String>> xs, Map<String, Integer> m,\n"
        "                                     char c, double d) {\n"
        "        List<Object> out = new ArrayList<>();\n"
        "        for (List<String> x : xs) {\n"
        "            List<String> y = new ArrayList<>(x);\n"
        "            y.add(String.valueOf(c));\n            out.add(y);\n        }\n"
        '        out.add(m.get("k"));\n        out.add(d);\n        return out;\n    }\n}'
    )
    case = {
        "input": '[[["a", "b"], ["c"]], {"k": 2}, "x", 1.5]',
        "output": '[["a", "b", "x"], ["c", "x"], 2, 1.5]',
    }
    tests = {"fn_name": "group", "cases": [case]}
    verdict = VERIFIER.verify(
        Item(f"```java\n{source}\n```", tests=tests), CodeParams(timeout_s=10)
    )
    assert verdict.score == 1.0, verdict


def test_rust_generic_function_is_a_compile_error_not_a_crash() -> None:
    tests = {"fn_name": "first", "cases": [{"input": "[[1]]", "output": "1"}]}
    source = "fn first<T: Copy>(xs: Vec<T>) -> T { xs[0] }"
    verdict = VERIFIER.verify(Item(f"```rust\n{source}\n```", tests=tests), CodeParams())
    assert (verdict.score, verdict.reason) == (0.0, "compile_error"), verdict
    assert "generic" in verdict.details["stderr"]
