"""Hindi, Marathi or Nepali: decided by the function words and endings each uses and the others
do not (copulas, postpositions, case endings), since lingua has no Nepali model and reads
much plain Hindi as Marathi. A run without any of them is left undecided (it inherits its
context); lingua's Hindi/Marathi pick is only the last resort.
"""

from __future__ import annotations

Guess = tuple[str, float]


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# "हो" is left out: it is a copula in all three.
_NEPALI = _set(
    "र छ छन् छैन छैनन् होइन थियो थिए भएको गरेको गर्न लागि पनि यो त्यो भने गर्छ गरी हुन्छ हुने "
    "भन्ने रहेको गरिएको भयो सक्छ तर उनी उनको हामी तपाईं मात्र अनि गर्दै गरेर छु हुँदा भएका "
    "गरेका गर्ने रहेका छौं छौ गरिन्छ धेरै यस दुवै"
)
# "का" is left out: Marathi's "why".
_HINDI = _set(
    "है हैं था थे थी में की के और से नहीं भी लिए यह वह कि पर गया किया जाता रहा सकता करने "
    "वाले हुआ हुए इस उस जो कर"
)
_MARATHI = _set(
    "आहे आहेत आणि व हे ही त्या म्हणून केले नाही मी आम्ही तुम्ही पण असे आता झाले करून केली "
    "त्याला त्याचा त्याची त्यांनी होते होता होती त्याने तुझी माझी माझा कोण कुठे आला आली गेला "
    "गेली म्हणाला म्हणाली नका नको मला तिला"
)
_NEPALI_INSIDE = ("हरू", "हरु")  # the plural, before any case ending
_NEPALI_ENDINGS = ("लाई", "लाइ", "ेको", "ेका", "ेकी", "्छ", "्छन्", "्यो", "ँदै", "्नुहोस्")
_NEPALI_ENDINGS += ("ामा", "लमा", "नमा", "बाट", "छौं", "थ्यो", "थिन्")
# the genitive "-को" is written joined in Nepali, apart in Hindi (except these pronouns)
_HINDI_KO = _set("उसको इसको आपको मुझको तुमको सबको किसको जिसको उनको इनको हमको तुझको नको")
_MARATHI_ENDINGS = ("च्या", "ांना", "ाचा", "ाची", "ाचे", "ेचे", "ल्या", "ायचे", "तोस", "ऊन")
_MARATHI_ENDINGS += ("ण्यात", "ण्यास", "ाला", "्याने")


def votes(text: str) -> dict[str, int]:
    words = text.split()
    return {
        "ne": sum(_nepali(w) for w in words),
        "hi": sum(w in _HINDI for w in words),
        "mr": sum(w in _MARATHI or w.endswith(_MARATHI_ENDINGS) for w in words),
    }


def _nepali(word: str) -> bool:
    if word in _NEPALI or word.endswith(_NEPALI_ENDINGS):
        return True
    if any(part in word for part in _NEPALI_INSIDE):
        return True
    return len(word) > 3 and word.endswith("को") and word not in _HINDI_KO


def decide(text: str, lingua: Guess, codes: tuple[str, ...]) -> Guess:
    """The marker vote's winner; lingua's pick among tied winners; confidence 0 (undecided)
    when the run has no marker at all."""
    counted = {code: n for code, n in votes(text).items() if code in codes}
    best = max(counted.values(), default=0)
    if best == 0:
        return lingua[0], 0.0
    winners = [code for code, n in counted.items() if n == best]
    if len(winners) > 1:
        return (lingua[0] if lingua[0] in winners else winners[0]), 0.5
    return winners[0], best / sum(counted.values())
