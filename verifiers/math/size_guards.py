"""Sizes checked before sympy evaluates anything: an integer power, factorial or binomial whose
value would have more than ``MAX_RESULT_DIGITS`` digits is refused, so ``9^{9^{9^9}}`` fails in
microseconds instead of eating a worker's memory."""

from __future__ import annotations

import math

import sympy as sp
from verireward.verifiers.math.tokens import ParseError, RefusedError

MAX_RESULT_DIGITS = 10_000


def scientific(text: str) -> sp.Expr:
    mantissa, _, exponent = text.lower().partition("e")
    if abs(int(exponent)) > MAX_RESULT_DIGITS:
        raise RefusedError("exponent too large")
    return sp.Rational(mantissa) * sp.Integer(10) ** int(exponent)


def power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    if base.is_number and exponent.is_number and exponent.is_real and base not in (0, 1, -1):
        magnitude = abs(sp.N(base, 15)) if base.is_real else None
        digits_per_unit = math.log10(float(magnitude)) if magnitude and magnitude > 0 else 1.0
        if abs(float(exponent)) * abs(digits_per_unit) > MAX_RESULT_DIGITS:
            raise RefusedError("number too large to evaluate safely")
    return sp.Pow(base, exponent)


def factorial(value: sp.Expr) -> sp.Expr:
    if value.free_symbols:
        return sp.factorial(value)  # "n!" in a formula
    if not (value.is_Integer and value >= 0):
        raise ParseError("factorial only of non-negative integers")
    if value > 3_000:
        raise RefusedError("factorial too large to evaluate safely")
    return sp.factorial(value)


def binomial(top: sp.Expr, bottom: sp.Expr) -> sp.Expr:
    if top.is_Integer and abs(top) > 100_000:
        raise RefusedError("binomial too large")
    return sp.binomial(top, bottom)
