"""The language verifier on the whole real corpus (tests/verifiers/data/language/), against a
naive baseline measured in the same run.

Measures, per language: pure text of the language scored against it (mean, share >= 0.9, min);
the same texts scored against their script siblings and one other language (mean, should be
~0); spliced two-language texts (mean |score - true share|, share within 0.1); English / Chinese
/ Russian / Spanish reasoning about code with inline identifiers; throughput (texts/s, models
already loaded) and the process's peak RSS.

Baseline: lingua on the whole text, one language per text (share 1 if it is the target, else
0), from the corpus's languages that lingua knows: what a text-level detector gives.

    .venv/bin/python bench/language_bench.py
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.verifiers.language_corpus import (
    by_language,
    code_reasoning,
    corpus,
    cross_targets,
    score,
)
from tests.verifiers.language_corpus import spliced as committed_splices


def baseline(texts: list[str], targets: list[str], langs: list[str]) -> list[float]:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    known = {}
    for code in langs:
        try:
            known[Language.from_iso_code_639_1(IsoCode639_1.from_str(code))] = code
        except ValueError:
            continue
    detector = LanguageDetectorBuilder.from_languages(*known).build()
    found = detector.detect_languages_in_parallel_of(texts)
    return [
        float(language is not None and known[language] == target)
        for language, target in zip(found, targets, strict=True)
    ]


def main() -> None:
    groups = by_language()
    langs = sorted(groups)
    texts = [t.text for t in corpus()]
    targets = [t.lang for t in corpus()]
    started = time.perf_counter()
    score(texts[:: len(texts) // 40], targets[:: len(texts) // 40])  # load the models
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    pure = score(texts, targets)
    ours_rate = len(texts) / (time.perf_counter() - started)
    baseline(texts[:40], targets[:40], langs)
    started = time.perf_counter()
    naive = baseline(texts, targets, langs)
    naive_rate = len(texts) / (time.perf_counter() - started)

    header = "| lang | texts | pure mean | pure >= 0.9 | pure min | other-language mean (vs) |"
    print(header + " baseline pure mean |")
    print("|---|---|---|---|---|---|---|")
    for lang in langs:
        n = len(groups[lang])
        where = [i for i, target in enumerate(targets) if target == lang]
        mine, theirs = [pure[i] for i in where], [naive[i] for i in where]
        others = cross_targets(lang, langs)
        cross = {o: statistics.mean(score([t.text for t in groups[lang]], [o] * n)) for o in others}
        worst = max(cross, key=cross.__getitem__)
        print(
            f"| {lang} | {n} | {statistics.mean(mine):.4f} | {sum(s >= 0.9 for s in mine) / n:.1%}"
            f" | {min(mine):.2f} | {max(cross.values()):.4f} ({worst}; {len(others)} tried)"
            f" | {statistics.mean(theirs):.3f} |"
        )
    spliced = committed_splices()  # splices(300, seed=1), committed
    got = score([t for t, _, _ in spliced], [g for _, g, _ in spliced])
    errors = [abs(g - true) for g, (_, _, true) in zip(got, spliced, strict=True)]
    print(
        f"\nspliced (300): mean |error| {statistics.mean(errors):.4f}, within 0.1: "
        f"{sum(e <= 0.1 for e in errors) / len(errors):.1%}, max {max(errors):.2f}"
    )
    code = code_reasoning()
    code_scores = score([t.text for t in code], [t.lang for t in code])
    print(
        f"code reasoning ({len(code)}: en zh ru es): mean {statistics.mean(code_scores):.4f}, "
        f"min {min(code_scores):.2f}"
    )
    print(
        f"throughput: ours {ours_rate:.0f} texts/s, baseline {naive_rate:.0f} texts/s "
        f"(ratio {ours_rate / naive_rate:.2f}); first call (model load) {load_s:.1f} s; "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
