"""The scoring engine and its verifiers. Imports neither fastapi nor pydantic."""

from verireward.verifiers.contract import HOOKS, Contract
from verireward.verifiers.engine import EngineLimits, ItemError, ItemResult, ScoringEngine
from verireward.verifiers.errors import (
    ErrorCode,
    FailReason,
    RegistryError,
    SpecError,
    VerifierError,
)
from verireward.verifiers.protocol import Item, Status, Verdict, Verifier
from verireward.verifiers.registry import (
    ENTRY_POINT_GROUP,
    VerifierConfig,
    VerifierRegistry,
    load_registry,
)
from verireward.verifiers.reward_spec import DEFAULT_WEIGHTS, RewardSpec, build_spec
from verireward.verifiers.worker_pool import WorkerPool

__all__ = [
    "DEFAULT_WEIGHTS",
    "ENTRY_POINT_GROUP",
    "HOOKS",
    "Contract",
    "EngineLimits",
    "ErrorCode",
    "FailReason",
    "Item",
    "ItemError",
    "ItemResult",
    "RegistryError",
    "RewardSpec",
    "ScoringEngine",
    "SpecError",
    "Status",
    "Verdict",
    "Verifier",
    "VerifierConfig",
    "VerifierError",
    "VerifierRegistry",
    "WorkerPool",
    "build_spec",
    "load_registry",
]
