"""Target languages: every way a dataset names one, mapped to one code (ISO 639-1 if it has one).

Accepted: ISO 639-1 (``en``), ISO 639-3 and 639-2/B (``eng``, ``fra``/``fre``, ``zho``/``chi``,
``cmn``), BCP-47 tags whose first subtag is one of those (``zh-CN``, ``pt-BR``, ``en_US``,
``sr-Cyrl-RS``), English language names (``English``, ``Persian``/``Farsi``, ``Mandarin``) and a
few endonyms (``中文``, ``日本語``, ``Español``). Anything else (``python``, ``cpp``, ``xx``) is
not a language: ``normalize`` returns ``None`` and the caller reports a typed
error, never a silent 0.
"""

from __future__ import annotations

import re
from functools import cache

# Languages lingua has no model for, whose words we still attribute (by script or markers).
_EXTRA = {"ne": ("nep", "npi", "nepali"), "si": ("sin", "sinhala"), "km": ("khm", "khmer")}
_EXTRA |= {"my": ("mya", "bur", "burmese"), "lo": ("lao",), "am": ("amh", "amharic")}
_EXTRA |= {"kn": ("kan", "kannada"), "ml": ("mal", "malayalam"), "or": ("ori", "ory", "odia")}
# Aliases: macrolanguage members, ISO 639-2/B codes, deprecated tags, other English names.
_ALIASES = {
    "cmn": "zh",
    "yue": "zh",
    "chi": "zh",
    "mandarin": "zh",
    "cantonese": "zh",
    "chinese": "zh",
    "中文": "zh",
    "汉语": "zh",
    "漢語": "zh",
    "普通话": "zh",
    "日本語": "ja",
    "にほんご": "ja",
    "한국어": "ko",
    "fre": "fr",
    "français": "fr",
    "ger": "de",
    "deutsch": "de",
    "español": "es",
    "castellano": "es",
    "português": "pt",
    "italiano": "it",
    "dut": "nl",
    "flemish": "nl",
    "русский": "ru",
    "українська": "uk",
    "pes": "fa",
    "prs": "fa",
    "per": "fa",
    "farsi": "fa",
    "dari": "fa",
    "فارسی": "fa",
    "arb": "ar",
    "العربية": "ar",
    "اردو": "ur",
    "हिन्दी": "hi",
    "हिंदी": "hi",
    "मराठी": "mr",
    "नेपाली": "ne",
    "zsm": "ms",
    "may": "ms",
    "malay": "ms",
    "ind": "id",
    "in": "id",
    "iw": "he",
    "ji": "yi",
    "fil": "tl",
    "filipino": "tl",
    "no": "nb",
    "nor": "nb",
    "norwegian": "nb",
    "bokmål": "nb",
    "bokmal": "nb",
    "nynorsk": "nn",
    "gre": "el",
    "arm": "hy",
    "geo": "ka",
    "alb": "sq",
    "baq": "eu",
    "wel": "cy",
    "ice": "is",
    "rum": "ro",
    "moldovan": "ro",
    "slo": "sk",
    "mac": "mk",
    "swahili": "sw",
    "swa": "sw",
    "kiswahili": "sw",
    "fas": "fa",
    "ell": "el",
    "srp": "sr",
    "hbs": "sr",
    "sh": "sr",
    "ekk": "et",
    "lvs": "lv",
    "uzn": "uz",
    "khk": "mn",
    "azj": "az",
    "plt": "mg",
}
_SEPARATORS = re.compile(r"[-_]")
_BCP47 = re.compile(r"[a-z]{2,3}(?:[-_][a-z0-9]{1,8})+")


@cache
def _table() -> dict[str, str]:
    from lingua import Language

    table: dict[str, str] = {}
    for language in Language.all():
        code = language.iso_code_639_1.name.lower()
        table[code] = code
        table[language.iso_code_639_3.name.lower()] = code
        table[language.name.lower()] = code
    for code, names in _EXTRA.items():
        table[code] = code
        table.update(dict.fromkeys(names, code))
    table.update(_ALIASES)
    return table


def normalize(tag: object) -> str | None:
    """One code for a language tag, name or code; ``None`` when it names no known language.

    >>> normalize("zh-CN"), normalize("English"), normalize("por"), normalize("python")
    ('zh', 'en', 'pt', None)
    """
    if not isinstance(tag, str):
        return None
    key = " ".join(tag.strip().lower().split())
    key = re.sub(r"\s*\([^)]*\)$", "", key)  # "Chinese (Simplified)"
    if not key or len(key) > 40:
        return None
    table = _table()
    if key in table:
        return table[key]
    first = _SEPARATORS.split(key, 1)[0]
    if _BCP47.fullmatch(key) and first in table:
        return table[first]  # BCP-47: the primary subtag decides (zh-Hant-TW, pt_BR)
    return None


def known_codes() -> frozenset[str]:
    return frozenset(_table().values())
