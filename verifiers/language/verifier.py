"""``language``: DeepSeek-R1's language-consistency reward, the share of the reasoning's words
that are in the target language.

- Text: the ``<think>`` content (everything before ``</think>`` when the tag was prefilled;
  the whole completion when there are no tags).
- Target: the ``language`` param when set, else the item's ``language`` (with ``target =
  "prompt"``: the language that dominates the item's ``prompt``), as a code, BCP-47 tag or
  English name (``codes.normalize``). A target that names no language is the item's
  ``unknown_language`` error (a 422 when it is the request's param), never a silent 0.
- Which words count and for which language: ``tokens`` (what is neutral) and ``attribute``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from verireward.verifiers.errors import ErrorCode
from verireward.verifiers.language import codes
from verireward.verifiers.language.attribute import count_languages
from verireward.verifiers.protocol import Item, Status, Verdict
from verireward.verifiers.shaping.text_units import reasoning_text

DEFAULT_CANDIDATES = ("en", "es", "fr", "de", "pt", "it", "nl", "id", "tr", "vi", "pl", "sw")


@dataclass(frozen=True)
class LanguageParams:
    target: Literal["item", "prompt"] = field(
        default="item", metadata={"doc": "item: the item's language; prompt: detect it"}
    )
    language: str | None = field(
        default=None,
        metadata={"doc": "target for every item (code, BCP-47 tag or English name); overrides"},
    )
    candidates: tuple[str, ...] = field(
        default=DEFAULT_CANDIDATES, metadata={"doc": "Latin-script languages lingua chooses from"}
    )

    def __post_init__(self) -> None:
        if self.language is not None:
            object.__setattr__(self, "language", _known(self.language))
        object.__setattr__(self, "candidates", tuple(_known(c) for c in self.candidates))


def _known(tag: str) -> str:
    code = codes.normalize(tag)
    if code is None:
        raise ValueError(f"{tag!r} is not a language (use a code, BCP-47 tag or English name)")
    return code


class LanguageVerifier:
    name = "language"
    description = "Share of the reasoning's words in the target language (R1's consistency reward)."
    Params = LanguageParams
    execution = "inline"
    batch = True  # all runs of a request go to the detector in one parallel call

    def verify(self, item: Item, params: LanguageParams) -> Verdict:
        return self.verify_batch([item], params, [{}])[0]

    def verify_batch(
        self, items: list[Item], params: LanguageParams, scores: list[dict[str, float]]
    ) -> list[Verdict]:
        verdicts: list[Verdict | None] = []
        todo: list[tuple[int, str]] = []
        for item in items:
            target, error = _target(item, params)
            verdicts.append(error)
            if error is None and target is not None:
                todo.append((len(verdicts) - 1, target))
        texts = [reasoning_text(items[i].completion) for i, _ in todo]
        targets = [target for _, target in todo]
        counted = count_languages(texts, targets, params.candidates)
        for (i, target), counts in zip(todo, counted, strict=True):
            total = sum(counts.values())
            share = 1.0 if total == 0 else counts.get(target, 0) / total
            status = Status.PASS if share == 1.0 else Status.FAIL
            details = {"target": target, "counts": dict(counts), "words": total}
            verdicts[i] = Verdict(status, share, "target_share", details)
        return [v for v in verdicts if v is not None]


def _target(item: Item, params: LanguageParams) -> tuple[str | None, Verdict | None]:
    if params.language is not None:
        return params.language, None
    if params.target == "prompt":
        detected = _dominant(item.prompt, params)
        if detected is None:
            return None, Verdict.error(
                ErrorCode.MISSING_TARGET, "no prompt to detect the language of"
            )
        return detected, None
    if not item.language:
        return None, Verdict.error(ErrorCode.MISSING_TARGET, "no target language for item")
    code = codes.normalize(item.language)
    if code is None:
        message = f"target {item.language!r} is not a language (code, BCP-47 tag or English name)"
        return None, Verdict.error(ErrorCode.UNKNOWN_LANGUAGE, message, target=item.language)
    return code, None


def _dominant(prompt: str | None, params: LanguageParams) -> str | None:
    if not prompt:
        return None
    counts = count_languages([prompt], ["en"], params.candidates)[0]
    return counts.most_common(1)[0][0] if counts else None
