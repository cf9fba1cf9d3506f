"""Degrees, percentages and rounded references: rules that read how a number was written.

The parser marks ``30^\\circ`` as ``30 * DEGREE`` and ``50\\%`` as ``50 * PERCENT``; these rules
decide what the marked value may equal and remove the markers before values are compared:

- degrees: when both sides carry the sign, their numbers compare; when one does, ``x°`` equals
  the bare ``x`` (a dataset that dropped the sign) or ``x·π/180`` (the same angle in radians).
- percent: when both sides carry it, their numbers compare (``0.5\\%`` is not ``50\\%``); when one
  does, ``x\\%`` equals the bare ``x`` or ``x/100``.
- rounded references: a reference written as a decimal with ``k`` places accepts an exact answer
  that rounds to it at ``k`` places (``\\frac{600}{7}`` for ``85.71``); a decimal answer is
  compared exactly, so a truncated decimal of an exact reference stays wrong.
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy as sp
from verireward.verifiers.math.latex_parser import DEGREE, PERCENT

_DECIMAL = re.compile(r"-?\d*\.(\d+)")
_MARKERS = ((DEGREE, sp.pi / 180), (PERCENT, sp.Rational(1, 100)))


def marker_pairs(a: sp.Expr, b: sp.Expr) -> list[tuple[sp.Expr, sp.Expr]] | None:
    """The marker-free pairs to compare, ``None`` when neither side is marked ([] when a marker
    is used in a way no rule reads, like ``30^\\circ + 1``)."""
    if not (a.has(DEGREE, PERCENT) or b.has(DEGREE, PERCENT)):
        return None
    pairs = [(a, b)]
    for marker, scale in _MARKERS:
        next_pairs = []
        for x, y in pairs:
            if not (_linear(x, marker) and _linear(y, marker)):
                return []
            marked_x, marked_y = x.has(marker), y.has(marker)
            if marked_x and marked_y:
                next_pairs.append((x.subs(marker, 1), y.subs(marker, 1)))
            elif marked_x:
                next_pairs += [(x.subs(marker, 1), y), (x.subs(marker, scale), y)]
            elif marked_y:
                next_pairs += [(x, y.subs(marker, 1)), (x, y.subs(marker, scale))]
            else:
                next_pairs.append((x, y))
        pairs = next_pairs
    return pairs


def _linear(expr: sp.Expr, marker: sp.Symbol) -> bool:
    """``x·marker`` (or unmarked): the only shape the rules read."""
    if not expr.has(marker):
        return True
    return expr.subs(marker, 0) == 0 and not sp.diff(expr, marker).has(marker)


def decimal_places(reference_text: str) -> int | None:
    match = _DECIMAL.fullmatch(reference_text.strip())
    return len(match.group(1)) if match else None


def rounds_to(answer: sp.Expr | Fraction, answer_text: str, reference_text: str) -> bool:
    """Whether an exact (non-decimal) answer rounds to a decimal reference at its places."""
    places = decimal_places(reference_text)
    if places is None or decimal_places(answer_text) is not None:
        return False
    reference = Fraction(reference_text.strip())
    tolerance = Fraction(1, 2 * 10**places)
    # strictly inside: a tie (1/4 for "0.2") is a terminating decimal, not a rounded one
    if isinstance(answer, Fraction):
        return abs(answer - reference) < tolerance
    if answer.free_symbols or answer.has(DEGREE, PERCENT, sp.oo, -sp.oo, sp.zoo):
        return False
    difference = answer - sp.Rational(reference.numerator, reference.denominator)
    bound = sp.Rational(tolerance.numerator, tolerance.denominator)
    if difference.is_Rational:  # exact: a tie stays a tie
        return bool(abs(difference) < bound)
    try:
        value = sp.N(difference, 30)
    except (TypeError, ValueError, ZeroDivisionError):
        return False
    if not (value.is_number and value.is_real):
        return False
    return bool(abs(value) < bound)
