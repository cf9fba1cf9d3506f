"""The scoring engine and its verifiers. Imports neither fastapi nor pydantic."""

from verifiers.engine import EngineLimits, ItemError, ItemResult, ScoringEngine
from verifiers.errors import RegistryError, SpecError, VerifierError
from verifiers.protocol import Item, Status, Verdict, Verifier
from verifiers.registry import ENTRY_POINT_GROUP, VerifierRegistry, load_registry
from verifiers.reward_spec import DEFAULT_WEIGHTS, RewardSpec, build_spec
from verifiers.worker_pool import WorkerPool

__all__ = [
    "DEFAULT_WEIGHTS",
    "ENTRY_POINT_GROUP",
    "EngineLimits",
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
    "VerifierError",
    "VerifierRegistry",
    "WorkerPool",
    "build_spec",
    "load_registry",
]
