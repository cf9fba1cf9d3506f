"""SIGKILL for random processes below a running service (workers, forkserver, resource tracker,
sandboxes), as the kernel's OOM killer would: used by the fault test and ``bench/load.py``."""

from __future__ import annotations

import random
import signal
import threading
from collections import Counter

import psutil


def below(root_pid: int, known: dict[int, tuple[psutil.Process, str]]) -> list:
    """Live processes below ``root_pid``, labelled by where they sit in the tree. Processes seen
    before stay known: workers outlive a killed forkserver, reparented away from the server."""
    for process in psutil.Process(root_pid).children(recursive=True):
        if process.pid in known:
            continue
        try:
            line = " ".join(process.cmdline())
            parent = process.ppid()
        except psutil.Error:
            continue
        if "resource_tracker" in line:
            label = "resource_tracker"
        elif parent == root_pid:
            label = "forkserver" if "forkserver" in line else "other"
        elif known.get(parent, (None, ""))[1] == "forkserver":
            label = "worker"
        else:
            label = "sandbox"
        known[process.pid] = (process, label)
    alive = []
    for pid, (process, label) in list(known.items()):
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append((process, label))
                continue
        except psutil.Error:
            pass
        del known[pid]
    return alive


def kill_randomly(
    root_pid: int, stop: threading.Event, killed: Counter, every_s: float = 0.5, seed: int = 12
) -> None:
    """Until ``stop``: every ``every_s`` SIGKILL one process below ``root_pid``; a kind first,
    then one of that kind (two workers and a short-lived sandbox would otherwise rarely be
    picked next to the long-lived forkserver and resource tracker). Counts kills by kind."""
    rng = random.Random(seed)
    known: dict[int, tuple[psutil.Process, str]] = {}
    while not stop.wait(every_s):
        candidates = below(root_pid, known)
        if not candidates:
            continue
        chosen = rng.choice(sorted({label for _, label in candidates}))
        victim, label = rng.choice([c for c in candidates if c[1] == chosen])
        try:
            victim.send_signal(signal.SIGKILL)
            killed[label] += 1
        except psutil.Error:
            pass
