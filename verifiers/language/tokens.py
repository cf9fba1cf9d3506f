"""From reasoning text to sentences of countable words; everything that is no language is dropped.

Neutral (counted for no language): code blocks and inline code, LaTeX and ``$…$`` math, URLs,
numbers, punctuation, and code or math written as prose: dotted names (``np.linalg.solve``,
``main.py``), calls and subscripts (``print(x)``, ``a[i]``), ``snake_case`` and ``camelCase``,
tokens with digits, operators and the words next to them (``total = price * qty``), code-only
words (``def``, ``elif``, ``len``, ``numpy``...), keywords next to code (``return 1``,
``for i in``), ``def f(...):`` heads and ``import`` lines, single Latin letters, math words
(``sin``, ``log``), and units after numbers (``5 km``, ``3 kg``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from verireward.verifiers.language.scripts import script


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NEUTRAL_SPANS = re.compile(
    r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)"
    # $…$ math as pandoc reads it: "$x$" yes, but "$66 … $99" is two prices, not math
    r"|\$(?=[^\s$])[^$\n]{0,300}?(?<=[^\s$])\$(?!\d)"
    r"|\\begin\{(\w+\*?)\}.*?\\end\{\1\}|https?://\S+|www\.\S+|\\[a-zA-Z]+"
    r"|^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+[\w., \t]+$"
    r"|\b(?:def|class|fn|func|function)[ \t]+\w+[ \t]*\([^()\n]*\)"
    r"[ \t]*(?:->[ \t]*[\w\[\], .]+)?:?",
    re.DOTALL | re.MULTILINE,
)
# Sentence ends: . ! ? ; followed by space, the CJK/Indic/Urdu/Arabic stops, and line breaks.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；।॥۔؟])|\n\s*")
_EDGE_PUNCT = "\"'“”‘’«»„()[]{}<>.,;:!?¿¡…—–-。，、；：！？（）「」『』《》【】·•*"
_CODE_CHUNK = re.compile(
    r"\w[._]\w|\w[(\[{]|[=<>*/\\|&^%#@~$+]|[A-Za-z]\d|\d[A-Za-z]|^_|_$|[a-z][A-Z]", re.UNICODE
)
# Scripts written without spaces: a chunk of them is a phrase, never one code token.
_UNSPACED = frozenset({"HAN", "KANA", "THAI", "KHMER", "LAO", "MYANMAR"})
_OPERATOR = re.compile(r"^(?:[=<>!:+\-*/%^&|~]=?|==|\*\*|//|->|=>|&&|\|\||[×÷−±≤≥≠→])$")
_CODE_WORDS = _set(
    "def elif lambda len str dict tuple bool int float println printf cout cin std nullptr "
    "kwargs args foo bar baz numpy np scipy pandas pd sklearn matplotlib plt torch tf "
    "stdin stdout stderr isinstance enumerate dtype ndarray self cls async await const "
    "var let void malloc sizeof struct typedef iter init repr namespace boolean null "
    "undefined nan inf True False None"
)
# Keywords that are code before a number or a code token (``return 1``, ``print(x)``) ...
_STRONG_KEYWORDS = _set("return yield print assert raise elif del import")
# ... and those that are code only between code tokens (``for i in range(n)``).
_WEAK_KEYWORDS = _set("if else for while in not and or is from as with")
_MATH_WORDS = _set("sin cos tan cot sec csc log ln exp lim max min mod gcd lcm det arg sup inf")
_UNITS = _set(
    "km m cm mm nm kg g mg lb lbs oz ft in mi yd mph kph kmh h hr hrs min s sec ms l ml "
    "kb mb gb tb kw kwh w v hz khz mhz ghz usd eur gbp jpy cny rmb inr rs px pt dpi"
)


@dataclass(frozen=True, slots=True)
class Word:
    """A countable unit: a word, or one Han, kana or Hangul character."""

    text: str
    script: str


def sentences(text: str) -> list[list[Word]]:
    """The text's sentences, each a list of its countable words."""
    text = _NEUTRAL_SPANS.sub(" ", text)
    out = []
    for sentence in _SENTENCE_END.split(text):
        words = _words(sentence)
        if words:
            out.append(words)
    return out


def _words(sentence: str) -> list[Word]:
    chunks = sentence.split()
    stripped = [chunk.strip(_EDGE_PUNCT) for chunk in chunks]
    code = [_code_like(c, s) for c, s in zip(chunks, stripped, strict=True)]
    words: list[Word] = []
    for i, chunk in enumerate(stripped):
        if code[i] or not chunk:
            continue
        if _near_code(chunk, chunks, stripped, code, i):
            continue
        words.extend(_split(chunk))
    return words


def _code_like(raw: str, chunk: str) -> bool:
    if not chunk or not any(c.isalpha() for c in chunk):
        return True  # numbers, punctuation, operators
    if any(script(c) in _UNSPACED for c in chunk):
        return False  # "3×4=12，所以答案是12" is a phrase: its words are split out later
    if _CODE_CHUNK.search(raw.strip(_EDGE_PUNCT.replace("(", "").replace("[", ""))):
        return True
    lower = chunk.lower()
    if chunk in _CODE_WORDS or lower in _MATH_WORDS:
        return True
    return len(chunk) == 1 and script(chunk) == "LATIN"  # variables: x, n, a


def _near_code(chunk: str, raw: list[str], stripped: list[str], code: list[bool], i: int) -> bool:
    """Words next to an operator (``total = price * qty``), units after a number (``5 km``),
    keywords next to code (``return 1``, ``for i in range(n)``)."""
    before = stripped[i - 1] if i else ""
    after = stripped[i + 1] if i + 1 < len(stripped) else ""
    if any(0 <= j < len(raw) and _OPERATOR.match(raw[j]) for j in (i - 1, i + 1)):
        return True
    if before and _is_number(before) and chunk.lower() in _UNITS:
        return True
    if chunk in _STRONG_KEYWORDS:
        return bool(after) and code[i + 1]
    if chunk in _WEAK_KEYWORDS:
        return _letters_code(before, code[i - 1] if i else False) or _letters_code(
            after, code[i + 1] if after else False
        )
    return False


def _letters_code(chunk: str, is_code: bool) -> bool:
    """A code token with letters (``x``, ``range(n)``), not a number or a dash."""
    return is_code and any(c.isalpha() for c in chunk)


def _is_number(chunk: str) -> bool:
    return bool(chunk) and any(c.isdigit() for c in chunk) and not any(c.isalpha() for c in chunk)


def _split(chunk: str) -> list[Word]:
    """Letters and marks of one script make a word; Han, kana and Hangul count per character."""
    words: list[Word] = []
    current: list[str] = []
    current_script = ""
    for char in chunk:
        char_script = script(char) if not _joiner(char) else current_script
        if char_script in ("HAN", "KANA", "HANGUL"):
            _flush(words, current, current_script)
            current, current_script = [], ""
            words.append(Word(char, char_script))
        elif char_script and (char_script == current_script or not current):
            current.append(char)
            current_script = char_script
        else:
            _flush(words, current, current_script)
            current, current_script = ([char], char_script) if char_script else ([], "")
    _flush(words, current, current_script)
    return words


def _flush(words: list[Word], current: list[str], current_script: str) -> None:
    if current and current_script:
        text = "".join(current)
        if not (len(text) == 1 and current_script == "LATIN"):
            words.append(Word(text, current_script))


@cache
def _joiner(char: str) -> bool:
    """Characters that stay inside a word: ZWNJ/ZWJ (Persian, Indic), apostrophes, hyphens."""
    return char in "\u200c\u200d'’-" or unicodedata.category(char) == "Mn"
