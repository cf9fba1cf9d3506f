"""Canonical text of an answer before parsing: the cosmetic differences models and datasets add.

Strips math delimiters (``$``, ``\\(``, ``\\[``), ``\\left``/``\\right`` and spacing commands,
``\\text{...}`` units after a value, ``\\mathrm``/``\\mathbf`` wrappers, degrees, ``**bold**``,
trailing periods, thousands separators, a leading currency sign; maps unicode minus and operators
to LaTeX. It never changes a value: ``1,2`` stays a list, only ``1,234,567`` loses its commas.
"""

from __future__ import annotations

import re

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
    "\u00b0": "",
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
_SPACING = re.compile(r"\\[,;: ]|\\q?quad\b|~")
_SIZING = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)[lr]?\b\s*(\\?[()\[\]{}|.])?")
_DEGREES = re.compile(r"\^\s*\{?\\circ\}?|\\circ|\\degree")
_TEXT = re.compile(r"\\text\s*\{([^{}]*)\}(\^\{?[23]\}?)?")
_UNIT_WORDS = (
    "cm|mm|km|m|kg|g|mg|s|sec|seconds?|minutes?|min|hours?|hrs?|days?|weeks?|years?|units?"
    "|degrees?|dollars?|cents?|meters?|metres?|feet|foot|ft|inch(?:es)?|in|miles?|mph|liters?"
    "|litres?|ml|l|pounds?|lbs?|ounces?|oz|square|sq|cubic|per|students|people|ways|times"
)
_TRAILING_UNIT = re.compile(
    r"(?<=[\d}).])\s*(?:(?:" + _UNIT_WORDS + r")\b\.?\s*)+(?:\^?\{?[23]\}?)?$"
)
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:(?:,|\{,\}|\\,| )\d{3})+(?:\.\d+)?$")


def normalize(text: str) -> str:
    for char, replacement in _UNICODE.items():
        text = text.replace(char, replacement)
    text = text.replace("**", "").strip()
    text = _strip_delimiters(text)
    text = _DEGREES.sub("", text)
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
    if _THOUSANDS.match(text):
        text = re.sub(r"\{,\}|,|\\,| ", "", text)
    return text


def _strip_delimiters(text: str) -> str:
    for opener, closer in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if text.startswith(opener) and text.endswith(closer) and len(text) >= 2 * len(opener):
            return text[len(opener) : len(text) - len(closer)].strip()
    if text.count("$") == 2 and text.startswith("$") is False:
        # "x = $5$" style: drop the inline delimiters
        text = text.replace("$", "")
    return text


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
