"""Small verifiers for engine and service tests (importable by worker processes)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from verireward.verifiers import Item, Verdict


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
