"""Assert-mode tests, rewritten on the host before they enter the sandbox (so the judge never
imports ``ast``, which costs tens of milliseconds per submission): every ``assert`` becomes a
call that keeps its line and text, and ``assert a == b`` keeps both sides, for the explanation.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache


@lru_cache(maxsize=256)  # the completions of one prompt share their tests (GRPO groups)
def rewrite_asserts(source: str) -> tuple[str, dict[int, str]]:
    """The tests with asserts made explanatory, and the original text of the assert on each
    rewritten line; the source unchanged if it cannot be rewritten (the judge then reports
    plain assertion failures)."""
    try:
        tree = ast.parse(source)
        lines = source.splitlines()
        for statements in _statement_lists(tree):
            statements[:] = [_rewrite(s, lines) for s in statements]
        rewritten = ast.unparse(tree)  # (unparse needs no locations for the new nodes)
        return rewritten, _texts(ast.parse(rewritten))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return source, {}


def _statement_lists(node: ast.AST) -> Iterator[list[ast.stmt]]:
    """Every list of statements in the tree (bodies, else and finally blocks, handlers' and
    match cases' bodies), reached through statements only: an assert is a statement, and the
    tests' expressions (often large literals) are never walked."""
    for name in ("body", "orelse", "finalbody", "handlers", "cases"):
        children = getattr(node, name, None)
        if not isinstance(children, list):
            continue
        if name in ("body", "orelse", "finalbody"):
            yield children
        for child in children:
            if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case):
                yield from _statement_lists(child)


def _rewrite(statement: ast.stmt, lines: list[str]) -> ast.stmt:
    if not isinstance(statement, ast.Assert):
        return statement
    line = statement.lineno
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    where = [ast.Constant(line), ast.Constant(text)]
    test = statement.test
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        name, args = "_verireward_assert_eq", [test.left, test.comparators[0], *where]
    else:
        name, args = "_verireward_assert", [test, *where]
    call = ast.Call(ast.Name(name, ast.Load()), args, [])
    return ast.copy_location(ast.Expr(call), statement)


def _texts(tree: ast.Module) -> dict[int, str]:
    """Line of each rewritten assert in the rewritten source -> the assert's original text."""
    texts = {}
    for statements in _statement_lists(tree):
        for statement in statements:
            node = statement.value if isinstance(statement, ast.Expr) else None
            named = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if named and node.func.id.startswith("_verireward_assert") and node.args:  # type: ignore[union-attr]
                text = node.args[-1]  # type: ignore[union-attr]
                if isinstance(text, ast.Constant) and isinstance(text.value, str):
                    texts[node.lineno] = text.value  # type: ignore[union-attr]
    return texts
