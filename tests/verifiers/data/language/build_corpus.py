"""Rebuild ``corpus.jsonl`` from the public sources named in SOURCES.md.

Not run by the tests (the corpus is committed); kept so that anyone can check how each text was
made. Needs local git mirrors of the source repositories (``git --git-dir=MIRROR show``), e.g.
``python build_corpus.py /work/.mirror``. Each output line: ``{"lang", "source", "text"}``.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

PER_LANGUAGE = 150
HERE = Path(__file__).parent

MGSM = ("de", "es", "fr", "ja", "ru", "zh", "sw", "bn", "te", "th")
# language -> (repository, files, sentences per text)
UD = {
    "uk": ("UniversalDependencies/UD_Ukrainian-IU", ["uk_iu-ud-test.conllu"], 3),
    "bg": ("UniversalDependencies/UD_Bulgarian-BTB", ["bg_btb-ud-test.conllu"], 3),
    "sr": ("UniversalDependencies/UD_Serbian-SET", ["sr_set-ud-test.conllu"], 3),
    "kk": ("UniversalDependencies/UD_Kazakh-KTB", ["kk_ktb-ud-test.conllu"], 3),
    "ar": ("UniversalDependencies/UD_Arabic-PUD", ["ar_pud-ud-test.conllu"], 2),
    "fa": ("UniversalDependencies/UD_Persian-Seraji", ["fa_seraji-ud-test.conllu"], 2),
    "ur": ("UniversalDependencies/UD_Urdu-UDTB", ["ur_udtb-ud-test.conllu"], 2),
    "hi": ("UniversalDependencies/UD_Hindi-PUD", ["hi_pud-ud-test.conllu"], 2),
    "mr": (
        "UniversalDependencies/UD_Marathi-UFAL",
        ["mr_ufal-ud-test.conllu", "mr_ufal-ud-dev.conllu", "mr_ufal-ud-train.conllu"],
        3,
    ),
}
_SR_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ", "Lj": "Љ", "LJ": "Љ", "Nj": "Њ", "NJ": "Њ"}
_SR_DIGRAPHS |= {"Dž": "Џ", "DŽ": "Џ"}
_SR_LETTERS = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж", strict=True))
_SR_LETTERS |= {k.upper(): v.upper() for k, v in _SR_LETTERS.items()}


def show(mirror: Path, repo: str, path: str) -> bytes:
    git_dir = mirror / repo.replace("/", "+") / "repo"
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], check=True, capture_output=True
    ).stdout


def serbian_cyrillic(latin: str) -> str | None:
    """Gaj's Latin -> Vuk's Cyrillic, letter for letter (Serbian is written in both)."""
    if re.search(r"[qwxyQWXY]|https?:", latin):
        return None  # foreign spellings have no one Cyrillic form
    text = re.sub("|".join(_SR_DIGRAPHS), lambda m: _SR_DIGRAPHS[m.group()], latin)
    return "".join(_SR_LETTERS.get(c, c) for c in text)


def grouped(sentences: list[str], size: int, lang: str, source: str) -> list[dict]:
    texts = []
    for start in range(0, len(sentences) - size + 1, size):
        texts.append(
            {"lang": lang, "source": source, "text": " ".join(sentences[start : start + size])}
        )
    return texts[:PER_LANGUAGE]


def ud_texts(mirror: Path, lang: str) -> list[dict]:
    repo, files, size = UD[lang]
    sentences = []
    for name in files:
        for line in show(mirror, repo, name).decode().splitlines():
            if line.startswith("# text = "):
                sentence = line.removeprefix("# text = ").strip()
                if lang == "sr":
                    sentence = serbian_cyrillic(sentence)
                if sentence:
                    sentences.append(sentence)
    return grouped(sentences, size, lang, f"{repo} {files[0]}")


def english(mirror: Path) -> list[dict]:
    raw = show(mirror, "openai/grade-school-math", "grade_school_math/data/test.jsonl")
    texts = []
    for line in raw.decode().splitlines()[:PER_LANGUAGE]:
        solution = json.loads(line)["answer"]
        solution = re.sub(r"<<[^>]*>>", "", solution.split("####")[0]).strip()
        texts.append(
            {"lang": "en", "source": "openai/grade-school-math test.jsonl", "text": solution}
        )
    return texts


def mgsm(mirror: Path, lang: str) -> list[dict]:
    raw = show(mirror, "google-research/url-nlp", f"mgsm/mgsm_{lang}.tsv").decode()
    rows = [line.split("\t")[0].strip() for line in raw.splitlines() if line.strip()]
    source = f"google-research/url-nlp mgsm/mgsm_{lang}.tsv"
    return [{"lang": lang, "source": source, "text": row} for row in rows[:PER_LANGUAGE]]


def nepali(mirror: Path) -> list[dict]:
    raw = show(
        mirror, "facebookresearch/flores", "previous_releases/floresv1/data/flores_test_sets.tgz"
    )
    with tarfile.open(fileobj=io.BytesIO(raw)) as archive:
        member = archive.extractfile("flores_test_sets/wikipedia.test.ne-en.ne")
        assert member is not None
        sentences = [s.strip() for s in member.read().decode().splitlines() if s.strip()]
    source = "facebookresearch/flores floresv1 wikipedia.test.ne-en.ne"
    return grouped(sentences, 2, "ne", source)


def main(mirror: Path) -> None:
    texts = english(mirror)
    for lang in MGSM:
        texts += mgsm(mirror, lang)
    for lang in UD:
        texts += ud_texts(mirror, lang)
    texts += nepali(mirror)
    with open(HERE / "corpus.jsonl", "w", encoding="utf-8") as out:
        for text in texts:
            out.write(json.dumps(text, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror"))
