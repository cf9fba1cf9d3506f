"""Which script a character is written in, and which languages share each script."""

from __future__ import annotations

import unicodedata
from functools import cache

# Scripts written by several languages: the detector decides among these (the target joins).
SHARED = {
    "LATIN": (),  # the ``candidates`` param
    "CYRILLIC": ("ru", "uk", "bg", "sr", "kk", "mk", "be"),
    "ARABIC": ("ar", "fa", "ur"),
    "DEVANAGARI": ("hi", "mr", "ne"),
}
# Scripts that decide the language on their own.
SINGLE = {
    "GREEK": "el", "HEBREW": "he", "THAI": "th", "BENGALI": "bn", "GEORGIAN": "ka",
    "ARMENIAN": "hy", "TAMIL": "ta", "TELUGU": "te", "GUJARATI": "gu", "GURMUKHI": "pa",
    "KANNADA": "kn", "MALAYALAM": "ml", "SINHALA": "si", "KHMER": "km", "LAO": "lo",
    "MYANMAR": "my", "ETHIOPIC": "am", "ORIYA": "or", "HANGUL": "ko", "KANA": "ja",
}  # fmt: skip
SCRIPT_OF = {code: script for script, codes in SHARED.items() for code in codes}
SCRIPT_OF |= {code: script for script, code in SINGLE.items()}
SCRIPT_OF |= {"zh": "HAN", "ja": "KANA"}
_ALIASES = {"HIRAGANA": "KANA", "KATAKANA": "KANA", "CJK": "HAN"}


@cache
def script(char: str) -> str:
    """``LATIN``, ``CYRILLIC``, ``HAN``, ``KANA``, ``HANGUL``...; ``""`` for a non-letter."""
    if "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff":
        return "HAN"
    if "\u3040" <= char <= "\u30ff" or "\u31f0" <= char <= "\u31ff":
        return "KANA" if char not in "・゠" else ""
    if "\uac00" <= char <= "\ud7af" or "\u1100" <= char <= "\u11ff":
        return "HANGUL"
    if not unicodedata.category(char).startswith(("L", "M")):
        return ""
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0] if name else ""
    return _ALIASES.get(first, first)


def script_of_language(code: str) -> str:
    """The script a language is written in here; Latin for the rest."""
    return SCRIPT_OF.get(code, "LATIN")


# Simplified Chinese forms that Japanese does not write (们, 这, 说... are 們, 這, 說 there):
# a kana-less Han sentence with one of them is Chinese even inside a Japanese text.
SIMPLIFIED_ONLY = frozenset(
    "们这说还给让对从为样过时发长门问间题见车东书买卖钱块张岁吗呢么计总价鸡伦则几两边处应实"
    "现关无开经进动种请谁读钟师级许认识该记费资质银铁页维约红绿练组结绝统线终习乡农产业专"
    "严义乐亲众优传伤儿军决况减击刚创别吗吧啊哪"
)
