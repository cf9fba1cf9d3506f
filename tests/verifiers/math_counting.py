"""Runs in a worker process (the pool pickles it by name): the math verifier's ``verify`` with
its extraction and normalization counted, the counts returned in the verdict's details."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from verireward.verifiers.math import verifier as math_module
from verireward.verifiers.protocol import Item, Verdict


def counting_in_worker(verifier: Any, item: Item, params: Any) -> Verdict:
    counts: Counter = Counter()
    originals = {name: getattr(math_module, name) for name in ("extract_answer", "normalize")}

    def counted(name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return originals[name](*args, **kwargs)

        return call

    for name in originals:
        setattr(math_module, name, counted(name))
    try:
        verdict = verifier.verify(item, params)
    finally:
        for name, original in originals.items():
            setattr(math_module, name, original)
    seen = {
        "worker_extractions": counts["extract_answer"],
        "worker_normalizations": counts["normalize"],
        "worker_completion_chars": len(item.completion),
    }
    return dataclasses.replace(verdict, details={**verdict.details, **seen})
