"""``language``: DeepSeek-R1's language-consistency reward, the share of the reasoning's words
that are in the target language.

- Text: the ``<think>`` content (everything before ``</think>`` when the tag was prefilled;
  the whole completion when there are no tags).
- Target: the item's ``language`` (ISO 639-1), or with ``target = "prompt"`` the language
  that dominates the item's ``prompt``.
- Neutral, counted for no language: code blocks and inline code, LaTeX and ``$…$`` math, LaTeX
  commands, URLs, numbers, punctuation, and variable-like tokens (single letters, tokens with
  digits or underscores, camelCase, math words such as ``sin``/``log``). A reasoning that is
  all math scores 1.
- Units: each Han character counts one for ``zh`` (for ``ja`` when the text has kana), each
  kana for ``ja``, each Hangul syllable for ``ko``; words of other non-Latin scripts count for
  their script's language (Cyrillic as ``ru``, Arabic ``ar``, Greek ``el``...). Latin-script
  words are attributed by lingua-py (language models shipped inside the wheel, nothing
  downloaded), applied to runs of text (clauses between punctuation), not single words; a run
  of one or two words counts for the target when lingua gives the target at least 0.2
  confidence, since single words are ambiguous across Latin languages.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from verireward.verifiers.errors import ErrorCode
from verireward.verifiers.protocol import Item, Status, Verdict
from verireward.verifiers.shaping.text_units import reasoning_text

_NEUTRAL_BLOCKS = re.compile(
    r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|\$[^$\n]*\$"
    r"|\\begin\{(\w+\*?)\}.*?\\end\{\1\}|https?://\S+|www\.\S+|\\[a-zA-Z]+",
    re.DOTALL,
)
_CLAUSE = re.compile(r"[.!?;:,\n。！？；：，、()\[\]{}\"“”]+")
_TOKEN = re.compile(r"[^\W\d_]+|\S+", re.UNICODE)
_MATH_WORDS = frozenset(
    {"sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "lim", "max", "min"}
    | {"mod", "gcd", "lcm", "det", "arg", "sup", "inf"}
)
_SCRIPT_LANGUAGE = {
    "CYRILLIC": "ru",
    "ARABIC": "ar",
    "HEBREW": "he",
    "GREEK": "el",
    "THAI": "th",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
}
NON_LATIN = frozenset({"zh", "ja", "ko", *_SCRIPT_LANGUAGE.values(), "uk", "bg", "fa", "ur"})
DEFAULT_CANDIDATES = ("en", "es", "fr", "de", "pt", "it", "nl", "id", "tr", "vi", "pl")
SHORT_RUN = 2


@dataclass(frozen=True)
class LanguageParams:
    target: Literal["item", "prompt"] = field(
        default="item", metadata={"doc": "item: the item's language; prompt: detect it"}
    )
    candidates: tuple[str, ...] = field(
        default=DEFAULT_CANDIDATES, metadata={"doc": "Latin-script languages lingua chooses from"}
    )


class LanguageVerifier:
    name = "language"
    description = "Share of the reasoning's words in the target language (R1's consistency reward)."
    Params = LanguageParams
    execution = "inline"
    batch = True  # all Latin runs of a request go to lingua in one parallel call

    def verify(self, item: Item, params: LanguageParams) -> Verdict:
        return self.verify_batch([item], params, [{}])[0]

    def verify_batch(
        self, items: list[Item], params: LanguageParams, scores: list[dict[str, float]]
    ) -> list[Verdict]:
        verdicts = []
        for item in items:
            target = item.language if params.target == "item" else _dominant(item.prompt, params)
            if not target:
                verdicts.append(
                    Verdict.error(ErrorCode.MISSING_TARGET, "no target language for item")
                )
                continue
            target = target.lower().split("-")[0]
            counts = count_languages(reasoning_text(item.completion), target, params)
            total = sum(counts.values())
            share = 1.0 if total == 0 else counts.get(target, 0) / total
            status = Status.PASS if share == 1.0 else Status.FAIL
            details = {"target": target, "counts": dict(counts), "words": total}
            verdicts.append(Verdict(status, share, "target_share", details))
        return verdicts


def count_languages(text: str, target: str, params: LanguageParams) -> Counter[str]:
    text = _NEUTRAL_BLOCKS.sub(" ", text)
    has_kana = any(_script(c) == "KANA" for c in text)
    counts: Counter[str] = Counter()
    latin_runs: list[list[str]] = []
    for clause in _CLAUSE.split(text):
        run: list[str] = []
        for token in _TOKEN.findall(clause):
            if _neutral(token):
                continue
            script = _script(token[0])
            if script == "LATIN":
                run.append(token)
                continue
            if run:
                latin_runs.append(run)
                run = []
            _count_other(token, script, target, has_kana, counts)
        if run:
            latin_runs.append(run)
    for run, language in zip(latin_runs, _attribute(latin_runs, target, params), strict=True):
        counts[language] += len(run)
    return counts


def _count_other(token: str, script: str, target: str, has_kana: bool, counts: Counter) -> None:
    for char in token:
        char_script = _script(char)
        if char_script == "HAN":
            counts["ja" if target == "ja" and has_kana else "zh"] += 1
        elif char_script == "KANA":
            counts["ja"] += 1
        elif char_script == "HANGUL":
            counts["ko"] += 1
    if script in _SCRIPT_LANGUAGE:
        counts[_SCRIPT_LANGUAGE[script]] += 1


def _attribute(runs: list[list[str]], target: str, params: LanguageParams) -> list[str]:
    if not runs:
        return []
    detector, by_code = _detector(tuple(sorted({*params.candidates, target} - NON_LATIN)))
    texts = [" ".join(run) for run in runs]
    detected = detector.detect_languages_in_parallel_of(texts)
    target_language = by_code.get(target)
    languages = []
    for run, text, language in zip(runs, texts, detected, strict=True):
        code = language.iso_code_639_1.name.lower() if language is not None else "und"
        if (
            len(run) <= SHORT_RUN
            and target_language is not None
            and code != target
            and detector.compute_language_confidence(text, target_language) >= 0.2
        ):
            code = target
        languages.append(code)
    return languages


@cache
def _detector(codes: tuple[str, ...]) -> tuple[Any, dict[str, Any]]:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = {}
    for code in codes:
        try:
            languages[code] = Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
        except (ValueError, KeyError):
            continue  # not a language lingua knows: its words cannot be attributed to it
    if len(languages) < 2:
        languages.setdefault("en", Language.ENGLISH)
        languages.setdefault("es", Language.SPANISH)
    builder = LanguageDetectorBuilder.from_languages(*languages.values())
    return builder.with_preloaded_language_models().build(), languages


def _dominant(prompt: str | None, params: LanguageParams) -> str | None:
    if not prompt:
        return None
    counts = count_languages(prompt, "en", params)
    return counts.most_common(1)[0][0] if counts else None


def _neutral(token: str) -> bool:
    if not any(c.isalpha() for c in token):
        return True  # numbers, punctuation, operators
    if len(token) == 1 and _script(token) == "LATIN":
        return True  # variables: x, n, a
    if any(c.isdigit() or c == "_" for c in token):
        return True  # x1, a_n
    if token.lower() in _MATH_WORDS:
        return True
    inner = token[1:]
    return _script(token[0]) == "LATIN" and any(c.isupper() for c in inner) and not token.isupper()


@cache
def _script(char: str) -> str:
    if "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff":
        return "HAN"
    if "\u3040" <= char <= "\u30ff":
        return "KANA"
    if "\uac00" <= char <= "\ud7af" or "\u1100" <= char <= "\u11ff":
        return "HANGUL"
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"
