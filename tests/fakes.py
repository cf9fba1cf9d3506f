"""Small verifiers for engine and service tests (importable by worker processes)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from verireward.verifiers import Item, Status, Verdict


@dataclass(frozen=True)
class EchoParams:
    expected: str = "yes"


class EchoVerifier:
    """Passes when the completion equals ``expected``; counts its calls for dedupe tests."""

    name = "echo"
    description = "completion == expected"
    Params = EchoParams
    execution = "inline"

    def __init__(self) -> None:
        self.calls = 0

    def verify(self, item: Item, params: EchoParams) -> Verdict:
        self.calls += 1
        return Verdict.of(item.completion == params.expected, "equal", expected=params.expected)

    def cache_key(self, item: Item, params: EchoParams) -> str:
        return item.completion


class BrokenVerifier:
    name = "broken"
    description = "raises on every item"
    Params = EchoParams
    execution = "inline"

    def verify(self, item: Item, params: EchoParams) -> Verdict:
        raise RuntimeError("bug in a plugin")


@dataclass(frozen=True)
class SleepParams:
    timeout_s: float = 1.0


class SleepVerifier:
    """Runs in a worker: sleeps for the seconds in the completion, 'crash' kills its worker."""

    name = "sleep"
    description = "sleeps, or crashes its worker"
    Params = SleepParams
    execution = "process"

    def verify(self, item: Item, params: SleepParams) -> Verdict:
        if item.completion == "crash":
            os._exit(3)
        if item.completion == "hog":
            bytearray(8 * 1024**3)
        if item.completion.startswith("pidfile:"):  # lets a test kill this very worker
            with open(item.completion.removeprefix("pidfile:"), "a") as handle:
                handle.write(f"{os.getpid()}\n")
            time.sleep(2)
            return Verdict.of(True, "slept", pid=os.getpid())
        time.sleep(float(item.completion))
        return Verdict.of(True, "slept", pid=os.getpid())


class OfflineVerifier(EchoVerifier):
    name = "offline"
    description = "installed but cannot run here"

    def unavailable_reason(self) -> str:
        return "backend missing"


class CrashOnceVerifier:
    """Crashes its worker the first time it sees a marker path, then passes (retry test)."""

    name = "crash_once"
    description = "crashes once per marker file"
    Params = SleepParams
    execution = "process"

    def verify(self, item: Item, params: SleepParams) -> Verdict:
        marker = item.completion
        if not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(9)
        return Verdict.of(True, "survived")


class PenaltySleepVerifier(SleepVerifier):
    """A penalty in [-1, 0] that runs in a worker: its timeouts and memory blow-ups score -1."""

    name = "penalty_sleep"
    description = "sleeps; a penalty verifier"
    score_range = (-1.0, 0.0)

    def verify(self, item: Item, params: SleepParams) -> Verdict:
        slept = super().verify(item, params)
        return Verdict(slept.status, 0.0, slept.reason, slept.details)


class RaiseInWorkerVerifier:
    """Raises inside its worker process when the completion says so."""

    name = "raise_in_worker"
    description = "raises ValueError in a worker on 'raise'"
    Params = SleepParams
    execution = "process"

    def verify(self, item: Item, params: SleepParams) -> Verdict:
        if item.completion == "raise":
            raise ValueError("a bug in a worker-side plugin")
        return Verdict.of(True, "fine")


class OutOfRangeVerifier(EchoVerifier):
    """Breaks its contract: scores 2 (range [0, 1]) or uses an error code nobody declared."""

    name = "out_of_range"
    description = "returns verdicts that break the contract"

    def verify(self, item: Item, params: EchoParams) -> Verdict:
        if item.completion == "code":
            return Verdict(Status.ERROR, 0.0, "made up", code="my_own_code")
        return Verdict(Status.PASS, 2.0, "too much")
