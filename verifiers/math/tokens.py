"""Tokens of an answer: one regular expression, nothing evaluated."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TOKENS = 2_000


class ParseError(ValueError):
    """The text is not an expression we can read (or is too large to evaluate safely)."""


class RefusedError(ParseError):
    """The text reads as math but is refused: too large, too deep, or undefined (``1/0``).
    A reference refused this way is malformed, never compared as text."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num | cmd | word | rel | sym
    text: str


_TOKEN = re.compile(
    r"(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+(?![a-zA-Z]))?)"
    r"|(?P<cmd>\\[a-zA-Z]+|\\[{}|%])"
    r"|(?P<word>[a-zA-Z]+)"
    r"|(?P<rel><=|>=|!=|=|<|>)"
    r"|(?P<sym>[-+*/^_()\[\]{}|,!%'])"
    r"|(?P<space>\s+)"
)


def tokenize(text: str) -> list[Token]:
    text = text.replace("**", "^")
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ParseError(f"unexpected character {text[position]!r}")
        position = match.end()
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group()))
        if len(tokens) > MAX_TOKENS:
            raise RefusedError("expression too long")
    return tokens
