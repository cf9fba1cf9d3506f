"""Which language a run of same-script words is in: lingua-py, one detector per script group.

Lingua's models load lazily into one process-wide store shared by all detectors, so a detector
per group (Latin candidates, Cyrillic, Arabic, Devanagari) costs only the models it uses.
Devanagari (Hindi, Marathi, Nepali) is decided by function words (``devanagari``): lingua has
no Nepali model and reads much plain Hindi as Marathi.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from verireward.verifiers.language import devanagari

# (language, confidence); confidence is lingua's relative confidence among the group
Guess = tuple[str, float]
_FALLBACK = ("en", "es", "fr", "de")


@lru_cache(maxsize=32)
def _detector(codes: tuple[str, ...]) -> tuple[Any, dict[Any, str]]:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = {}
    for code in codes:
        try:
            languages[Language.from_iso_code_639_1(IsoCode639_1.from_str(code))] = code
        except (ValueError, KeyError):
            continue  # no lingua model (Nepali...): handled by the caller
    if not languages:
        return None, languages  # Devanagari without hi/mr, or no codes: no lingua decision
    for code in _FALLBACK:  # one language alone would win every text: give it rivals
        if len(languages) >= 2:
            break
        languages.setdefault(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)), code)
    return LanguageDetectorBuilder.from_languages(*languages).build(), languages


def guess(texts: list[str], codes: tuple[str, ...]) -> list[Guess]:
    """The most likely of ``codes`` for each text, with its confidence, in one parallel call."""
    if not texts:
        return []
    detector, by_language = _detector(tuple(sorted(set(codes))))
    if detector is None:
        return [devanagari.decide(text, ("und", 0.0), codes) for text in texts]
    results = []
    all_values = detector.compute_language_confidence_values_in_parallel(texts)
    for text, values in zip(texts, all_values, strict=True):
        ranked = [(by_language[v.language], v.value) for v in values]
        plausible = [(code, value) for code, value in ranked if _plausible(code, text)]
        results.append((plausible or ranked)[0])
    if "hi" in codes or "mr" in codes or "ne" in codes:
        results = [
            devanagari.decide(text, result, codes)
            for text, result in zip(texts, results, strict=True)
        ]
    return results


def confidences(
    texts: list[str], codes: tuple[str, ...], strict: bool = False
) -> list[dict[str, float]]:
    """Lingua's confidence in each of ``codes`` (those it has a model of) for each text."""
    detector, by_language = _detector(tuple(sorted(set(codes))))
    if detector is None or not texts:
        return [{} for _ in texts]
    return [
        {
            by_language[v.language]: v.value
            for v in values
            if _plausible(by_language[v.language], t, strict)
        }
        for t, values in zip(
            texts, detector.compute_language_confidence_values_in_parallel(texts), strict=True
        )
    ]


def target_confidence(text: str, target: str, codes: tuple[str, ...]) -> float:
    """Lingua's confidence that ``text`` is in ``target`` (0 when it has no model of it)."""
    detector, by_language = _detector(tuple(sorted(set(codes))))
    for language, code in by_language.items():
        if code == target and detector is not None:
            return float(detector.compute_language_confidence(text, language))
    return 0.0


# Cyrillic letters that only some of the group's languages use: a run that has one rules the
# others out (lingua alone reads some Ukrainian with "і" as Kazakh).
_ONLY = {
    "kk": "әғқңөұүһ",
    "uk": "їєґ",
    "sr": "ћђ",
    "mk": "ѓќѕ",
    "be": "ў",
}
_ALSO = {"і": ("uk", "kk", "be"), "ы": ("ru", "kk", "be"), "э": ("ru", "kk", "be")}
_ALSO |= dict.fromkeys("јљњџ", ("sr", "mk"))
_ALSO |= {"и": ("ru", "uk", "bg", "sr", "mk", "kk"), "щ": ("ru", "uk", "bg", "kk")}
_ALSO |= {"ъ": ("ru", "bg"), "ё": ("ru", "be", "kk")}
_KAZAKH = frozenset(_ONLY["kk"])


def _plausible(code: str, text: str, strict: bool = True) -> bool:
    letters = set(text.lower())
    for other, only in _ONLY.items():
        if other != code and letters & set(only):
            return False
    if strict and code == "kk" and not letters & _KAZAKH and len(text) >= 40:
        return False  # a long Kazakh run without any of its own letters is not Kazakh
    return all(code in users for letter, users in _ALSO.items() if letter in letters)
