"""Which language each word of a reasoning is in.

A sentence is cut into runs of words of one script; runs of a shared script (Latin, Cyrillic,
Arabic, Devanagari) go to the detector, all runs of a request in one parallel call per script.
A run too short to decide (under ``MIN_WORDS`` words or ``MIN_LETTERS`` letters) or decided
with low confidence is not given to a third language: it inherits the language of the decided
runs of its script in the same sentence, else in the whole text, else the target when the
target is written in that script (and the detector does not rule it out), else the
detector's guess. Words of a single-language script count for that language; each Han
character counts for ``ja`` in a sentence with kana, and in a kana-less sentence when most
of the text's Han-bearing sentences have kana and it has no simplified-only form (们, 这,
说...); otherwise for ``zh``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from verireward.verifiers.language import detect
from verireward.verifiers.language.scripts import (
    SHARED,
    SIMPLIFIED_ONLY,
    SINGLE,
    script_of_language,
)
from verireward.verifiers.language.tokens import Word, sentences

MIN_WORDS = 3
MIN_LETTERS = 15
MIN_CONFIDENCE = 0.5
SHORT_TARGET_CONFIDENCE = 0.2
# Serbian is also written in Latin letters, where lingua (whose Serbian model is Cyrillic)
# reads it as Croatian or Bosnian: for a Serbian target those count as Serbian.
LATIN_SERBIAN = {"sr": ("hr", "bs")}
CONTEXT_FLOOR = 0.03  # a short run leaves its context's language only on ~34x the evidence


@dataclass
class Run:
    """Consecutive words of one shared script within one sentence."""

    sentence: int
    script: str
    words: list[str]
    language: str | None = None
    mixed: bool = False  # its sentence also has words of other scripts

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def decidable(self) -> bool:
        return len(self.words) >= MIN_WORDS and sum(map(len, self.words)) >= MIN_LETTERS

    def names(self) -> bool:
        """Only capitalized words: names, brands, acronyms (``Facebook``, ``DVD``)."""
        return all(word[0].isupper() for word in self.words)


def count_languages(
    texts: list[str], targets: list[str], candidates: tuple[str, ...]
) -> list[Counter[str]]:
    """Words per language for each text (its target helps only undecidable runs)."""
    parsed = [sentences(text) for text in texts]
    runs = [_runs(doc) for doc in parsed]
    _decide(runs, targets, candidates)
    return [
        _count(doc, doc_runs, target)
        for doc, doc_runs, target in zip(parsed, runs, targets, strict=True)
    ]


def _runs(doc: list[list[Word]]) -> list[Run]:
    runs: list[Run] = []
    for index, words in enumerate(doc):
        current: Run | None = None
        for word in words:
            if word.script not in SHARED:
                current = None
                continue
            if current is None or current.script != word.script:
                current = Run(index, word.script, [])
                runs.append(current)
            current.words.append(word.text)
        scripts = {word.script for word in words}
        for run in runs:
            run.mixed = run.mixed or (run.sentence == index and len(scripts) > 1)
    return runs


def _codes(script: str, target: str, candidates: tuple[str, ...]) -> tuple[str, ...]:
    codes = SHARED[script] or candidates
    if script_of_language(target) == script and target not in codes:
        codes = (*codes, target)
    if script == "LATIN" and target in LATIN_SERBIAN:
        codes = (*codes, *LATIN_SERBIAN[target])
    return tuple(sorted(set(codes)))


def _decide(runs: list[list[Run]], targets: list[str], candidates: tuple[str, ...]) -> None:
    """One detector call per (script, language set) for all decidable runs of the request."""
    batches: dict[tuple[str, tuple[str, ...]], list[Run]] = {}
    for doc_runs, target in zip(runs, targets, strict=True):
        for run in doc_runs:
            if run.decidable():
                batches.setdefault((run.script, _codes(run.script, target, candidates)), []).append(
                    run
                )
    for (_, codes), batch in batches.items():
        for run, (language, confidence) in zip(
            batch, detect.guess([r.text for r in batch], codes), strict=True
        ):
            if confidence >= MIN_CONFIDENCE:
                run.language = language
    for doc_runs, target in zip(runs, targets, strict=True):
        _inherit(doc_runs, target, candidates)


def _inherit(doc_runs: list[Run], target: str, candidates: tuple[str, ...]) -> None:
    by_sentence: dict[tuple[int, str], Counter[str]] = {}
    by_script: dict[str, Counter[str]] = {}
    for run in doc_runs:
        if run.language is not None:
            by_sentence.setdefault((run.sentence, run.script), Counter())[run.language] += len(
                run.words
            )
            by_script.setdefault(run.script, Counter())[run.language] += len(run.words)
    for run in doc_runs:
        if run.language is not None:
            continue
        context = by_sentence.get((run.sentence, run.script))
        if context is None and run.names() and run.mixed:
            continue  # a name among words of another script: its sentence's language (_count)
        context = context or by_script.get(run.script)
        if context:
            run.language = _weigh(run, context, _codes(run.script, target, candidates))
            continue
        codes = _codes(run.script, target, candidates)
        language, _ = detect.guess([run.text], codes)[0]
        if target in codes and language != target and _could_be(run.text, target, codes):
            language = target
        run.language = language


def _weigh(run: Run, context: Counter[str], codes: tuple[str, ...]) -> str:
    """The context's language unless the run's own evidence strongly says otherwise:
    argmax of confidence x (context share + ``CONTEXT_FLOOR``)."""
    total = sum(context.values())
    confidence = detect.confidences([run.text], codes, strict=run.decidable())[0]
    if not confidence or run.script == "DEVANAGARI":
        return context.most_common(1)[0][0]
    scores = {
        code: value * (context.get(code, 0) / total + CONTEXT_FLOOR)
        for code, value in confidence.items()
    }
    return max(scores, key=scores.__getitem__)


def _simplified(words: list[Word]) -> bool:
    return any(word.text in SIMPLIFIED_ONLY for word in words if word.script == "HAN")


def _could_be(text: str, target: str, codes: tuple[str, ...]) -> bool:
    if "ne" in codes:  # Devanagari without any marker: lingua's hi/mr pick is too weak to
        return False  # say "could be the target"; its pick stands
    return detect.target_confidence(text, target, codes) >= SHORT_TARGET_CONFIDENCE


def _count(doc: list[list[Word]], doc_runs: list[Run], target: str) -> Counter[str]:
    per_sentence = [Counter[str]() for _ in doc]
    for run in doc_runs:
        if run.script == "LATIN" and run.language in LATIN_SERBIAN.get(target, ()):
            run.language = target
        if run.language is not None:
            per_sentence[run.sentence][run.language] += len(run.words)
    kana_sentences = [any(w.script == "KANA" for w in words) for words in doc]
    han_sentences = [
        kana
        for words, kana in zip(doc, kana_sentences, strict=True)
        if any(w.script == "HAN" for w in words)
    ]
    mostly_japanese = sum(han_sentences) * 2 > len(han_sentences)
    for index, (words, kana) in enumerate(zip(doc, kana_sentences, strict=True)):
        han = "ja" if kana or (mostly_japanese and not _simplified(words)) else "zh"
        for word in words:
            if word.script == "HAN":
                per_sentence[index][han] += 1
            elif word.script in SINGLE:
                per_sentence[index][SINGLE[word.script]] += 1
    for run in doc_runs:
        if run.language is None:  # names inherit their sentence's language
            context = per_sentence[run.sentence]
            language = context.most_common(1)[0][0] if context else target
            per_sentence[run.sentence][language] += len(run.words)
    return sum(per_sentence, Counter())
