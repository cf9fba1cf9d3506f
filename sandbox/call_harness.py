"""Function-call mode for languages other than Python: the program is wrapped in a ``main`` of
ours that reads the call's arguments as a JSON list on stdin, calls the named function, and
writes the JSON of its result on fd 3 (the runner's value channel, as for Python; what the
program prints is ignored). Expected values never enter the sandbox: the host compares.

- Go: ``call_harness.go`` spliced into the program (package ``main``); arguments decoded into
  the parameters' own types by reflection; several results become a list.
- Rust: ``call_harness.rs`` (a small JSON reader/writer) appended, and a ``main`` generated from
  the function's signature: numbers, ``bool``, ``char``, ``String``/``&str``, ``Vec``/slices,
  ``VecDeque``, ``Option``, tuples and ``HashMap<String, _>`` arguments; a free function or an
  associated function of ``impl Solution`` (LeetCode's form).
- JavaScript: a call of the named function appended to the script (a returned promise is
  awaited).
- C++: ``call_harness.cpp`` appended: the parameter types are deduced from the function's own
  type (templates), numbers, ``bool``, ``char``, ``std::string``, ``vector``, ``pair`` and
  ``map``/``unordered_map`` with string keys; a free function, or a member of ``class
  Solution`` (LeetCode's form) called on a default-constructed object.
- Java: ``call_harness.java`` appended (its ``Main``; the program's classes lose ``public``, a
  class ``Main`` of its own is renamed): the method found by name on ``Solution`` (else the
  class that defines it) by reflection, arguments converted to the declared (generic) types:
  primitives and boxes, ``String``, ``char``, arrays, ``List``, ``Map`` with string keys.

A program's own ``main`` is renamed out of the way (the harness is the entry point). A
signature the harness cannot read is the completion's failure (``CallHarnessError``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_HERE = Path(__file__).resolve().parent
CALL_LANGUAGES = ("go", "rust", "javascript", "cpp", "java")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class CallHarnessError(ValueError):
    """The program's function cannot be called by the harness (missing, or an unreadable
    signature)."""


def call_program(language: str, code: str, fn_name: str) -> str:
    """The program to build: ``code`` with the harness around ``fn_name``."""
    if not _IDENTIFIER.match(fn_name or ""):
        raise CallHarnessError(f"fn_name {fn_name!r} is not a function name")
    if language == "go":
        return _go(code, fn_name)
    if language == "rust":
        return _rust(code, fn_name)
    if language == "javascript":
        return _javascript(code, fn_name)
    if language == "cpp":
        return _cpp(code, fn_name)
    if language == "java":
        return _java(code, fn_name)
    raise CallHarnessError(f"no function-call harness for {language}")


def call_stdin(arguments: list[object]) -> str:
    return json.dumps(arguments)


def _go(code: str, fn_name: str) -> str:
    clause = re.compile(r"^[ \t]*package[ \t]+\w+[^\n]*\n?", re.MULTILINE)
    if not clause.search(code):
        code = "package main\n" + code
    if not re.search(rf"^\s*func\s+{fn_name}\s*[\[(]", code, re.MULTILINE):
        raise CallHarnessError(f"the program defines no function {fn_name}")
    renamed = r"\1func verirewardCandidateMain()"
    code = re.sub(r"^(\s*)func\s+main\s*\(\s*\)", renamed, code, flags=re.MULTILINE)
    harness = (_HERE / "call_harness.go").read_text().replace("VERIREWARD_FUNCTION", fn_name)
    imports, _, body = harness.partition("package main\n")[2].partition("// verireward: body")
    head = clause.search(code)
    assert head is not None
    return f"{code[: head.start()]}package main\n{imports}{code[head.end() :]}\n{body}"


def _cpp(code: str, fn_name: str) -> str:
    if not re.search(rf"\b{fn_name}\s*\(", code):
        raise CallHarnessError(f"the program defines no function {fn_name}")
    member = re.search(r"\b(class|struct)\s+Solution\b", code) is not None
    target = f"&Solution::{fn_name}" if member else f"&{fn_name}"
    code = re.sub(r"\b(int|signed)(\s+)main\s*\(", r"\1\2verireward_candidate_main(", code)
    harness = (_HERE / "call_harness.cpp").read_text().replace("VERIREWARD_TARGET", target)
    return f"{code}\n\n{harness}"


def _java(code: str, fn_name: str) -> str:
    code = re.sub(r"\bclass(\s+)Main\b", r"class\1VerirewardCandidateMain", code)
    # Main.java may hold one public class, the harness's: the program's become package-private
    code = re.sub(r"^public\s+(?=(?:(?:final|abstract)\s+)*(?:class|interface|enum|record)\b)",
                  "", code, flags=re.MULTILINE)  # fmt: skip
    definition = re.search(rf"\b{fn_name}\s*\([^)]*\)\s*(throws[^{{]*)?\{{", code)
    if definition is None:
        raise CallHarnessError(f"the program defines no method {fn_name}")
    classes = [m for m in re.finditer(r"\bclass\s+(\w+)", code) if m.start() < definition.start()]
    if re.search(r"\bclass\s+Solution\b", code):
        owner = "Solution"
    elif classes:
        owner = classes[-1].group(1)
    else:
        raise CallHarnessError(f"{fn_name} is not in a class")
    harness = (_HERE / "call_harness.java").read_text()
    harness = harness.replace("VERIREWARD_CLASS", owner).replace("VERIREWARD_METHOD", fn_name)
    return f"{code}\n\n{harness}"


def _javascript(code: str, fn_name: str) -> str:
    return (
        f"{code}\n;(async () => {{\n"
        "  const verirewardFs = require('fs');\n"
        "  const verirewardArgs = JSON.parse(verirewardFs.readFileSync(0, 'utf8'));\n"
        f"  const verirewardValue = await {fn_name}(...verirewardArgs);\n"
        "  verirewardFs.writeSync(3, JSON.stringify(verirewardValue === undefined ? null"
        " : verirewardValue));\n"
        "})().catch((error) => { console.error(error); process.exit(1); });\n"
    )


def _rust(code: str, fn_name: str) -> str:
    found = re.search(rf"\bfn\s+{fn_name}\s*(<[^(]*>)?\s*\(", code)
    if found is None:
        raise CallHarnessError(f"the program defines no function {fn_name}")
    if found.group(1):
        raise CallHarnessError(f"{fn_name} is generic: the harness cannot choose its types")
    params = _split_top_level(_balanced(code, found.end() - 1))
    if any(re.fullmatch(r"&?\s*(mut\s+)?self", p) for p in params):
        raise CallHarnessError(f"{fn_name} takes self: only free and associated functions")
    lines, call_args = [], []
    for index, param in enumerate(params):
        _, colon, kind = param.partition(":")
        if not colon:
            raise CallHarnessError(f"cannot read the parameter {param!r} of {fn_name}")
        owned, borrow = _owned_type(kind.strip())
        decode = f"verireward_call::FromJson::from_json(&args[{index}])"
        lines.append(f"    let mut a{index}: {owned} = {decode};")
        call_args.append(f"{borrow}a{index}")
    target = fn_name
    if _inside_impl_solution(code, found.start()):
        target = f"Solution::{fn_name}"
        if not re.search(r"\bstruct\s+Solution\b", code):
            code += "\npub struct Solution;\n"
    renamed = "#[allow(dead_code)]\nfn verireward_candidate_main()"
    code = re.sub(r"\bfn\s+main\s*\(\s*\)", renamed, code)
    main = "\n".join(
        [
            "#[allow(unused_mut)]",
            "fn main() {",
            f"    let args = verireward_call::arguments({len(lines)});",
            *lines,
            f"    let result = {target}({', '.join(call_args)});",
            "    verireward_call::send(&result);",
            "}",
        ]
    )
    return f"{code}\n\n{(_HERE / 'call_harness.rs').read_text()}\n{main}\n"


def _owned_type(kind: str) -> tuple[str, str]:
    """The owned type to decode a parameter into, and how to pass it (``&``, ``&mut ``)."""
    if re.search(r"\b(impl|dyn)\b", kind):
        raise CallHarnessError(f"cannot build a value of type {kind}")
    borrow = ""
    reference = re.match(r"&\s*('\w+\s+)?(mut\s+)?", kind)
    if reference and reference.group(0):
        borrow = "&mut " if reference.group(2) else "&"
        kind = kind[reference.end() :].strip()
    if kind == "str":
        kind = "String"
    elif kind.startswith("[") and kind.endswith("]") and ";" not in kind:
        kind = f"Vec<{kind[1:-1].strip()}>"
    return kind, borrow


def _balanced(code: str, opening: int) -> str:
    """The text inside the parentheses that open at ``opening``."""
    depth = 0
    for index in range(opening, len(code)):
        depth += {"(": 1, ")": -1}.get(code[index], 0)
        if depth == 0:
            return code[opening + 1 : index]
    raise CallHarnessError("unbalanced parentheses in the signature")


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        if char in "<([":
            depth += 1
        elif char in ">)]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def _inside_impl_solution(code: str, position: int) -> bool:
    for block in re.finditer(r"\bimpl\s+Solution\s*\{", code):
        depth = 0
        for index in range(block.end() - 1, len(code)):
            depth += {"{": 1, "}": -1}.get(code[index], 0)
            if depth == 0:
                if block.end() <= position < index:
                    return True
                break
    return False
