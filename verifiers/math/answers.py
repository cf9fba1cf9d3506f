"""Reads a normalized answer into a structure: a value, an equation, an inequality, an interval
(or union), a set, an ordered tuple, an unordered list, a matrix, a choice letter or a text.

Structure is decided by the text's top level (outside brackets): ``\\{..\\}`` is a set, mixed
brackets ``(1,2]`` an interval, ``(1,2)``/``[1,2]`` a bracketed pair that is compared as a tuple
or, against an interval or inequality, as the interval it writes; bare commas (or "and"/"or")
a list whose order does not matter; ``a \\pm b`` the list of both values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import sympy as sp
from verireward.verifiers.math.latex_parser import DEGREE, PERCENT, parse_expression
from verireward.verifiers.math.tokens import ParseError, tokenize

Expr = sp.Expr


@dataclass(frozen=True)
class Equation:
    lhs: Expr
    rhs: Expr
    middle: tuple[Expr, ...] = ()  # "x = a = b": the sides between, which must all equal b


@dataclass(frozen=True)
class Inequality:
    parts: tuple[Expr, ...]  # a < b <= c: parts (a, b, c), ops ("<", "<=")
    ops: tuple[str, ...]


@dataclass(frozen=True)
class Interval:
    low: Expr
    high: Expr
    left_open: bool
    right_open: bool


@dataclass(frozen=True)
class IntervalUnion:
    pieces: tuple[Interval, ...]


@dataclass(frozen=True)
class Bracketed:
    items: tuple[Answer, ...]
    left: str
    right: str


@dataclass(frozen=True)
class Collection:
    items: tuple[Answer, ...]
    kind: str  # "set" | "list"


@dataclass(frozen=True)
class Matrix:
    rows: tuple[tuple[Expr, ...], ...]


@dataclass(frozen=True)
class Choice:
    letter: str


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Ratio:
    """``2:1``, ``1 : (4/3)``: equal to another ratio with the same proportions."""

    parts: tuple[Expr, ...]


Answer = (
    Expr
    | Equation
    | Inequality
    | Interval
    | IntervalUnion
    | Bracketed
    | Collection
    | Matrix
    | Choice
    | Text
    | Ratio
)

_OPENERS, _CLOSERS = "([{", ")]}"
_CLOCK = re.compile(r"\d\d:\d\d")  # zero-padded: a time of day (normalize writes 16:30)
_SET_BUILDER = re.compile(r"^\s*[a-zA-Z](?:_\{?\w+\}?)?\s*(?:\\mid|\||:)\s*")
_RELATION = re.compile(r"<=|>=|!=|=|<|>")
_CHOICE = re.compile(r"^\(?([A-J])\)?[.:]?$")
_MATRIX = re.compile(r"^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^}]*\})?(.*)\\end\{\1\}$", re.S)
_EMPTY = {"\\emptyset", "\\varnothing", "\\{\\}", "\\{ \\}", "{}", "∅"}
_RELATION_CMDS = re.compile(r"\\(leqslant|geqslant|leq|geq|neq|le|ge|ne|lt|gt)(?![a-zA-Z])")
_RELATION_OPS = {
    "leqslant": "<=",
    "geqslant": ">=",
    "leq": "<=",
    "geq": ">=",
    "neq": "!=",
    "le": "<=",
    "ge": ">=",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
}


def parse_answer(text: str, imaginary_unit: bool = False) -> Answer:
    text = text.strip()
    if not text:
        raise ParseError("empty answer")
    if text in _EMPTY:
        return Collection((), "set")
    matrix = _MATRIX.match(text)
    if matrix:
        return _matrix(matrix.group(2), imaginary_unit)
    if _CLOCK.fullmatch(text):
        return Text(text)
    text = re.sub(r"^[a-zA-Z]\s*\\in\s*(?=[\[(]|\\\{)", "", text)  # "x \in [2, 5)"
    text = _RELATION_CMDS.sub(lambda m: _RELATION_OPS[m.group(1)], text)
    union = split_top(text, ("\\cup",))
    if len(union) > 1:
        return IntervalUnion(tuple(_interval_piece(p, imaginary_unit) for p in union))
    if text.startswith("\\{") and text.endswith("\\}") and _encloses(text, 2):
        inner = text[2:-2]
        builder = _SET_BUILDER.match(inner)
        if builder:  # {x | -1 < x < 1} is the set its condition describes
            return parse_answer(inner[builder.end() :], imaginary_unit)
        items = split_top(inner, (",", ";")) if inner.strip() else []
        return Collection(_flat(parse_answer(i, imaginary_unit) for i in items), "set")
    if text[0] in "([" and text[-1] in ")]" and _encloses(text, 1):
        items = split_top(text[1:-1], (",",))
        if len(items) > 1:
            parsed = tuple(parse_answer(i, imaginary_unit) for i in items)
            if (
                text[0] + text[-1] in ("(]", "[)")
                or sp.oo in _exprs(parsed)
                or -sp.oo in _exprs(parsed)
            ):
                return _interval_piece(text, imaginary_unit)
            return Bracketed(parsed, text[0], text[-1])
    items = split_top(text, (",", ";", " and ", " or ", "\\text{ and }", "\\text{ or }"))
    if len(items) > 1:
        return Collection(_flat(parse_answer(i, imaginary_unit) for i in items), "list")
    variants = expand_pm(text)
    if len(variants) > 1:  # "\frac{-1 \pm \sqrt3}{4}": both values
        return Collection(tuple(parse_answer(v, imaginary_unit) for v in variants), "pm")
    text = _approximation(text, imaginary_unit)
    ratio = split_top(text, (":",))
    if len(ratio) == 2:
        return Ratio(tuple(parse_expression(p, imaginary_unit) for p in ratio))
    return _relation_or_value(text, imaginary_unit)


def expand_pm(text: str, limit: int = 3) -> list[str]:
    """Every sign choice of ``\\pm``/``\\mp`` (at most ``limit`` of them), anywhere in the text."""
    found = re.search(r"\\(?:pm|mp)(?![a-zA-Z])", text)
    if found is None:
        return [text]
    if limit == 0:
        raise ParseError("too many \\pm signs")
    head, tail = text[: found.start()], text[found.end() :]
    return [v for sign in "+-" for v in expand_pm(f"{head}{sign}{tail}", limit - 1)]


def _flat(items: Iterable[Answer]) -> tuple[Answer, ...]:
    """Items of a set or list, with each ``\\pm`` item contributing both of its values."""
    flat: list[Answer] = []
    for item in items:
        if isinstance(item, Collection) and item.kind == "pm":
            flat.extend(item.items)
        else:
            flat.append(item)
    return tuple(flat)


def _approximation(text: str, imaginary_unit: bool) -> str:
    """``\\frac{\\pi}{4} \\approx 0.785`` is its exact side, and only if the approximation
    holds (a wrong decimal is a wrong answer); ``x \\approx 3.14`` is its value."""
    sides = [p for p in split_top(text, ("\\approx",)) if not re.fullmatch(r"[a-zA-Z]", p)]
    if len(sides) > 1 and not approximates(
        parse_expression(sides[0], imaginary_unit), sides[-1], imaginary_unit
    ):
        raise ParseError(f"{sides[0]!r} is not approximately {sides[-1]!r}")
    return sides[0] if sides else text


def approximates(exact: Expr, approximation: str, imaginary_unit: bool) -> bool:
    """Whether ``exact`` is within one unit of the last written place of ``approximation``."""
    value = parse_expression(approximation, imaginary_unit)
    digits = re.search(r"\.(\d+)", approximation)
    tolerance = sp.Rational(1, 10 ** len(digits.group(1))) if digits else sp.Integer(1)
    if value.has(PERCENT):
        tolerance /= 100
    values = [v.subs({PERCENT: sp.Rational(1, 100), DEGREE: sp.pi / 180}) for v in (exact, value)]
    if any(v.free_symbols for v in values):
        return True  # nothing numeric to check
    try:
        difference = sp.N(values[0] - values[1], 30)
    except (TypeError, ValueError, ZeroDivisionError):
        return False
    return bool(difference.is_number and difference.is_real and abs(difference) <= tolerance)


def _relation_or_value(text: str, imaginary_unit: bool) -> Answer:
    pieces = _split_relations(text)
    if len(pieces) == 1:
        return parse_expression(text, imaginary_unit)
    ops = tuple(pieces[1::2])
    if set(ops) == {"="}:
        # "x = y = z = 1/2", "t = ln2/0.1 = 10 ln 2": the first side names the last value;
        # "(p, q) = (3, 2)" names a tuple
        sides = [_side(p, imaginary_unit) for p in pieces[0::2]]
        return Equation(sides[0], sides[-1], tuple(sides[1:-1]))
    parts = tuple(parse_expression(p, imaginary_unit) for p in pieces[0::2])
    if "=" in ops or ("!=" in ops and len(ops) > 1):
        raise ParseError("mixed relation chain")
    return Inequality(parts, ops)


def _side(text: str, imaginary_unit: bool) -> Expr | Bracketed:
    if text[:1] in "([" and text[-1:] in ")]" and _encloses(text, 1):
        parsed = parse_answer(text, imaginary_unit)
        if isinstance(parsed, Bracketed):
            return parsed
    return parse_expression(text, imaginary_unit)


def _split_relations(text: str) -> list[str]:
    """Sides and operators of relations outside brackets: ``f(x)=x`` -> [f(x), =, x]."""
    pieces, depth, start, index = [], 0, 0, 0
    while index < len(text):
        char = text[index]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
        elif depth == 0:
            found = _RELATION.match(text, index)
            if found:
                pieces += [text[start:index].strip(), found.group()]
                index = start = found.end()
                continue
        index += 1
    pieces.append(text[start:].strip())
    if any(not p for p in pieces[0::2]):
        raise ParseError("a relation needs two sides")
    return pieces


def _interval_piece(text: str, imaginary_unit: bool) -> Interval:
    text = text.strip()
    if not (text[:1] in "([" and text[-1:] in ")]" and _encloses(text, 1)):
        raise ParseError(f"not an interval: {text!r}")
    items = split_top(text[1:-1], (",",))
    if len(items) != 2:
        raise ParseError("an interval has two endpoints")
    low, high = (parse_expression(i, imaginary_unit) for i in items)
    return Interval(low, high, text[0] == "(", text[-1] == ")")


def _matrix(body: str, imaginary_unit: bool) -> Matrix:
    rows = [r for r in re.split(r"\\\\", body) if r.strip()]
    parsed = tuple(tuple(parse_expression(c, imaginary_unit) for c in r.split("&")) for r in rows)
    if not parsed or len({len(r) for r in parsed}) != 1:
        raise ParseError("ragged or empty matrix")
    return Matrix(parsed)


def _exprs(items: tuple[Answer, ...]) -> list[Expr]:
    return [i for i in items if isinstance(i, sp.Expr)]


def split_top(text: str, separators: tuple[str, ...]) -> list[str]:
    """Split on separators that stand outside every bracket."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(text):
        if text.startswith(("\\{", "\\left"), index) or text[index] in _OPENERS:
            depth += 1
        elif text.startswith("\\}", index) or text[index] in _CLOSERS:
            depth -= 1
        elif depth == 0:
            separator = next((s for s in separators if text.startswith(s, index)), None)
            if separator is not None:
                parts.append(text[start:index])
                index += len(separator)
                start = index
                continue
        index += 2 if text.startswith(("\\{", "\\}"), index) else 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()] if len(parts) > 1 else [text]


def _encloses(text: str, width: int) -> bool:
    """Whether the opening bracket at 0 closes at the very end (``(1)+(2)`` does not)."""
    depth, index = 0, 0
    while index < len(text):
        step = 2 if text.startswith(("\\{", "\\}"), index) else 1
        if text.startswith("\\{", index) or text[index] in _OPENERS:
            depth += 1
        elif text.startswith("\\}", index) or text[index] in _CLOSERS:
            depth -= 1
            if depth == 0:
                return index + step == len(text) and step == width
        index += step
    return False


def choice_letter(text: str) -> str | None:
    match = _CHOICE.match(text.strip())
    return match.group(1) if match else None


def is_text_answer(text: str) -> bool:
    """Plain words (``yes``, ``Tuesday``, ``no solution``): compared as text, never as symbols."""
    stripped = text.strip()
    if not re.fullmatch(r"[A-Za-z][A-Za-z '\-]*", stripped):
        return False
    try:
        tokens = tokenize(stripped)
    except ParseError:
        return True
    return any(
        t.kind == "word"
        and len(t.text) > 1
        and t.text.lower()
        not in (
            "pi",
            "sqrt",
            "sin",
            "cos",
            "tan",
            "ln",
            "log",
            "exp",
            "inf",
            "infinity",
        )
        for t in tokens
    )
