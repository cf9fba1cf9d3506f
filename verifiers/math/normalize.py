"""Canonical text of an answer before parsing: the cosmetic differences models and datasets add.

Strips math delimiters (``$``, ``\\(``, ``\\[``), ``\\left``/``\\right`` and spacing commands,
``\\text{...}`` units after a value, ``\\mathrm``/``\\mathbf`` wrappers, degrees, ``**bold**``,
trailing periods, thousands separators, a leading currency sign; maps unicode minus and operators
to LaTeX. It never changes a value: ``1,2`` stays a list, only ``1,234,567`` loses its commas.
"""

from __future__ import annotations

import re
from functools import lru_cache

_UNICODE = {
    "\u2212": "-",
    "\u2013": "-",
    "\u00d7": r"\times ",
    "\u22c5": r"\cdot ",
    "\u00b7": r"\cdot ",
    "\u00f7": r"\div ",
    "\u2264": r"\le ",
    "\u2265": r"\ge ",
    "\u2260": r"\ne ",
    "\u221a": r"\sqrt",
    "\u03c0": r"\pi ",
    "\u221e": r"\infty ",
    "\u222a": r"\cup ",
    "\u2229": r"\cap ",
    "\u00b0": "\\degree ",
    "\u200b": "",  # zero-width and other invisible characters a tokenizer would choke on
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
    "\u00ad": "",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2044": "/",
    "\uff0c": ",",
}
_WRAPPERS = re.compile(
    r"\\(?:mathrm|mathbf|mathit|mathsf|mathbb|textbf|textit|textrm|boldsymbol|bm|operatorname"
    r"|displaystyle|textstyle|mbox|hbox)\b\s*"
)
_WRAPPED_GROUP = re.compile(_WRAPPERS.pattern + r"\{([^{}]*)\}")
# "\\ " (a matrix row break, then a space) is not the spacing command "\ "
_SPACING = re.compile(r"(?<!\\)\\[,;: ]|\\q?quad\b|~")
_SIZING = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)[lr]?\b\s*(\\?[()\[\]{}|.])?")
_DEGREES = re.compile(
    r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\\degree\b|(?<=\d)\s*\\text\{\s*degrees?\s*\}"
)
_CLOCK = re.compile(
    r"^(\d{1,2})\s*:\s*(\d{2})\s*(?:\\text\{\s*)?([ap])\.?\s*m\.?\s*\}?$", re.IGNORECASE
)
_TEXT = re.compile(r"\\text\s*\{([^{}]*)\}(\^\{?[23]\}?)?")
_UNIT_WORDS = (
    "sec|seconds?|minutes?|min|hours?|hrs?|days?|weeks?|years?|units?"
    "|degrees?|dollars?|cents?|meters?|metres?|feet|foot|inch(?:es)?|miles?|mph|liters?"
    "|litres?|pounds?|lbs?|ounces?|square|cubic|per|students|people|ways|times"
)
# Short units are also variables: "2s" is 2·s (a speed in terms of s); "2 s" is seconds.
_SHORT_UNITS = "cm|mm|km|m|kg|g|mg|s|ft|in|ml|l|oz|sq"
_TRAILING_UNIT = re.compile(
    r"(?<=[\d}).])(?:(?:\s*(?:" + _UNIT_WORDS + r")|\s+(?:" + _SHORT_UNITS + r"))\b\.?)+"
    r"\s*(?:\^?\{?[23]\}?)?$"
)
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:(?:,|\{,\}|\\,| )\d{3})+(?:\.\d+)?$")


_TRANSLATE = str.maketrans(_UNICODE)


def normalize(text: str) -> str:
    """Cached for short texts: a group's completions mostly share a handful of final answers
    (long ones are not kept, so the cache stays small)."""
    return _normalize_short(text) if len(text) <= 2_000 else _normalize(text)


@lru_cache(maxsize=8192)
def _normalize_short(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = text.translate(_TRANSLATE)
    text = text.replace("**", "").strip()
    text = _strip_delimiters(text)
    text = _clock(text)
    text = _DEGREES.sub(r"\\degree ", text)
    text = _SIZING.sub(lambda m: m.group(1) or "", text)
    text = re.sub(r"\\[dt]frac", r"\\frac", text)
    text = text.replace("\\!", "")
    text = _unwrap(text)
    text = _text_blocks(text)
    text = _SPACING.sub(" ", text)
    text = text.replace("\\%", "%").replace("\\$", "$")
    text = re.sub(r"\s+", " ", text).strip()
    text = text.rstrip(".;").strip()
    text = re.sub(r"^\$\s*(?=[\d.])", "", text)  # "$5" as currency
    text = _TRAILING_UNIT.sub("", text).strip()
    text = _clock(text)  # "\\text{4:30 p.m.}" is a time once its wrapper is gone
    if _THOUSANDS.match(text):
        text = re.sub(r"\{,\}|,|\\,| ", "", text)
    return text


def _strip_delimiters(text: str) -> str:
    for opener, closer in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if text.startswith(opener) and text.endswith(closer) and len(text) >= 2 * len(opener):
            return text[len(opener) : len(text) - len(closer)].strip()
    # "$5$", "x = $5$", "8$,$4", "$48$, $384$": an unescaped "$" is only ever a delimiter
    return re.sub(r"(?<!\\)\$", "", text).strip()


def _clock(text: str) -> str:
    """``4:30 p.m.`` -> ``16:30``: a time of day, written one way."""
    match = _CLOCK.match(text)
    if not match:
        return text
    hour, minute, half = int(match.group(1)), match.group(2), match.group(3).lower()
    if not 1 <= hour <= 12:
        return text
    hour = hour % 12 + (12 if half == "p" else 0)
    return f"{hour:02d}:{minute}"


def _unwrap(text: str) -> str:
    """``\\textbf{(B)}`` -> ``(B)``: drop style wrappers with their braces, innermost first."""
    while True:
        unwrapped = _WRAPPED_GROUP.sub(r"\1", text)
        if unwrapped == text:
            return _WRAPPERS.sub("", text)
        text = unwrapped


def _text_blocks(text: str) -> str:
    """``\\text{cm}`` after a value is a unit and goes; ``\\text{(B)}`` alone is its content."""

    def replace(match: re.Match[str]) -> str:
        before = text[: match.start()].rstrip()
        inner = match.group(1).strip()
        if before and (before[-1].isdigit() or before[-1] in "})") and not inner.startswith(","):
            return " " + inner if re.fullmatch(r"(?:and|or)\b.*", inner) else ""
        return " " + inner + " " + (match.group(2) or "")

    return _TEXT.sub(replace, text)
