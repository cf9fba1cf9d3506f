"""Decides whether a parsed answer equals the parsed reference, and names the rule that decided:
the answer's shape against the reference's (labels, chains, collections, tuples, ratios,
equations, matrices), down to values (``value_equality``) and sets of reals
(``interval_equality``).
"""

from __future__ import annotations

import sympy as sp
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
from verireward.verifiers.math.interval_equality import as_intervals, inequalities_equal, sets_equal
from verireward.verifiers.math.labelled import (
    distinct_labels,
    is_label,
    labelled,
    renamed_value,
    same_label,
)
from verireward.verifiers.math.reference import canonical_text
from verireward.verifiers.math.value_equality import (
    Rule,
    has_unknowns,
    nonzero_multiple,
    values_equal,
)


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
        return sets_equal(as_intervals(answer), as_intervals(reference), "interval")
    if isinstance(reference, Inequality):
        if isinstance(answer, Inequality) and inequalities_equal(answer, reference):
            return "relation"
        return sets_equal(as_intervals(answer), as_intervals(reference), "inequality_interval")
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
    if not all(isinstance(x, sp.Expr) and not has_unknowns(x) for x in sides):
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
        return sets_equal(as_intervals(answer), as_intervals(reference), "interval")
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
    if not (has_unknowns(answer.lhs - answer.rhs) or has_unknowns(reference.lhs - reference.rhs)):
        # statements about numbers: the same statement, not two that are both true
        # ("\\log_{36} 36 = 1" is not "i^8 = 1")
        same = sp.srepr(answer.lhs) == sp.srepr(reference.lhs)
        return "equation_sides" if same and values_equal(answer.rhs, reference.rhs) else None
    if values_equal(answer.lhs, reference.lhs) and values_equal(answer.rhs, reference.rhs):
        return "equation_sides"
    if values_equal(answer.lhs, reference.rhs) and values_equal(answer.rhs, reference.lhs):
        return "equation_sides"  # "5 = x" for "x = 5"
    a, b = answer.lhs - answer.rhs, reference.lhs - reference.rhs
    if not (has_unknowns(a) and has_unknowns(b)):
        return None  # "2 = 3" is not a scaled "4 = 6": without unknowns there is no line
    return "equation_scaled" if nonzero_multiple(a, b) else None


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
