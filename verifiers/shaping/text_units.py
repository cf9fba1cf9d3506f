"""Counting words and tokens the same way for every shaping reward."""

from __future__ import annotations

import math
import re

from verireward.verifiers.protocol import Item

# Han, kana, Hangul: one unit per character (no spaces between words in these scripts)
CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_WORD = re.compile(rf"[{CJK}]|[^\s{CJK}]+")
_CJK_CHAR = re.compile(rf"[{CJK}]")
_THINK = re.compile(r"<think>(.*?)</think>", re.DOTALL)


def words(text: str) -> list[str]:
    """Whitespace words, with each CJK character its own word (so Chinese text has words)."""
    return _WORD.findall(text)


def completion_tokens(item: Item) -> tuple[int, str]:
    """The trainer's ``completion_tokens`` when sent, else an estimate; and which one it is.

    Estimate: one token per CJK character plus one per 4 other characters (the usual ~4
    characters per BPE token of English text)."""
    sent = item.extra.get("completion_tokens")
    if isinstance(sent, int) and not isinstance(sent, bool) and sent >= 0:
        return sent, "completion_tokens"
    cjk = len(_CJK_CHAR.findall(item.completion))
    return cjk + math.ceil((len(item.completion) - cjk) / 4), "estimate"


def reasoning_text(completion: str) -> str:
    """The ``<think>`` content; everything before ``</think>`` if the tag was prefilled; else
    the whole completion."""
    found = _THINK.search(completion)
    if found:
        return found.group(1)
    if "</think>" in completion:
        return completion.split("</think>", 1)[0]
    return completion
