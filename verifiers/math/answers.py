"""Reads a normalized answer into a structure: a value, an equation, an inequality, an interval
(or union), a set, an ordered tuple, an unordered list, a matrix, a choice letter or a text.

Structure is decided by the text's top level (outside brackets): ``\\{..\\}`` is a set, mixed
brackets ``(1,2]`` an interval, ``(1,2)``/``[1,2]`` a bracketed pair that is compared as a tuple
or, against an interval or inequality, as the interval it writes; bare commas (or "and"/"or")
a list whose order does not matter; ``a \\pm b`` the list of both values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from verireward.verifiers.math.latex_parser import parse_expression
from verireward.verifiers.math.tokens import ParseError, tokenize

Expr = sp.Expr


@dataclass(frozen=True)
class Equation:
    lhs: Expr
    rhs: Expr


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
)

_OPENERS, _CLOSERS = "([{", ")]}"
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
    text = re.sub(r"^[a-zA-Z]\s*\\in\s*", "", text)  # "x \in [2, 5)"
    text = _RELATION_CMDS.sub(lambda m: _RELATION_OPS[m.group(1)], text)
    union = split_top(text, ("\\cup",))
    if len(union) > 1:
        return IntervalUnion(tuple(_interval_piece(p, imaginary_unit) for p in union))
    if text.startswith("\\{") and text.endswith("\\}") and _encloses(text, 2):
        inner = text[2:-2]
        items = split_top(inner, (",", ";")) if inner.strip() else []
        return Collection(tuple(parse_answer(i, imaginary_unit) for i in items), "set")
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
        return Collection(tuple(parse_answer(i, imaginary_unit) for i in items), "list")
    plus_minus = split_top(text, ("\\pm",))
    if len(plus_minus) == 2:
        left, right = plus_minus
        return Collection(
            (
                parse_answer(f"{left}+{right}", imaginary_unit),
                parse_answer(f"{left}-({right})", imaginary_unit),
            ),
            "list",
        )
    return _relation_or_value(text, imaginary_unit)


def _relation_or_value(text: str, imaginary_unit: bool) -> Answer:
    pieces = re.split(r"(<=|>=|!=|=|<|>)", text)
    if len(pieces) == 1:
        return parse_expression(text, imaginary_unit)
    parts = tuple(parse_expression(p, imaginary_unit) for p in pieces[0::2])
    ops = tuple(pieces[1::2])
    if ops == ("=",):
        return Equation(parts[0], parts[1])
    if "=" in ops or ("!=" in ops and len(ops) > 1):
        raise ParseError("mixed relation chain")
    return Inequality(parts, ops)


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
