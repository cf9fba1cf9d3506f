"""A LaTeX / plain-math expression parser that builds sympy objects and never executes input.

The input is tokenized by one regular expression and read by a recursive-descent parser; only
the constructors below are ever called (no ``eval``, ``sympify`` or ``parse_expr``), so
``__import__('os')`` is just the product of some symbols. Sizes are guarded before sympy sees
them: an integer power or factorial whose result would have more than ``MAX_RESULT_DIGITS``
digits is refused (``size_guards``), so ``9^{9^{9^9}}`` fails fast instead of eating the worker.
"""

from __future__ import annotations

import sympy as sp
from verireward.verifiers.math.size_guards import binomial, factorial, power, scientific
from verireward.verifiers.math.tokens import ParseError, RefusedError, Token, tokenize
from verireward.verifiers.math.vocabulary import CONSTANTS, FUNCTIONS, GREEK, RELATIONS

MAX_DEPTH = 120
__all__ = ["DEGREE", "PERCENT", "ParseError", "parse_expression", "tokenize"]


_RELATIONS, _FUNCTIONS, _CONSTANTS, _GREEK = RELATIONS, FUNCTIONS, CONSTANTS, GREEK
_TIMES = {"cdot", "times", "ast"}
# A letter written before "(" is a function applied, never a product: "f(0)" is not 0.
_FUNCTION_LETTERS = frozenset("fghFGH")
_ACCENTS = frozenset(["bar", "hat", "vec", "tilde", "dot", "ddot", "overline", "widehat"])
# Markers the equivalence rules read and remove: "30^\circ" is 30*DEGREE, "50\%" is 50*PERCENT.
DEGREE = sp.Symbol("degree_marker")
PERCENT = sp.Symbol("percent_marker")


def parse_expression(text: str, imaginary_unit: bool = False) -> sp.Expr:
    """Parse one expression (no top-level commas or relations)."""
    parser = _Parser(tokenize(text), imaginary_unit)
    expr = parser.expression()
    if not parser.done():
        raise ParseError(f"unexpected {parser.peek_text()!r}")
    return _checked(expr)


def _checked(expr: sp.Expr) -> sp.Expr:
    if expr.has(sp.zoo, sp.nan) or expr is sp.S.NaN:
        raise RefusedError("undefined value (division by zero?)")
    return expr


class _Parser:
    def __init__(self, tokens: list[Token], imaginary_unit: bool) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.imaginary_unit = imaginary_unit

    # -- token access ----------------------------------------------------------------------
    def done(self) -> bool:
        return self.index >= len(self.tokens)

    def peek(self) -> Token | None:
        return None if self.done() else self.tokens[self.index]

    def peek_text(self) -> str:
        token = self.peek()
        return token.text if token else ""

    def take(self) -> Token:
        if self.done():
            raise ParseError("unexpected end of expression")
        self.index += 1
        return self.tokens[self.index - 1]

    def accept(self, text: str) -> bool:
        if self.peek_text() == text:
            self.index += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            raise ParseError(f"expected {text!r}, found {self.peek_text()!r}")

    # -- grammar ---------------------------------------------------------------------------
    def expression(self) -> sp.Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RefusedError("expression nested too deeply")
        value = self.term()
        while self.peek_text() in ("+", "-"):
            sign = self.take().text
            right = self.term()
            value = value + right if sign == "+" else value - right
        self.depth -= 1
        return value

    def term(self) -> sp.Expr:
        value = self.unary()
        while True:
            token = self.peek()
            if token is None:
                return value
            if token.text == "*" or (token.kind == "cmd" and token.text[1:] in _TIMES):
                self.take()
                value = value * self.unary()
            elif token.text == "/" or token.text == "\\div":
                self.take()
                value = value / self.unary()
            elif self.starts_atom(token):
                value = value * self.power()
            else:
                return value

    def unary(self) -> sp.Expr:
        if self.accept("-"):
            return -self.unary()
        if self.accept("+"):
            return self.unary()
        return self.power()

    def power(self) -> sp.Expr:
        base = self.postfix(self.atom())
        if self.accept("^"):
            exponent = self.exponent()
            return power(base, exponent)
        return base

    def exponent(self) -> sp.Expr:
        if self.accept("-"):
            return -self.exponent()
        if self.peek_text() == "{":
            return self.group("{", "}")
        return self.postfix(self.atom())

    def postfix(self, value: sp.Expr) -> sp.Expr:
        while True:
            if self.accept("!"):
                value = factorial(value)
            elif self.accept("%") or self.accept("\\%"):
                value = value * PERCENT  # see the README's percentage rule
            elif self.accept("\\degree"):
                value = value * DEGREE
            elif self.accept("'"):
                raise ParseError("primes are only read on functions (f'(x))")
            else:
                return value

    def starts_atom(self, token: Token) -> bool:
        if token.kind in ("num", "word"):
            return True
        if token.kind == "cmd":
            name = token.text[1:]
            return (
                name not in _RELATIONS
                and name not in _TIMES
                and name
                not in (
                    "div",
                    "pm",
                    "mp",
                    "cup",
                    "cap",
                    "in",
                    "right",
                    "}",
                    "rfloor",
                    "rceil",
                    "degree",
                )
            )
        return token.text in ("(", "{", "[")

    def group(self, opener: str, closer: str) -> sp.Expr:
        self.expect(opener)
        value = self.expression()
        self.expect(closer)
        return value

    def atom(self) -> sp.Expr:
        token = self.peek()
        if token is None:
            raise ParseError("unexpected end of expression")
        if token.kind == "num":
            return self.number()
        if token.kind == "word":
            return self.word()
        if token.kind == "cmd":
            return self.command()
        if token.text == "(":
            return self.group("(", ")")
        if token.text == "{":
            return self.group("{", "}")
        if token.text == "[":
            return self.group("[", "]")
        if token.text == "|":
            return sp.Abs(self.group("|", "|"))
        raise ParseError(f"unexpected {token.text!r}")

    def number(self) -> sp.Expr:
        text = self.take().text
        if self.peek_text() == "_" and text.isdigit():
            return self.base_numeral(text)
        value = sp.Rational(text) if "e" not in text.lower() else scientific(text)
        # "2\frac{1}{2}" is a mixed number (5/2), not a product
        if text.isdigit() and self.peek_text() == "\\frac":
            fraction = self.command()
            return value + fraction if fraction.is_Rational else value * fraction
        return value

    def base_numeral(self, digits: str) -> sp.Expr:
        """``52_8``, ``4210_{5}``: digits in a base, kept as written (a name, not a value)."""
        base = self.subscript()[1:].strip("{}")
        if not base.isdigit() or not 2 <= int(base) <= 36:
            raise ParseError(f"bad numeral base {base!r}")
        if any(int(d) >= int(base) for d in digits):
            raise ParseError(f"digit out of range for base {base}")
        return sp.Symbol(f"{digits}_{base}")

    def word(self) -> sp.Expr:
        text = self.take().text
        lowered = text.lower()
        if lowered in _CONSTANTS:
            return _CONSTANTS[lowered]
        if lowered == "sqrt":
            return sp.sqrt(self.argument())
        if lowered in _FUNCTIONS:
            return self.function(lowered)
        if len(text) > 3:
            # "frac", "sqrtx", "answer": a word, not a product of four symbols
            raise ParseError(f"unknown word {text!r}")
        value: sp.Expr = sp.Integer(1)
        for position, letter in enumerate(text):  # in math mode "xy" is x*y
            last = position == len(text) - 1
            if last and letter in _FUNCTION_LETTERS and self.peek_text() in ("(", "'", "_"):
                value *= self.application(letter)
            elif last and len(text) > 1 and self.peek_text() == "^":
                # "ab^2" is a*b^2: the exponent binds to the last letter only
                base = self.postfix(self.letter(letter))
                self.expect("^")
                value *= power(base, self.exponent())
            else:
                value *= self.letter(letter)
        return value

    def letter(self, letter: str) -> sp.Expr:
        if letter == "e" and self.peek_text() != "_":
            return sp.E
        if letter == "i" and self.imaginary_unit:
            return sp.I
        return sp.Symbol(letter + self.subscript())

    def subscript(self) -> str:
        """``_n``, ``_{0}``, ``_{n+1}``: part of a symbol's name, never evaluated."""
        if not self.accept("_"):
            return ""
        sub = self.take()
        if sub.text != "{":
            return "_" + sub.text
        parts, depth = [], 1
        while True:
            token = self.take()
            depth += {"{": 1, "}": -1}.get(token.text, 0)
            if depth == 0:
                return "_" + "".join(parts)
            parts.append(token.text)

    def application(self, letter: str) -> sp.Expr:
        """``f(x)``, ``f'(x)``, ``g_1(2)``: an unknown function applied to its arguments."""
        name = letter + self.subscript()
        while self.accept("'"):
            name += "'"
        if self.peek_text() != "(":
            return sp.Symbol(name)
        self.expect("(")
        arguments = [self.expression()]
        while self.accept(","):
            arguments.append(self.expression())
        self.expect(")")
        return sp.Function(name)(*arguments)

    def raw_argument(self) -> str:
        """The text of a command argument, unparsed (``\\bar{AB}`` names a segment)."""
        if self.peek_text() != "{":
            return self.take().text
        self.expect("{")
        parts, depth = [], 1
        while True:
            token = self.take()
            depth += {"{": 1, "}": -1}.get(token.text, 0)
            if depth == 0:
                return "".join(parts)
            parts.append(token.text)

    def command(self) -> sp.Expr:
        name = self.take().text[1:]
        if name in ("frac", "cfrac"):
            numerator = self.argument()
            return numerator / self.argument()
        if name in ("binom", "dbinom", "tbinom"):
            top = self.argument()
            return binomial(top, self.argument())
        if name == "sqrt":
            if self.accept("["):
                index = self.expression()
                self.expect("]")
                return power(self.argument(), 1 / index)
            return sp.sqrt(self.argument())
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name in ("imath", "jmath"):
            return sp.I
        if name in _FUNCTIONS:
            return self.function(name)
        if name in _GREEK:
            return sp.Symbol(name + self.subscript())
        if name in _ACCENTS:  # \bar x, \overline{AB}: a name of its own
            return sp.Symbol(f"{name}({self.raw_argument()})" + self.subscript())
        if name in ("lfloor", "lceil"):
            inner = self.expression()
            self.expect("\\rfloor" if name == "lfloor" else "\\rceil")
            return sp.floor(inner) if name == "lfloor" else sp.ceiling(inner)
        if name in ("lvert", "vert", "|"):
            inner = self.expression()
            if not (self.accept("\\rvert") or self.accept("\\vert") or self.accept("\\|")):
                raise ParseError("unclosed absolute value")
            return sp.Abs(inner)
        raise ParseError(f"unsupported command \\{name}")

    def function(self, name: str) -> sp.Expr:
        base = None
        if name == "log" and self.accept("_"):
            base = self.argument()
        exponent = None
        if self.accept("^"):
            exponent = self.exponent()
        argument = self.group("(", ")") if self.peek_text() == "(" else self.power()
        value = sp.log(argument, base) if base is not None else _FUNCTIONS[name](argument)
        if exponent is not None:
            # sin^{-1} x is arcsin in most texts; refuse rather than guess
            if exponent == -1:
                raise ParseError("ambiguous inverse-function notation")
            value = power(value, exponent)
        return value

    def argument(self) -> sp.Expr:
        """A command argument: ``{...}`` or a single token (``\\frac12``: 1 then 2)."""
        if self.peek_text() == "{":
            return self.group("{", "}")
        token = self.peek()
        if token is not None and token.kind == "num" and len(token.text) > 1:
            self.tokens[self.index] = Token("num", token.text[0])
            self.tokens.insert(self.index + 1, Token("num", token.text[1:]))
        if token is not None and token.kind == "word" and len(token.text) > 1:
            self.tokens[self.index] = Token("word", token.text[0])
            self.tokens.insert(self.index + 1, Token("word", token.text[1:]))
        return self.atom()
