"""``math``: is the completion's final answer equal to the reference answer?

Cheap string work (extraction, normalization, string/choice/text matches and the plain-number
fast path) runs inline through ``quick_verify``; what needs sympy runs in a worker process with
a hard deadline, so a pathological answer costs one worker for ``timeout_s`` and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from verireward.verifiers.errors import ErrorCode
from verireward.verifiers.math.answers import choice_letter, is_text_answer, parse_answer
from verireward.verifiers.math.equivalence import equal
from verireward.verifiers.math.extract import extract_answer
from verireward.verifiers.math.latex_parser import ParseError
from verireward.verifiers.math.normalize import normalize
from verireward.verifiers.protocol import Item, Verdict

_PLAIN_NUMBER = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:/\d+)?")
_LATEX_FRACTION = re.compile(r"(-?)\\frac\{(\d+)\}\{(\d+)\}")
_IMAGINARY = re.compile(r"(?<![a-zA-Z\\])i(?![a-zA-Z])")
_CHOICE_WITH_TEXT = re.compile(r"^\(?([A-J])\)[.:]?\s+(.*)$")


@dataclass(frozen=True)
class MathParams:
    timeout_s: float | None = field(
        default=None,
        metadata={"doc": "hard deadline per check (worker); unset: VERIREWARD_VERIFIER_TIMEOUT_S"},
    )
    fallback_last_number: bool = field(
        default=False, metadata={"doc": "with no boxed/tagged/phrased answer, use the last number"}
    )

    def __post_init__(self) -> None:
        if self.timeout_s is not None and not 0 < self.timeout_s <= 60:
            raise ValueError("timeout_s must be in (0, 60]")


@dataclass(frozen=True, slots=True)
class _Prepared:
    answer: str | None
    reference: str
    source: str


class MathVerifier:
    name = "math"
    description = "Final answer (<answer>, \\boxed, 'final answer is') equals the reference."
    Params = MathParams
    execution = "process"

    def cache_key(self, item: Item, params: MathParams) -> tuple[str | None, str] | None:
        if item.answer is None:
            return None
        prepared = _prepare(item, params)
        return (prepared.answer, prepared.reference)

    def quick_verify(self, item: Item, params: MathParams) -> Verdict | None:
        """Decide without sympy when the strings suffice; ``None`` sends it to a worker."""
        if item.answer is None:
            return Verdict.error(ErrorCode.MISSING_REFERENCE, "math needs the item's 'answer'")
        prepared = _prepare(item, params)
        answer, reference = prepared.answer, prepared.reference
        details = {"extracted": answer, "reference": reference, "source": prepared.source}
        if answer is None:
            return Verdict.failed("no_answer", **details)
        if answer == reference:
            return Verdict.of(True, "string_match", **details)
        letter = choice_letter(reference)
        if letter is not None:
            return Verdict.of(_choice_of(answer) == letter, "choice_letter", **details)
        if is_text_answer(reference):
            return Verdict.of(_words(answer) == _words(reference), "text_match", **details)
        numbers = _plain_number(answer), _plain_number(reference)
        if None not in numbers:
            return Verdict.of(numbers[0] == numbers[1], "rational_fast_path", **details)
        return None

    def verify(self, item: Item, params: MathParams) -> Verdict:
        quick = self.quick_verify(item, params)
        if quick is not None:
            return quick
        prepared = _prepare(item, params)
        answer, reference = prepared.answer or "", prepared.reference
        details = {"extracted": answer, "reference": reference, "source": prepared.source}
        imaginary = bool(_IMAGINARY.search(reference))
        try:
            parsed_reference = parse_answer(reference, imaginary)
        except ParseError as exc:
            return Verdict.error(ErrorCode.REFERENCE_UNPARSEABLE, f"reference {reference!r}: {exc}")
        try:
            parsed_answer = parse_answer(answer, imaginary)
        except ParseError as exc:
            return Verdict.failed("unparseable", error=str(exc), **details)
        rule = equal(parsed_answer, parsed_reference)
        return Verdict.of(rule is not None, rule or "not_equal", **details)


def _prepare(item: Item, params: MathParams) -> _Prepared:
    extraction = extract_answer(item.completion, params.fallback_last_number)
    answer = normalize(extraction.text) if extraction.text is not None else None
    return _Prepared(answer or None, normalize(str(item.answer)), extraction.source)


def _plain_number(text: str) -> Fraction | None:
    fraction = _LATEX_FRACTION.fullmatch(text)
    if fraction:
        sign, top, bottom = fraction.groups()
        return None if int(bottom) == 0 else Fraction(int(top), int(bottom)) * (-1 if sign else 1)
    if _PLAIN_NUMBER.fullmatch(text):
        numerator, _, denominator = text.partition("/")
        if denominator and int(denominator) == 0:
            return None
        value = Fraction(numerator)
        return value / int(denominator) if denominator else value
    return None


def _choice_of(answer: str) -> str | None:
    letter = choice_letter(answer)
    if letter is not None:
        return letter
    with_text = _CHOICE_WITH_TEXT.match(answer)
    # "(B) 42" names B; "(B) or (C)" hedges and names none
    if with_text and not re.search(r"\b[A-J]\b", with_text.group(2)):
        return with_text.group(1)
    return None


def _words(text: str) -> str:
    return " ".join(text.lower().split())
