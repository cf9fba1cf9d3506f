"""Labels: the left side of ``k = 3``, ``f(x) = x + 1``, ``a_n = 2n``, ``(p, q) = (3, 2)``.

A label names what the value is; it is never part of the value. The equivalence rules compare a
labelled value with a bare one by its value, two labelled values by label and value, and rename
a function's bound variables (``f(z) = z`` is ``f(x) = x``).
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef
from verireward.verifiers.math.answers import Answer, Bracketed, Equation
from verireward.verifiers.math.latex_parser import DEGREE, PERCENT


def is_label(side: Answer) -> bool:
    """A single symbol (``k``, ``a_n``, ``\\\\rho_{0}``), a function application, or a tuple of
    those."""
    if isinstance(side, sp.Symbol):
        return side not in (DEGREE, PERCENT)
    if isinstance(side, AppliedUndef):
        return True
    if isinstance(side, Bracketed):
        return all(is_label(item) for item in side.items)
    return False


def labelled(answer: Answer) -> bool:
    return isinstance(answer, Equation) and is_label(answer.lhs)


def same_label(a: Answer, b: Answer) -> bool:
    if isinstance(a, Bracketed) and isinstance(b, Bracketed):
        return len(a.items) == len(b.items) and all(
            same_label(x, y) for x, y in zip(a.items, b.items, strict=True)
        )
    return isinstance(a, sp.Basic) and isinstance(b, sp.Basic) and a == b


def renamed_value(answer: Equation, reference: Equation) -> sp.Expr | None:
    """``f(z) = z^2`` against ``f(x) = ...``: the answer's value with ``z`` renamed ``x``."""
    lhs, target = answer.lhs, reference.lhs
    if not (isinstance(lhs, AppliedUndef) and isinstance(target, AppliedUndef)):
        return None
    if lhs.func != target.func or len(lhs.args) != len(target.args):
        return None
    if not all(isinstance(x, sp.Symbol) for x in (*lhs.args, *target.args)):
        return None
    if len(set(lhs.args)) != len(lhs.args) or not isinstance(answer.rhs, sp.Expr):
        return None
    return answer.rhs.subs(dict(zip(lhs.args, target.args, strict=True)), simultaneous=True)


def distinct_labels(items: tuple[Answer, ...]) -> bool:
    """``x = 1, y = 2``: every item labelled, no label twice (then order is by label)."""
    if not items or not all(labelled(i) for i in items):
        return False
    labels = [sp.srepr(i.lhs) if isinstance(i.lhs, sp.Basic) else repr(i.lhs) for i in items]
    return len(set(labels)) == len(labels)
