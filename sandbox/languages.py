"""Languages the sandbox can run. A language is data: how to build once and run per case.

Python is special-cased as ``warm``: the runner compiles it once and forks a child per case
from an already-started interpreter. Others build once (``compile``) and ``exec`` ``run`` per
case. Plugins add languages through the ``verireward.sandbox_languages`` entry-point group,
each naming a ``Language`` instance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

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
    address_space_mb: int = 0  # at least this much address space per case (runtimes that reserve)
    compile_address_space_mb: int = 0  # at least this much for the compile step (rustc, go)


PYTHON = Language(
    "python", ("python", "py", "python3"), warm_python=True, modes=("stdio", "call", "script")
)
CPP = Language(
    "cpp",
    ("cpp", "c++", "cxx", "cc"),
    source_name="main.cpp",
    compile=("g++", "-O2", "-std=c++17", "-pipe", "-o", "main", "main.cpp"),
    run=("./main",),
    modes=("stdio", "call"),
)


_NAME = re.compile(r"^[a-z][a-z0-9_+#-]{0,39}$")
_MODES = frozenset(("stdio", "call", "script"))


def load_languages() -> dict[str, Language]:
    """Built-ins plus plugins, each plugin checked (the code verifier calls this at start-up)."""
    from verireward.sandbox.more_languages import MORE

    languages = {PYTHON.name: PYTHON, CPP.name: CPP, **{lang.name: lang for lang in MORE}}
    for ep in entry_points(group="verireward.sandbox_languages"):
        origin = f"sandbox language {ep.name!r} ({ep.value}, distribution {_dist(ep)})"
        try:
            language = ep.load()
        except Exception as exc:
            raise SandboxError(f"{origin} failed to load: {exc!r}") from exc
        problem = _problem(language, languages)
        if problem:
            raise SandboxError(f"{origin}: {problem}")
        languages[language.name] = language
    return languages


def _dist(ep: EntryPoint) -> str:
    return ep.dist.name if ep.dist else "unknown"


def _strings(value: Any) -> bool:
    return isinstance(value, tuple) and all(isinstance(v, str) and v for v in value)


def _problem(language: Any, known: dict[str, Language]) -> str | None:
    if not isinstance(language, Language):
        return f"is a {type(language).__name__}, not a sandbox Language"
    if not _NAME.match(language.name) or language.name in known:
        return f"name {language.name!r} is invalid or already taken"
    if not language.fence_tags or not _strings(language.fence_tags):
        return "fence_tags must be a non-empty tuple of strings"
    if not set(language.modes) <= _MODES or not language.modes:
        return f"modes must be among {sorted(_MODES)}"
    if not language.warm_python and not (language.run and _strings(language.run)):
        return "run must be a non-empty tuple of strings (the command per case)"
    if not _strings(language.compile) or (language.compile and not language.source_name):
        return "compile must be a tuple of strings, with source_name set when it is not empty"
    return None


def language_for_fence(tag: str, languages: dict[str, Language]) -> Language | None:
    tag = tag.strip().lower()
    return next((lang for lang in languages.values() if tag in lang.fence_tags), None)
