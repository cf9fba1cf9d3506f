"""Languages the sandbox can run. A language is data: how to build once and run per case.

Python is special-cased as ``warm``: the runner compiles it once and forks a child per case
from an already-started interpreter. Others build once (``compile``) and ``exec`` ``run`` per
case. Plugins add languages through the ``verireward.sandbox_languages`` entry-point group,
each naming a ``Language`` instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points

from verireward.sandbox.errors import SandboxError


@dataclass(frozen=True)
class Language:
    name: str
    fence_tags: tuple[str, ...]  # markdown fence names that select it
    source_name: str = ""
    compile: tuple[str, ...] = ()
    run: tuple[str, ...] = ()
    warm_python: bool = False
    modes: tuple[str, ...] = ("stdio",)


PYTHON = Language(
    "python", ("python", "py", "python3"), warm_python=True, modes=("stdio", "call", "script")
)
CPP = Language(
    "cpp",
    ("cpp", "c++", "cxx", "cc"),
    source_name="main.cpp",
    compile=("g++", "-O2", "-std=c++17", "-pipe", "-o", "main", "main.cpp"),
    run=("./main",),
)


def load_languages() -> dict[str, Language]:
    languages = {PYTHON.name: PYTHON, CPP.name: CPP}
    for ep in entry_points(group="verireward.sandbox_languages"):
        language = ep.load()
        if not isinstance(language, Language) or language.name in languages:
            raise SandboxError(f"invalid or duplicate sandbox language from {ep.value}")
        languages[language.name] = language
    return languages


def language_for_fence(tag: str, languages: dict[str, Language]) -> Language | None:
    tag = tag.strip().lower()
    return next((lang for lang in languages.values() if tag in lang.fence_tags), None)
