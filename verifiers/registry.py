"""Discovers verifiers through the ``verireward.verifiers`` entry-point group.

Each entry point names a class (or a zero-argument factory) whose instance satisfies
``Verifier``. Everything is validated once, at start-up: a plugin that fails to import, lacks a
field, or reuses a name stops start-up with a message naming the distribution at fault.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from verireward.verifiers.errors import RegistryError
from verireward.verifiers.params import params_schema
from verireward.verifiers.protocol import Verifier

ENTRY_POINT_GROUP = "verireward.verifiers"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class VerifierRegistry(Mapping[str, Verifier]):
    """An immutable name -> verifier map, validated on construction."""

    def __init__(self, verifiers: Iterable[Verifier]) -> None:
        self._by_name: dict[str, Verifier] = {}
        for verifier in verifiers:
            _validate(verifier)
            if verifier.name in self._by_name:
                raise RegistryError(
                    f"two verifiers are named {verifier.name!r}: "
                    f"{type(self._by_name[verifier.name]).__qualname__} and "
                    f"{type(verifier).__qualname__}; uninstall one of the plugins"
                )
            self._by_name[verifier.name] = verifier

    def __getitem__(self, name: str) -> Verifier:
        return self._by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def unavailable(self) -> dict[str, str]:
        """Verifiers that are installed but cannot run here, with the reason."""
        reasons = {}
        for name, verifier in self._by_name.items():
            probe = getattr(verifier, "unavailable_reason", None)
            reason = probe() if probe else None
            if reason:
                reasons[name] = reason
        return reasons

    def describe(self) -> list[dict[str, Any]]:
        return [
            {
                "name": v.name,
                "description": v.description,
                "execution": v.execution,
                "params_schema": params_schema(v.Params),
            }
            for v in self._by_name.values()
        ]


def load_registry(group: str = ENTRY_POINT_GROUP) -> VerifierRegistry:
    """Instantiate every verifier advertised by installed distributions."""
    return VerifierRegistry(_instantiate(ep) for ep in entry_points(group=group))


def _instantiate(ep: EntryPoint) -> Verifier:
    origin = f"entry point {ep.name!r} ({ep.value}"
    origin += f", distribution {ep.dist.name})" if ep.dist else ")"
    try:
        factory = ep.load()
        verifier = factory()
    except Exception as exc:
        raise RegistryError(f"{origin} failed to load: {exc!r}") from exc
    if getattr(verifier, "name", None) != ep.name:
        raise RegistryError(
            f"{origin}: the entry point name must equal the verifier's name "
            f"{getattr(verifier, 'name', None)!r}"
        )
    return verifier


def _validate(verifier: Any) -> None:
    label = type(verifier).__qualname__
    if not isinstance(verifier, Verifier):
        missing = [
            attr
            for attr in ("name", "description", "Params", "execution", "verify")
            if not hasattr(verifier, attr)
        ]
        raise RegistryError(f"{label} is not a Verifier: missing {missing}")
    if not isinstance(verifier.name, str) or not _NAME.match(verifier.name):
        raise RegistryError(f"{label}.name {verifier.name!r} must match {_NAME.pattern}")
    if not isinstance(verifier.description, str) or not verifier.description.strip():
        raise RegistryError(f"{label}.description must be a non-empty string")
    if verifier.execution not in ("inline", "process", "batch"):
        raise RegistryError(f"{label}.execution must be 'inline', 'process' or 'batch'")
    if verifier.execution == "batch" and not callable(getattr(verifier, "verify_batch", None)):
        raise RegistryError(f"{label}: a batch verifier needs verify_batch(items, params, scores)")
    if not (dataclasses.is_dataclass(verifier.Params) and isinstance(verifier.Params, type)):
        raise RegistryError(f"{label}.Params must be a dataclass type")
    try:
        verifier.Params()
        params_schema(verifier.Params)
    except Exception as exc:
        raise RegistryError(f"{label}.Params needs JSON-typed fields with defaults: {exc}") from exc
