"""Whether two values (sympy expressions) are equal, and under which rule.

Exact rational equality when both are rational (decimals are read exactly, so ``0.333`` is not
``1/3``); otherwise the difference is evaluated at 60 significant digits and must vanish to
1e-45 relative, then ``simplify(a - b) == 0`` confirms (``symbolic``), or the 45-digit agreement
of two exact expressions decides (``numeric``). With free symbols, the difference is probed at
random points first (any non-zero value: not equal), then simplified.
"""

from __future__ import annotations

import hashlib
import random

import sympy as sp
from sympy.core.function import AppliedUndef
from verireward.verifiers.math.latex_parser import DEGREE
from verireward.verifiers.math.units import marker_pairs

Rule = str | None  # the rule that found them equal; None when they are not
_DIGITS = 60
_TOLERANCE = sp.Float("1e-45", _DIGITS)
_PROBES = 8
# integer-valued or piecewise parts: random points are never the only evidence for these
_STEPPED = (sp.floor, sp.ceiling, sp.Piecewise, sp.Mod, sp.factorial, sp.frac, sp.sign)


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


def has_unknowns(expr: sp.Expr) -> bool:
    return bool(expr.free_symbols) or bool(expr.atoms(AppliedUndef))


def _ratio(a: sp.Expr, b: sp.Expr) -> sp.Expr | None:
    if b == 0:
        return None
    try:
        ratio = sp.simplify(a / b)
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return None
    return ratio if not ratio.free_symbols and ratio.is_number else None


def nonzero_multiple(a: sp.Expr, b: sp.Expr) -> bool:
    ratio = _ratio(a, b)
    return ratio is not None and ratio != 0 and ratio.is_finite is True


def positive_multiple(a: sp.Expr, b: sp.Expr) -> bool:
    ratio = _ratio(a, b)
    return ratio is not None and ratio.is_positive is True
