"""``math``: is the completion's final answer equal to the reference answer?

Cheap string work (extraction, normalization, string/choice/text matches and the plain-number
fast path) runs inline through ``quick_verify``; what needs sympy runs in a worker process with
a hard deadline, so a pathological answer costs one worker for ``timeout_s`` and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import sympy as sp
from verireward.verifiers.errors import ErrorCode
from verireward.verifiers.math.answers import choice_letter, is_text_answer, parse_answer
from verireward.verifiers.math.equivalence import equal, rule_family
from verireward.verifiers.math.extract import extract_answer
from verireward.verifiers.math.latex_parser import ParseError
from verireward.verifiers.math.normalize import normalize
from verireward.verifiers.math.reference import canonical_text, extract_reference, malformed
from verireward.verifiers.math.tokens import RefusedError
from verireward.verifiers.math.units import rounds_to
from verireward.verifiers.protocol import Item, Verdict

_PLAIN_NUMBER = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:/\d+)?")
_LATEX_FRACTION = re.compile(r"(-?)\\frac\{(\d+)\}\{(\d+)\}")
_MIXED_NUMBER = re.compile(r"(-?)(\d+)\s*\\frac\{(\d+)\}\{(\d+)\}")
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
    reference_source: str

    def details(self) -> dict[str, str | None]:
        return {
            "extracted": self.answer,
            "reference": self.reference,
            "source": self.source,
            "reference_source": self.reference_source,
        }


def _judged(passed: bool, rule: str, **details: object) -> Verdict:
    """One vocabulary: a pass names the rule that decided, every wrong answer is ``not_equal``
    and ``rule`` says which comparison was tried."""
    return Verdict.of(passed, rule if passed else "not_equal", rule=rule, **details)


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
        details = prepared.details()
        if answer is None:
            return Verdict.failed("no_answer", **details)
        if answer == reference:
            return _judged(True, "string_match", **details)
        letter = choice_letter(reference)
        if letter is not None:
            return _judged(_choice_of(answer) == letter, "choice_letter", **details)
        if is_text_answer(reference):
            return _judged(_words(answer) == _words(reference), "text_match", **details)
        numbers = _plain_number(answer), _plain_number(reference)
        if numbers[0] is not None and numbers[1] is not None:
            if numbers[0] != numbers[1] and rounds_to(numbers[0], answer, reference):
                return _judged(True, "rounded_reference", **details)
            return _judged(numbers[0] == numbers[1], "rational_fast_path", **details)
        return _marked_numbers(answer, reference, details)

    def verify(self, item: Item, params: MathParams) -> Verdict:
        quick = self.quick_verify(item, params)
        if quick is not None:
            return quick
        prepared = _prepare(item, params)
        answer, reference = prepared.answer or "", prepared.reference
        details = prepared.details()
        imaginary = bool(_IMAGINARY.search(reference))
        try:
            parsed_reference = parse_answer(reference, imaginary)
        except ParseError as exc:
            why = malformed(reference)
            if why is not None or isinstance(exc, RefusedError):
                return Verdict.error(
                    ErrorCode.REFERENCE_UNPARSEABLE, f"reference {reference!r}: {why or exc}"
                )
            # Prose or notation we do not read: exact text, never a guess at its value.
            same = canonical_text(answer) == canonical_text(reference)
            return _judged(same, "text_match", reference_kind="text", why=str(exc), **details)
        try:
            parsed_answer = parse_answer(answer, imaginary)
        except ParseError as exc:
            return Verdict.failed("unparseable", error=str(exc), **details)
        rule = equal(parsed_answer, parsed_reference)
        exact = isinstance(parsed_answer, sp.Expr)
        if rule is None and exact and rounds_to(parsed_answer, answer, reference):
            rule = "rounded_reference"  # the dataset rounded: "85.71" for 600/7
        return _judged(rule is not None, rule or rule_family(parsed_reference), **details)


def _prepare(item: Item, params: MathParams) -> _Prepared:
    return _prepared(item.completion, str(item.answer), params.fallback_last_number)


@lru_cache(maxsize=256)
def _prepared(completion: str, raw_reference: str, fallback_last_number: bool) -> _Prepared:
    """Extraction and normalization, once per distinct item (the cache key, the quick path and
    the worker all ask for it)."""
    extraction = extract_answer(completion, fallback_last_number)
    answer = normalize(extraction.text) if extraction.text is not None else None
    reference = extract_reference(raw_reference)
    return _Prepared(answer or None, normalize(reference.text), extraction.source, reference.source)


def _marked_numbers(answer: str, reference: str, details: dict) -> Verdict | None:
    """``25%`` or ``48\\degree`` against a plain number, decided as the units rules would
    (units.py) without sympy: ``x%`` is ``x`` or ``x/100``; ``x°`` is ``x`` (``x·π/180`` is
    never a plain rational unless both are 0)."""
    (a, a_mark), (b, b_mark) = _marked(answer), _marked(reference)
    if a is None or b is None or not (a_mark or b_mark):
        return None
    if a_mark == b_mark:
        return _judged(a == b, "percent" if a_mark == "%" else "degrees", **details)
    if a_mark and b_mark:
        return None  # a percentage against an angle: leave it to the worker
    mark, marked, bare = (a_mark, a, b) if a_mark else (b_mark, b, a)
    same = bare in (marked, marked / 100) if mark == "%" else bare == marked
    return _judged(same, "percent" if mark == "%" else "degrees", **details)


def _marked(text: str) -> tuple[Fraction | None, str]:
    for mark, suffix in (("%", "%"), ("°", "\\degree")):
        if text.endswith(suffix):
            return _plain_number(text[: -len(suffix)].strip()), mark
    return _plain_number(text), ""


def _plain_number(text: str) -> Fraction | None:
    mixed = _MIXED_NUMBER.fullmatch(text)
    if mixed:  # "12 \\frac{3}{5}" is 12 3/5 (the parser's mixed-number rule)
        sign, whole, top, bottom = mixed.groups()
        if int(bottom) == 0:
            return None
        return (int(whole) + Fraction(int(top), int(bottom))) * (-1 if sign else 1)
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
