"""``math``: is the completion's final answer equal to the reference answer?

Cheap string work (extraction, normalization, string/choice/text matches and the plain-number
fast path) runs inline through ``quick_verify``; what needs sympy runs in a worker process with
a hard deadline, so a pathological answer costs one worker for ``timeout_s`` and nothing else.
Extraction and normalization run once per item, in ``prepare``: the cache key, the quick path
and the worker read the ``PreparedItem`` it returns, and the worker never sees the completion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import sympy as sp
from verireward.verifiers.errors import ErrorCode
from verireward.verifiers.math.answers import (
    Answer,
    choice_letter,
    is_text_answer,
    parse_answer,
)
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
_CLOCK = re.compile(r"\d\d:\d\d")  # as answers.py reads a time of day
_CAPITALS = frozenset("ABCDEFGHIJ")  # choice letters; as answers each is a free symbol


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
class _Reference:
    """A reference as read once (the 16 completions of a prompt share it): its graded text and
    what the quick path asks of it."""

    text: str
    source: str
    letter: str | None  # a choice letter A-J
    is_text: bool  # words (``yes``, ``Tuesday``)
    number: Fraction | None  # a plain number or fraction
    clock: bool  # a time of day, ``16:30``


@dataclass(frozen=True, slots=True)
class _Prepared:
    answer: str | None
    reference: _Reference
    source: str
    fallback_last_number: bool

    def details(self) -> dict[str, str | None]:
        return {
            "extracted": self.answer,
            "reference": self.reference.text,
            "source": self.source,
            "reference_source": self.reference.source,
        }


@dataclass(frozen=True, slots=True)
class PreparedItem(Item):
    """An item after ``MathVerifier.prepare``: ``prepared`` holds the extracted, normalized
    answer and reference; the completion itself is dropped (the worker does not need it)."""

    prepared: _Prepared | None = None


def _judged(passed: bool, rule: str, **details: object) -> Verdict:
    """One vocabulary: a pass names the rule that decided, every wrong answer is ``not_equal``
    and ``rule`` says which comparison was tried."""
    return Verdict.of(passed, rule if passed else "not_equal", rule=rule, **details)


class MathVerifier:
    name = "math"
    description = "Final answer (<answer>, \\boxed, 'final answer is') equals the reference."
    Params = MathParams
    execution = "process"

    def prepare(self, item: Item, params: MathParams) -> Item:
        """Extraction and normalization, once per item (the engine calls this first)."""
        if item.answer is None or isinstance(item, PreparedItem):
            return item
        prepared = _prepare(item.completion, item.answer, params.fallback_last_number)
        return PreparedItem("", item.id, answer=prepared.reference.text, prepared=prepared)

    def cache_key(self, item: Item, params: MathParams) -> tuple[str | None, str] | None:
        if item.answer is None:
            return None
        prepared = _prepared_of(item, params)
        return (prepared.answer, prepared.reference.text)

    def quick_verify(self, item: Item, params: MathParams) -> Verdict | None:
        """Decide without sympy when the strings suffice; ``None`` sends it to a worker."""
        if item.answer is None:
            return Verdict.error(ErrorCode.MISSING_REFERENCE, "math needs the item's 'answer'")
        return _quick(_prepared_of(item, params))

    def verify(self, item: Item, params: MathParams) -> Verdict:
        if item.answer is None:
            return Verdict.error(ErrorCode.MISSING_REFERENCE, "math needs the item's 'answer'")
        prepared = _prepared_of(item, params)
        quick = _quick(prepared)
        return quick if quick is not None else _with_sympy(prepared)


def _quick(prepared: _Prepared) -> Verdict | None:
    answer, reference = prepared.answer, prepared.reference
    details = prepared.details()
    if answer is None:
        return Verdict.failed("no_answer", **details)
    if answer == reference.text:
        return _judged(True, "string_match", **details)
    if reference.letter is not None:
        return _judged(_choice_of(answer) == reference.letter, "choice_letter", **details)
    if reference.is_text:
        return _judged(_words(answer) == _words(reference.text), "text_match", **details)
    number = _plain_number(answer)
    if number is not None and reference.number is not None:
        if number != reference.number and rounds_to(number, answer, reference.text):
            return _judged(True, "rounded_reference", **details)
        return _judged(number == reference.number, "rational_fast_path", **details)
    if _other_kinds(answer, number, reference):
        # what the worker decides too: a time of day is a text, a capital letter a symbol;
        # neither is ever a number (tests/verifiers/test_math_prepare.py checks they agree)
        return _judged(False, "value", **details)
    return _marked_numbers(answer, reference.text, details)


def _other_kinds(answer: str, number: Fraction | None, reference: _Reference) -> bool:
    """A time of day against a number or another time, a capital letter against a number."""
    clock = bool(_CLOCK.fullmatch(answer))
    if reference.clock:
        return number is not None or clock  # equal times were a string match
    if reference.number is not None:
        return clock or answer in _CAPITALS
    return False


def _with_sympy(prepared: _Prepared) -> Verdict:
    """The worker's part: parse both sides and compare them under the equivalence rules."""
    answer, reference = prepared.answer or "", prepared.reference.text
    details = prepared.details()
    imaginary = bool(_IMAGINARY.search(reference))
    try:
        parsed_reference = _parse_reference(reference, imaginary)
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


@lru_cache(maxsize=1024)
def _parse_reference(reference: str, imaginary: bool) -> Answer:
    """A worker parses a reference once: a group's wrong answers share it (parsed answers are
    immutable sympy trees and dataclasses, so sharing one is safe)."""
    return parse_answer(reference, imaginary)


def _prepared_of(item: Item, params: MathParams) -> _Prepared:
    if isinstance(item, PreparedItem) and item.prepared is not None:
        if item.prepared.fallback_last_number != params.fallback_last_number:
            raise ValueError("item prepared with other params")  # never graded the wrong way
        return item.prepared
    return _prepare(item.completion, str(item.answer), params.fallback_last_number)


def _prepare(completion: str, raw_reference: str, fallback_last_number: bool) -> _Prepared:
    extraction = extract_answer(completion, fallback_last_number)
    answer = normalize(extraction.text) if extraction.text is not None else None
    return _Prepared(
        answer or None, _reference(str(raw_reference)), extraction.source, fallback_last_number
    )


def _reference(raw: str) -> _Reference:
    # kept only for references of answer size: a long solution is extracted anew each time
    return _read_reference(raw) if len(raw) <= 4_000 else _read_reference.__wrapped__(raw)


@lru_cache(maxsize=4096)
def _read_reference(raw: str) -> _Reference:
    found = extract_reference(raw)
    text = normalize(found.text)
    return _Reference(
        text,
        found.source,
        choice_letter(text),
        is_text_answer(text),
        _plain_number(text),
        bool(_CLOCK.fullmatch(text)),
    )


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
