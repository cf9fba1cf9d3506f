"""Which language a run of same-script words is in: lingua-py, one detector per script group.

Lingua's models load lazily into one process-wide store shared by all detectors, so a detector
per group (Latin candidates, Cyrillic, Arabic, Devanagari) costs only the models it uses.
Nepali has no lingua model: among Devanagari runs it is told from Hindi and Marathi by its
frequent function words (copulas and postpositions that the other two do not use).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# (language, confidence); confidence is lingua's relative confidence among the group
Guess = tuple[str, float]


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NEPALI = _set(
    "र छ छन् छैन छैनन् हो होइन थियो थिए भएको गरेको गर्न लागि पनि यो त्यो भने गर्छ गरी हुन्छ हुने "
    "भन्ने रहेको गरिएको भयो सक्छ तर उनी उनको हामी तपाईं मात्र अनि गर्दै गरेर छु हुँदा भएका "
    "गरेका गर्ने थियो। रहेका छौं छौ गरिन्छ"
)
_HINDI = _set(
    "है हैं था थे थी में की का के और से नहीं भी लिए यह वह कि पर गया किया जाता रहा सकता करने "
    "वाले हुआ हुए इस उस जो कर"
)
_MARATHI = _set(
    "आहे आहेत आणि व हे ही त्या म्हणून केले नाही मी आम्ही तुम्ही पण असे आता झाले करून केली "
    "त्याला त्याचा त्याची त्यांनी होते होता होती त्याने तुझी माझी माझा कोण कुठे आला आली गेला "
    "गेली म्हणाला म्हणाली नका नको"
)


@lru_cache(maxsize=32)
def _detector(codes: tuple[str, ...]) -> tuple[Any, dict[Any, str]]:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = {}
    for code in codes:
        try:
            languages[Language.from_iso_code_639_1(IsoCode639_1.from_str(code))] = code
        except (ValueError, KeyError):
            continue  # no lingua model (Nepali...): handled by the caller
    if len(languages) < 2:
        return None, languages
    return LanguageDetectorBuilder.from_languages(*languages).build(), languages


def guess(texts: list[str], codes: tuple[str, ...]) -> list[Guess]:
    """The most likely of ``codes`` for each text, with its confidence, in one parallel call."""
    if not texts:
        return []
    detector, by_language = _detector(tuple(sorted(set(codes))))
    if detector is None:
        only = next(iter(by_language.values()), codes[0])
        return [(only, 1.0)] * len(texts)
    results = []
    all_values = detector.compute_language_confidence_values_in_parallel(texts)
    for text, values in zip(texts, all_values, strict=True):
        ranked = [(by_language[v.language], v.value) for v in values]
        plausible = [(code, value) for code, value in ranked if _plausible(code, text)]
        results.append((plausible or ranked)[0])
    if "hi" in codes or "mr" in codes or "ne" in codes:
        results = [
            _devanagari(text, result, codes) for text, result in zip(texts, results, strict=True)
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


_NEPALI_ENDINGS = ("हरू", "हरु", "लाई", "लाइ", "ेको", "ेका", "ेकी", "्छ", "्छन्", "्यो", "ँदै")
_NEPALI_ENDINGS += ("्नुहोस्", "ामा", "लमा", "नमा", "बाट", "छौं", "थ्यो", "थिन्")
_MARATHI_ENDINGS = ("च्या", "ांना", "ाचा", "ाची", "ाचे", "ेचे", "ल्या", "ायचे", "तोस", "ऊन")
_MARATHI_ENDINGS += ("ण्यात", "ण्यास", "ाला", "्याने")
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


def _devanagari(text: str, result: Guess, codes: tuple[str, ...]) -> Guess:
    """Function words and endings decide Hindi / Marathi / Nepali; lingua only breaks ties."""
    words = text.split()
    votes = {
        "ne": sum(w in _NEPALI or w.endswith(_NEPALI_ENDINGS) for w in words),
        "hi": sum(w in _HINDI for w in words),
        "mr": sum(w in _MARATHI or w.endswith(_MARATHI_ENDINGS) for w in words),
    }
    votes = {code: n for code, n in votes.items() if code in codes}
    best = max(votes.values(), default=0)
    winners = [code for code, n in votes.items() if n == best]
    if best == 0 or len(winners) > 1:
        return result if result[0] in winners or best == 0 else (winners[0], 0.5)
    return winners[0], best / sum(votes.values())
