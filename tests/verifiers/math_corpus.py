"""The math regression corpus: public benchmark references turned into graded items.

Every reference in ``data/math_references.jsonl`` (MATH-500, OlympiadBench, Minerva, GSM8K,
AIME 2024, AMC 2023, GaoKao 2023 En, College-Math; sources named there and in
``data/collect_references.py``) becomes:

- the reference itself as a boxed final answer (equal);
- rewrites a model produces (equal): ``\\dfrac`` for ``\\frac``, spacing removed, ``\\left(``,
  a set or list in reverse order, an ``x = `` prefix, the decimal of a terminating fraction,
  the answer in ``<answer>`` tags instead of a box;
- wrong variants (not equal): another problem's answer, one number changed, a bound moved
  (strict for non-strict, an open bracket for a closed one), an element dropped from a list.

Rewrites and variants are built from the text only, never by asking a grader, so a verdict on
them is a real test. The reference column is used exactly as the dataset ships it (a GSM8K
solution with ``####``, a Minerva solution with ``\\boxed``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from verireward.verifiers.math.answers import split_top
from verireward.verifiers.math.reference import extract_reference

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class CorpusItem:
    dataset: str
    reference: str  # as the dataset ships it
    completion: str
    expected: bool
    kind: str  # reference | dfrac | spacing | left_right | reordered | prefix | decimal | tag
    #            | other_answer | number_changed | bound_moved | element_dropped


def references() -> list[dict]:
    with open(DATA / "math_references.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def completions() -> list[dict]:
    with open(DATA / "math_completions.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def boxed(answer: str) -> str:
    return (
        f"Working through the problem step by step.\n\nThe final answer is $\\boxed{{{answer}}}$."
    )


def answer_text(reference: str) -> str:
    """The answer a model would write for this reference: its extracted, dollar-free text."""
    return re.sub(r"(?<!\\)\$", "", extract_reference(reference).text).strip()


def rewrites(answer: str) -> Iterator[tuple[str, str]]:
    if "\\frac" in answer:
        yield "dfrac", answer.replace("\\frac", "\\dfrac")
    # spaces around operators only: "15 cm" and "48, 384" keep theirs
    squeezed = re.sub(r"\s*([-+=*/^(){}\[\]<>])\s*", r"\1", answer)
    if squeezed != answer:
        yield "spacing", squeezed
    if re.fullmatch(r"\([^()]*\)", answer):
        yield "left_right", "\\left(" + answer[1:-1] + "\\right)"
    items = split_top(answer, (",",))
    if _is_list(answer, items):
        yield "reordered", ", ".join(reversed(items))
    if re.fullmatch(
        r"-?[\d.]+|\\frac\{-?\d+\}\{\d+\}|-?\\frac\{\d+\}\{\d+\}|\\sqrt\{?\d+\}?", answer
    ):
        yield "prefix", f"x = {answer}"
    fraction = re.fullmatch(r"(-?)\\frac\{(\d+)\}\{(\d+)\}", answer)
    if fraction and int(fraction.group(3)) != 0:
        value = Fraction(int(fraction.group(2)), int(fraction.group(3)))
        decimal = _terminating(value)
        if decimal is not None:
            yield "decimal", fraction.group(1) + decimal


def _terminating(value: Fraction) -> str | None:
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1 or value.denominator == 1:
        return None
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    return f"{float(value):.{places}f}"


def wrong_variants(answer: str, other: str) -> Iterator[tuple[str, str]]:
    if _differs(answer, other):
        yield "other_answer", other
    numbers = list(re.finditer(r"(?<![_^\w.])\d+(?![.\d]*_)", answer))
    if numbers:  # the first number: later ones may sit in a unit ("ft^{2}") or a remark
        first = numbers[0]
        changed = str(int(first.group()) + 1)
        yield "number_changed", answer[: first.start()] + changed + answer[first.end() :]
    moved = _bound_moved(answer)
    if moved is not None:
        yield "bound_moved", moved
    items = split_top(answer, (",",))
    if _is_list(answer, items):
        yield "element_dropped", ", ".join(items[1:])


def _is_list(answer: str, items: list[str]) -> bool:
    """A list of values: not a tuple, not a thousands separator, not prose."""
    groups = [re.sub(r"\\!|[{}\s$]", "", i) for i in items[1:]]
    return (
        len(items) > 1
        and not re.match(r"^[(\[]", answer)
        and not answer.endswith(".")
        and "=" not in answer
        and ":" not in answer
        and not any(re.match(r"\d{3}(?!\d)", g) for g in groups)  # thousands: "10,\!080"
        and not re.search(r"[a-zA-Z]{2,}", re.sub(r"\\[a-zA-Z]+", "", answer))
    )


_SWAPS = [("\\leq", "<"), ("\\geq", ">"), ("\\le", "<"), ("\\ge", ">"), ("<", "\\le"),
          (">", "\\ge")]  # fmt: skip


def _bound_moved(answer: str) -> str | None:
    for old, new in _SWAPS:
        index = answer.find(old)
        if index >= 0 and not answer[index + len(old) : index + len(old) + 1].isalpha():
            return answer[:index] + new + " " + answer[index + len(old) :]
    interval = re.fullmatch(r"([(\[])(.*)([)\]])", answer)
    if interval and "," in answer and "\\infty" not in interval.group(2).split(",")[0]:
        flipped = "[" if interval.group(1) == "(" else "("
        return flipped + interval.group(2) + interval.group(3)
    return None


def _differs(answer: str, other: str) -> bool:
    """Whether another problem's answer is certainly a different answer (text and value).
    A chain "i^8 = (i^4)^2 = 1" is judged by the value it ends on."""
    answer, other = (t.rsplit("=", 1)[-1] for t in (answer, other))
    squeeze = re.sub(r"\s|\\[,;!]|\\left|\\right|\\text\{[^}]*\}|\^\\circ|\^\{\\circ\}", "", answer)
    other_squeezed = re.sub(
        r"\s|\\[,;!]|\\left|\\right|\\text\{[^}]*\}|\^\\circ|\^\{\\circ\}", "", other
    )
    if squeeze == other_squeezed or not other_squeezed:
        return False
    values = _number(squeeze), _number(other_squeezed)
    return None in values or values[0] != values[1]


def _number(text: str) -> Fraction | None:
    text = text.replace(",", "")
    fraction = re.fullmatch(r"(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}", text)
    if fraction and int(fraction.group(3)):
        sign = -1 if fraction.group(1) else 1
        return sign * Fraction(int(fraction.group(2)), int(fraction.group(3)))
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


def corpus() -> list[CorpusItem]:
    rows = references()
    items: list[CorpusItem] = []
    by_dataset: dict[str, list[str]] = {}
    for row in rows:
        by_dataset.setdefault(row["dataset"], []).append(answer_text(row["reference"]))
    position = {name: 0 for name in by_dataset}
    for row in rows:
        dataset, reference = row["dataset"], row["reference"]
        answers = by_dataset[dataset]
        index = position[dataset]
        position[dataset] += 1
        answer = answers[index]
        if not answer:
            continue  # an empty reference: counted as null, nothing to grade
        other = answers[(index * 7 + 13) % len(answers)]

        graded = [("reference", boxed(answer), True)]
        graded.append(("tag", f"<think>Compute it.</think> <answer>{answer}</answer>", True))
        graded += [(kind, boxed(text), True) for kind, text in rewrites(answer)]
        graded += [(kind, boxed(text), False) for kind, text in wrong_variants(answer, other)]
        items += [CorpusItem(dataset, reference, c, e, k) for k, c, e in graded]
    return items
