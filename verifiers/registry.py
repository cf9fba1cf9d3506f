"""Discovers verifiers through the ``verireward.verifiers`` entry-point group.

Each entry point names a class (or a factory) whose instance satisfies ``Verifier``; a
factory that takes a ``service_config`` argument gets the service's ``VerifierConfig`` (the
settings verifiers need, read once by the service). Everything is validated once, at
start-up, against ``contract.HOOKS``: a plugin that fails to import, lacks a field, has an
unknown hook or a hook of the wrong signature, or reuses a name stops start-up with a message
naming the distribution.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from verireward.verifiers.contract import Contract, check_required, contract_of
from verireward.verifiers.errors import RegistryError
from verireward.verifiers.params import params_schema
from verireward.verifiers.protocol import Verifier

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "verireward.verifiers"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class VerifierConfig:
    """What the service tells verifiers when it builds them (from its settings, read once)."""

    sandbox_backend: str = "bwrap"  # bwrap | none (explicitly unsandboxed)


class VerifierRegistry(Mapping[str, Verifier]):
    """An immutable name -> verifier map, validated on construction."""

    def __init__(self, verifiers: Iterable[Verifier]) -> None:
        self._by_name: dict[str, Verifier] = {}
        self._contracts: dict[str, Contract] = {}
        for verifier in verifiers:
            contract = validate(verifier)
            if verifier.name in self._by_name:
                raise RegistryError(
                    f"two verifiers are named {verifier.name!r}: "
                    f"{type(self._by_name[verifier.name]).__qualname__} and "
                    f"{type(verifier).__qualname__}; uninstall one of the plugins"
                )
            self._by_name[verifier.name] = verifier
            self._contracts[verifier.name] = contract

    def contract(self, name: str) -> Contract:
        """The validated hooks of ``name`` (what the engine calls)."""
        return self._contracts[name]

    def __getitem__(self, name: str) -> Verifier:
        return self._by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def unavailable(self) -> dict[str, str]:
        """Verifiers that are installed but cannot run here, with the reason."""
        reasons = {}
        for name, contract in self._contracts.items():
            if contract.unavailable_reason is None:
                continue
            try:
                reason = contract.unavailable_reason()
            except Exception as exc:  # a probe that breaks means the verifier cannot run
                log.exception("unavailable_reason of %s raised", name)
                reason = f"availability probe raised {exc!r}"
            if reason:
                reasons[name] = str(reason)
        return reasons

    def close(self) -> None:
        for name, contract in self._contracts.items():
            if contract.close is not None:
                try:
                    contract.close()
                except Exception:
                    log.exception("close of %s raised", name)

    def describe(self) -> list[dict[str, Any]]:
        return [
            {
                "name": v.name,
                "description": v.description,
                "execution": v.execution,
                "batch": self._contracts[v.name].batch,
                "score_range": list(self._contracts[v.name].score_range(v.Params())),
                "params_schema": params_schema(v.Params),
            }
            for v in self._by_name.values()
        ]


def load_registry(
    group: str = ENTRY_POINT_GROUP, config: VerifierConfig | None = None
) -> VerifierRegistry:
    """Instantiate every verifier advertised by installed distributions."""
    config = config or VerifierConfig()
    return VerifierRegistry(_instantiate(ep, config) for ep in entry_points(group=group))


def _instantiate(ep: EntryPoint, config: VerifierConfig) -> Verifier:
    origin = f"entry point {ep.name!r} ({ep.value}"
    origin += f", distribution {ep.dist.name})" if ep.dist else ")"
    try:
        factory = ep.load()
        verifier = factory(service_config=config) if _takes_config(factory) else factory()
    except Exception as exc:
        raise RegistryError(f"{origin} failed to load: {exc!r}") from exc
    try:
        validate(verifier)
    except RegistryError as exc:
        raise RegistryError(f"{origin}: {exc}") from exc
    if getattr(verifier, "name", None) != ep.name:
        raise RegistryError(
            f"{origin}: the entry point name must equal the verifier's name "
            f"{getattr(verifier, 'name', None)!r}"
        )
    return verifier


def _takes_config(factory: Any) -> bool:
    try:
        return "service_config" in inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False


def validate(verifier: Any) -> Contract:
    """Check a verifier against the contract; return its resolved hooks."""
    label = type(verifier).__qualname__
    check_required(verifier, label)
    if not isinstance(verifier.name, str) or not _NAME.match(verifier.name):
        raise RegistryError(f"{label}.name {verifier.name!r} must match {_NAME.pattern}")
    if not isinstance(verifier.description, str) or not verifier.description.strip():
        raise RegistryError(f"{label}.description must be a non-empty string")
    if not (dataclasses.is_dataclass(verifier.Params) and isinstance(verifier.Params, type)):
        raise RegistryError(f"{label}.Params must be a dataclass type")
    try:
        verifier.Params()
        params_schema(verifier.Params)
    except Exception as exc:
        raise RegistryError(f"{label}.Params needs JSON-typed fields with defaults: {exc}") from exc
    return contract_of(verifier)
