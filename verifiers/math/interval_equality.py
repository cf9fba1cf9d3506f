"""Answers that describe sets of reals: intervals, unions of them, and inequalities in one
unknown (``x > 3`` is ``(3, \\infty)``), compared piece by piece with exact endpoints."""

from __future__ import annotations

import sympy as sp
from verireward.verifiers.math.answers import Answer, Bracketed, Inequality, Interval, IntervalUnion
from verireward.verifiers.math.value_equality import Rule, positive_multiple, values_equal


def as_intervals(answer: Answer) -> tuple[Interval, ...] | None:
    """The real set an answer describes, as intervals; ``None`` if it describes none."""
    if isinstance(answer, Interval):
        return (answer,)
    if isinstance(answer, IntervalUnion):
        return answer.pieces
    if isinstance(answer, Bracketed) and len(answer.items) == 2:
        low, high = answer.items
        if isinstance(low, sp.Expr) and isinstance(high, sp.Expr):
            return (Interval(low, high, answer.left == "(", answer.right == ")"),)
    if isinstance(answer, Inequality):
        return _inequality_interval(answer)
    return None


def _inequality_interval(inequality: Inequality) -> tuple[Interval, ...] | None:
    parts, ops = inequality.parts, inequality.ops
    variables = [p for p in parts if isinstance(p, sp.Symbol)]
    if len(variables) != 1:
        return None
    if len(parts) == 2:
        (variable_first, op) = (isinstance(parts[0], sp.Symbol), ops[0])
        bound = parts[1] if variable_first else parts[0]
        if op == "!=":
            return (Interval(-sp.oo, bound, True, True), Interval(bound, sp.oo, True, True))
        upper = (op in ("<", "<=")) == variable_first
        closed = op in ("<=", ">=")
        if upper:
            return (Interval(-sp.oo, bound, True, not closed),)
        return (Interval(bound, sp.oo, not closed, True),)
    if len(parts) == 3 and isinstance(parts[1], sp.Symbol) and ops[0][0] == ops[1][0]:
        low, high = (parts[0], parts[2]) if ops[0][0] == "<" else (parts[2], parts[0])
        left_op, right_op = (ops[0], ops[1]) if ops[0][0] == "<" else (ops[1], ops[0])
        return (Interval(low, high, "=" not in left_op, "=" not in right_op),)
    return None


def sets_equal(
    answer: tuple[Interval, ...] | None, reference: tuple[Interval, ...] | None, rule: str
) -> Rule:
    if answer is None or reference is None or len(answer) != len(reference):
        return None
    remaining = list(answer)
    for piece in reference:
        match = next((a for a in remaining if _intervals_equal(a, piece)), None)
        if match is None:
            return None
        remaining.remove(match)
    return rule


def _intervals_equal(a: Interval, b: Interval) -> bool:
    return (
        (a.left_open, a.right_open) == (b.left_open, b.right_open)
        and _endpoint_equal(a.low, b.low)
        and _endpoint_equal(a.high, b.high)
    )


def _endpoint_equal(a: sp.Expr, b: sp.Expr) -> bool:
    if a in (sp.oo, -sp.oo) or b in (sp.oo, -sp.oo):
        return a == b
    return values_equal(a, b) is not None


def inequalities_equal(a: Inequality, b: Inequality) -> bool:
    return _normal_relations(a) == _normal_relations(b) or _same_relations(a, b)


def _normal_relations(inequality: Inequality) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # every part and every operator: "x > 2" and "x > 100" share a direction, not a bound
    return tuple(sp.srepr(x) for x in inequality.parts), inequality.ops


def _same_relations(a: Inequality, b: Inequality) -> bool:
    """``x > 3`` equals ``3 < x``: compare ``f op 0`` forms, ops and scaled differences."""
    if len(a.ops) != 1 or len(b.ops) != 1:
        return False
    fa, opa = _as_less(a.parts[0], a.ops[0], a.parts[1])
    fb, opb = _as_less(b.parts[0], b.ops[0], b.parts[1])
    if not (fa.free_symbols and fb.free_symbols):
        return False  # "1 < 2" and "3 < 5" are both true, not the same answer
    return opa == opb and positive_multiple(fa, fb)


def _as_less(lhs: sp.Expr, op: str, rhs: sp.Expr) -> tuple[sp.Expr, str]:
    if op in (">", ">="):
        return rhs - lhs, "<" + op[1:]
    return lhs - rhs, op
