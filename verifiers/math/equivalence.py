"""Decides whether a parsed answer equals the parsed reference, and names the rule that decided.

Values: exact rational equality when both are rational (decimals are read exactly, so ``0.333``
is not ``1/3``); otherwise the difference is evaluated at 60 significant digits and must vanish
to 1e-45 relative, then ``simplify(a - b) == 0`` confirms (``symbolic``), or the 45-digit
agreement of two exact expressions decides (``numeric``). With free symbols, the difference is
probed at random points first (any non-zero value: not equal), then simplified.
"""

from __future__ import annotations

import hashlib
import random

import sympy as sp
from sympy.core.function import AppliedUndef
from verireward.verifiers.math.answers import (
    Answer,
    Bracketed,
    Collection,
    Equation,
    Inequality,
    Interval,
    IntervalUnion,
    Matrix,
    Ratio,
    Text,
)
from verireward.verifiers.math.labelled import (
    distinct_labels,
    is_label,
    labelled,
    renamed_value,
    same_label,
)
from verireward.verifiers.math.latex_parser import DEGREE
from verireward.verifiers.math.reference import canonical_text
from verireward.verifiers.math.units import marker_pairs

Rule = str | None  # the rule that found them equal; None when they are not
_DIGITS = 60
_TOLERANCE = sp.Float("1e-45", _DIGITS)
_PROBES = 8
# integer-valued or piecewise parts: random points are never the only evidence for these
_STEPPED = (sp.floor, sp.ceiling, sp.Piecewise, sp.Mod, sp.factorial, sp.frac, sp.sign)


def equal(answer: Answer, reference: Answer) -> Rule:
    """The rule under which ``answer`` equals ``reference``, or ``None``."""
    if isinstance(answer, Equation) and not _consistent_chain(answer):
        return None  # "i^2 = 2(-1) = -1": a false step is not rescued by a right last side
    if labelled(reference) and not isinstance(answer, Equation):
        rule = equal(answer, reference.rhs)  # "3" for "k = 3", "x + 1" for "f(x) = x + 1"
        return rule and f"labelled_{rule}"
    if labelled(answer) and not isinstance(reference, Equation | Collection):
        rule = equal(answer.rhs, reference)  # "x = 5" for a value reference
        return rule and f"assignment_{rule}"
    if _true_statement(answer) and isinstance(reference, sp.Expr):
        rule = equal(answer.rhs, reference)  # "i^{15} = i^3 = -i": the value it arrives at
        return rule and f"chain_{rule}"
    if _true_statement(reference) and isinstance(answer, sp.Expr):
        rule = equal(answer, reference.rhs)  # "i^8 = (i^4)^2 = 1" for "1"
        return rule and f"chain_{rule}"
    if isinstance(reference, sp.Expr):
        return values_equal(answer, reference) if isinstance(answer, sp.Expr) else None
    if isinstance(reference, Text):
        same = isinstance(answer, Text) and canonical_text(answer.text) == canonical_text(
            reference.text
        )
        return "text_match" if same else None
    if isinstance(reference, Ratio):
        return _ratios_equal(answer, reference)
    if isinstance(reference, Collection):
        return _collections_equal(answer, reference)
    if isinstance(reference, Bracketed):
        return _bracketed_equal(answer, reference)
    if isinstance(reference, Interval | IntervalUnion):
        return _sets_equal(as_intervals(answer), as_intervals(reference), "interval")
    if isinstance(reference, Inequality):
        if isinstance(answer, Inequality) and _inequalities_equal(answer, reference):
            return "relation"
        return _sets_equal(as_intervals(answer), as_intervals(reference), "inequality_interval")
    if isinstance(reference, Equation):
        return _equations_equal(answer, reference)
    if isinstance(reference, Matrix):
        return _matrices_equal(answer, reference)
    return None


def _true_statement(answer: Answer) -> bool:
    """An equation between numbers that holds (``2^{10} = 1024``)."""
    if not isinstance(answer, Equation):
        return False
    sides = (answer.lhs, answer.rhs)
    if not all(isinstance(x, sp.Expr) and not _free(x) for x in sides):
        return False
    return values_equal(answer.lhs, answer.rhs) is not None


def _consistent_chain(answer: Equation) -> bool:
    return all(
        isinstance(side, sp.Expr)
        and isinstance(answer.rhs, sp.Expr)
        and values_equal(side, answer.rhs)
        for side in answer.middle
        if not is_label(side)
    )


def values_equal(a: sp.Expr, b: sp.Expr) -> Rule:
    if a == b:
        return "identical"
    pairs = marker_pairs(a, b)
    if pairs is not None:  # degrees, percent: see units.py
        found = next((r for x, y in pairs if (r := values_equal(x, y))), None)
        return found and ("degrees" if a.has(DEGREE) or b.has(DEGREE) else "percent")
    if a.is_Rational and b.is_Rational:
        return None  # distinct rationals: exactly unequal
    if a.has(sp.oo, -sp.oo) or b.has(sp.oo, -sp.oo):
        return None
    difference = a - b
    if not difference.free_symbols:
        return _constant_zero(a, b, difference)
    agreeing = _probe_zero(difference)
    if agreeing is None:
        return None
    proof = _zero_proof(difference)
    if proof is not None:
        return "symbolic" if proof else None
    if difference.has(*_STEPPED):
        return None  # floor(sqrt(n-1)) and floor(sqrt(n-2)) agree at most points
    return "numeric_probe" if agreeing >= _PROBES else None


def _constant_zero(a: sp.Expr, b: sp.Expr, difference: sp.Expr) -> Rule:
    try:
        value = sp.N(difference, _DIGITS)
        scale = max(abs(sp.N(a, 20)), abs(sp.N(b, 20)), sp.Integer(1))
        if not value.is_number or abs(value) > _TOLERANCE * scale:
            return None
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    proof = _zero_proof(difference)
    if proof is not None:
        return "symbolic" if proof else None
    return "numeric"  # 45-digit agreement of exact expressions simplify cannot settle


def _zero_proof(difference: sp.Expr) -> bool | None:
    """True: simplify proves the difference is 0; False: it proves it is not (a tiny but
    non-zero remainder, such as a 50-digit rounding of pi, is a difference); None: undecided."""
    try:
        simplified = sp.simplify(difference)
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return None
    if simplified == 0:
        return True
    if simplified.is_Rational or simplified.is_zero is False:
        return False
    return None


def _probe_zero(difference: sp.Expr) -> int | None:
    """Points (seeded, both signs) where the difference vanishes; ``None`` at the first where
    it clearly does not."""
    symbols = sorted(difference.free_symbols, key=str)
    # seeded from the pair itself (str hashes differ between processes): same verdict everywhere
    seed = hashlib.sha256(sp.srepr(difference).encode()).digest()
    chooser = random.Random(int.from_bytes(seed[:8], "big"))
    valid = 0
    for _ in range(_PROBES * 2):
        point = {
            s: sp.Rational(chooser.randint(-300, 300), chooser.randint(7, 97)) for s in symbols
        }
        try:
            value = sp.N(difference.subs(point), 30)
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if not value.is_number or value.has(sp.zoo, sp.nan):
            continue
        if abs(value) > sp.Float("1e-20"):
            return None
        valid += 1
        if valid >= _PROBES:
            break
    return valid


def _collections_equal(answer: Answer, reference: Collection) -> Rule:
    if isinstance(answer, Collection | Bracketed) and distinct_labels(reference.items):
        return _labelled_items_equal(answer.items, reference.items)
    if not isinstance(answer, Collection):
        return None
    if distinct_labels(answer.items):
        return _labelled_items_equal(reference.items, answer.items)
    if len(_labels(answer.items) | _labels(reference.items)) > 1:
        # "u_1 = 1, u_2 = x - 1, ...": labels are part of the items, matched whole
        return _bag_equal(list(answer.items), list(reference.items), reference.kind)
    items = [_strip_assignment(i) for i in answer.items]
    wanted = [_strip_assignment(i) for i in reference.items]
    return _bag_equal(items, wanted, reference.kind)


def _labels(items: tuple[Answer, ...]) -> set[str]:
    return {sp.srepr(i.lhs) for i in items if labelled(i) and isinstance(i.lhs, sp.Basic)}


def _bag_equal(items: list[Answer], wanted: list[Answer], kind: str) -> Rule:
    if len(items) != len(wanted):
        return None
    unmatched = list(range(len(items)))
    for target in wanted:
        found = next((i for i in unmatched if equal(items[i], target)), None)
        if found is None:
            return None
        unmatched.remove(found)
    return f"{kind}_equal"


def _labelled_items_equal(items: tuple[Answer, ...], wanted: tuple[Answer, ...]) -> Rule:
    """``x = 1, y = 2``: matched by label when both are labelled (``y = 2, x = 1`` is equal,
    ``x = 2, y = 1`` is not), in order against bare values (``1, 2``)."""
    if len(items) != len(wanted):
        return None
    if distinct_labels(items):
        for target in wanted:
            assert isinstance(target, Equation)
            match = next((i for i in items if same_label(i.lhs, target.lhs)), None)
            if match is None or not equal(match.rhs, target.rhs):
                return None
        return "labelled_set_equal"
    if any(isinstance(i, Equation) for i in items):
        return None
    pairs = zip(items, wanted, strict=True)
    return "labelled_tuple_equal" if all(equal(i, w.rhs) for i, w in pairs) else None


def _ratios_equal(answer: Answer, reference: Ratio) -> Rule:
    if not isinstance(answer, Ratio) or len(answer.parts) != len(reference.parts):
        return None
    if any(p == 0 for p in (*answer.parts, *reference.parts)):
        pairs = zip(answer.parts, reference.parts, strict=True)
        return "ratio" if all(values_equal(a, r) for a, r in pairs) else None
    first, wanted = answer.parts[0], reference.parts[0]
    for a, r in zip(answer.parts[1:], reference.parts[1:], strict=True):
        if not values_equal(a / first, r / wanted):
            return None
    return "ratio"


def _strip_assignment(item: Answer) -> Answer:
    if isinstance(item, Equation) and isinstance(item.lhs, sp.Symbol):
        return item.rhs
    return item


def _bracketed_equal(answer: Answer, reference: Bracketed) -> Rule:
    if isinstance(answer, Interval | IntervalUnion | Inequality) and len(reference.items) == 2:
        return _sets_equal(as_intervals(answer), as_intervals(reference), "interval")
    if not isinstance(answer, Bracketed) or (answer.left, answer.right) != (
        reference.left,
        reference.right,
    ):
        return None
    if len(answer.items) != len(reference.items):
        return None
    if all(equal(a, r) for a, r in zip(answer.items, reference.items, strict=True)):
        return "tuple_equal"
    return None


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


def _sets_equal(
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


def _inequalities_equal(a: Inequality, b: Inequality) -> bool:
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
    return opa == opb and _positive_multiple(fa, fb)


def _as_less(lhs: sp.Expr, op: str, rhs: sp.Expr) -> tuple[sp.Expr, str]:
    if op in (">", ">="):
        return rhs - lhs, "<" + op[1:]
    return lhs - rhs, op


def _equations_equal(answer: Answer, reference: Equation) -> Rule:
    if not isinstance(answer, Equation):
        return None
    if labelled(answer) and labelled(reference):
        if same_label(answer.lhs, reference.lhs):
            rule = equal(answer.rhs, reference.rhs)
            return rule and "labelled_equal"
        value = renamed_value(answer, reference)
        if value is not None:
            rule = equal(value, reference.rhs)
            return rule and "renamed_variable"
    if not all(isinstance(x, sp.Expr) for x in (answer.lhs, answer.rhs, reference.lhs)):
        return None
    if not isinstance(reference.rhs, sp.Expr):
        return None
    if not (_free(answer.lhs - answer.rhs) or _free(reference.lhs - reference.rhs)):
        # statements about numbers: the same statement, not two that are both true
        # ("\\log_{36} 36 = 1" is not "i^8 = 1")
        same = sp.srepr(answer.lhs) == sp.srepr(reference.lhs)
        return "equation_sides" if same and values_equal(answer.rhs, reference.rhs) else None
    if values_equal(answer.lhs, reference.lhs) and values_equal(answer.rhs, reference.rhs):
        return "equation_sides"
    if values_equal(answer.lhs, reference.rhs) and values_equal(answer.rhs, reference.lhs):
        return "equation_sides"  # "5 = x" for "x = 5"
    a, b = answer.lhs - answer.rhs, reference.lhs - reference.rhs
    if not (_free(a) and _free(b)):
        return None  # "2 = 3" is not a scaled "4 = 6": without unknowns there is no line
    return "equation_scaled" if _nonzero_multiple(a, b) else None


def _free(expr: sp.Expr) -> bool:
    return bool(expr.free_symbols) or bool(expr.atoms(AppliedUndef))


def _ratio(a: sp.Expr, b: sp.Expr) -> sp.Expr | None:
    if b == 0:
        return None
    try:
        ratio = sp.simplify(a / b)
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return None
    return ratio if not ratio.free_symbols and ratio.is_number else None


def _nonzero_multiple(a: sp.Expr, b: sp.Expr) -> bool:
    ratio = _ratio(a, b)
    return ratio is not None and ratio != 0 and ratio.is_finite is True


def _positive_multiple(a: sp.Expr, b: sp.Expr) -> bool:
    ratio = _ratio(a, b)
    return ratio is not None and ratio.is_positive is True


def _matrices_equal(answer: Answer, reference: Matrix) -> Rule:
    if not isinstance(answer, Matrix):
        return None
    shape = (len(reference.rows), len(reference.rows[0]))
    if (len(answer.rows), len(answer.rows[0])) != shape:
        return None
    pairs = zip(
        (x for row in answer.rows for x in row),
        (x for row in reference.rows for x in row),
        strict=True,
    )
    return "matrix_equal" if all(values_equal(a, r) for a, r in pairs) else None


def rule_family(reference: Answer) -> str:
    """The comparison tried for a reference of this shape (reported on a wrong answer)."""
    families = (
        (Collection, "collection"),
        (Bracketed, "tuple"),
        (Interval, "interval"),
        (IntervalUnion, "interval"),
        (Inequality, "relation"),
        (Equation, "equation"),
        (Matrix, "matrix"),
    )
    return next((name for kind, name in families if isinstance(reference, kind)), "value")
