"""The language corpus (tests/verifiers/data/language/) and the measures the README reports.

- ``pure``: each real monolingual text scored against its own language;
- ``cross``: each text scored against another language of the corpus (it should score ~0);
- ``spliced``: real sentences of two languages interleaved with a known share of words;
- ``code``: English reasoning about code with inline identifiers (target ``en``).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from verireward.verifiers import Item
from verireward.verifiers.language import LanguageParams, LanguageVerifier

DATA = Path(__file__).parent / "data" / "language"
VERIFIER = LanguageVerifier()
PARAMS = LanguageParams()
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_SPLIT = re.compile(r"(?<=[.!?;。！？।۔؟])\s*")


@dataclass(frozen=True)
class Text:
    lang: str
    text: str
    source: str = ""


@cache
def corpus() -> tuple[Text, ...]:
    lines = (DATA / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    return tuple(Text(**json.loads(line)) for line in lines)


def by_language(texts: tuple[Text, ...] | None = None) -> dict[str, list[Text]]:
    grouped: dict[str, list[Text]] = defaultdict(list)
    for text in texts or corpus():
        grouped[text.lang].append(text)
    return dict(grouped)


def score(texts: list[str], targets: list[str]) -> list[float]:
    items = [Item(text, language=target) for text, target in zip(texts, targets, strict=True)]
    return [v.score for v in VERIFIER.verify_batch(items, PARAMS, [{}] * len(items))]


def units(sentence: str) -> int:
    """Words of a sentence, counted independently of the verifier: CJK characters one each,
    else whitespace words with a letter."""
    cjk = len(_CJK.findall(sentence))
    rest = _CJK.sub(" ", sentence)
    return cjk + sum(any(c.isalpha() for c in w) for w in rest.split())


def splices(count: int, seed: int = 0) -> list[tuple[str, str, float]]:
    """(text, target, true share): a target-language text with sentences of another language
    inserted after some of its sentences; share = target words / all words."""
    rng = random.Random(seed)
    groups = by_language()
    langs = sorted(groups)
    out = []
    while len(out) < count:
        target, other = rng.sample(langs, 2)
        mine = _sentences(rng.choice(groups[target]).text)
        theirs = _sentences(rng.choice(groups[other]).text)
        inserted = theirs[: rng.randint(1, max(1, len(theirs)))]
        if len(mine) < 2 or not inserted:
            continue
        at = rng.randint(1, len(mine) - 1)
        text = " ".join([*mine[:at], *inserted, *mine[at:]])
        ours, total = sum(map(units, mine)), sum(map(units, mine)) + sum(map(units, inserted))
        out.append((text, target, ours / total))
    return out


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SPLIT.split(text) if s.strip()]


def cross_targets(lang: str, langs: list[str]) -> list[str]:
    """Other languages to score a text against: its script siblings first (the hard case),
    then the next language of the corpus."""
    from verireward.verifiers.language.scripts import script_of_language

    mine = script_of_language(lang)
    siblings = [o for o in langs if o != lang and script_of_language(o) == mine]
    following = langs[(langs.index(lang) + 1) % len(langs)]
    return [*siblings, following] if following not in siblings else siblings


@cache
def code_reasoning() -> tuple[Text, ...]:
    lines = (DATA / "code_reasoning.jsonl").read_text(encoding="utf-8").splitlines()
    return tuple(Text(**json.loads(line)) for line in lines)


SPLICED = DATA / "spliced.jsonl"


def spliced() -> list[tuple[str, str, float]]:
    """The committed splices (``splices(300, seed=1)``, written by ``python -m
    tests.verifiers.language_corpus``), so the texts and their true shares can be read."""
    rows = [json.loads(line) for line in SPLICED.read_text(encoding="utf-8").splitlines()]
    return [(row["text"], row["target"], row["true_share"]) for row in rows]


if __name__ == "__main__":
    with open(SPLICED, "w", encoding="utf-8") as out:
        for text, target, share in splices(300, seed=1):
            row = {"target": target, "true_share": round(share, 6), "text": text}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
