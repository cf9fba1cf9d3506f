"""Starts ``runner.py`` (inside whatever isolation a backend wraps around it), feeds it the job,
enforces the whole-run deadline and output cap, and reads back one outcome per case."""

from __future__ import annotations

import ast
import contextlib
import marshal
import math
import os
import resource
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from verireward.sandbox.assert_rewrite import rewrite_asserts
from verireward.sandbox.call_harness import call_program, call_stdin
from verireward.sandbox.errors import SandboxError, SandboxKilled, SandboxUnavailable
from verireward.sandbox.job import CaseOutcome, Job, Limits, RunResult
from verireward.sandbox.languages import Language
from verireward.sandbox.uids import can_switch_uid

RUNNER_SOURCE = Path(__file__).with_name("runner.py")
RUNNER_FILES = tuple(  # run inside the sandbox
    Path(__file__).with_name(name)
    for name in ("runner.py", "runner_assert.py", "runner_script.py", "zygote.py")
)
_NONROOT_HEADROOM = 512
_EXIT_GRACE_S = 1.0
_MAX_RUNNER_OUTPUT = 64 * 1024 * 1024  # the runner caps each case; this bounds a broken runner


def payload(
    job: Job, language: Language, limits: Limits, reap: bool, sys_path: Sequence[str] = ()
) -> bytes:
    """The job for the runner: length-prefixed marshal frames (plain literals only; the runner
    loads them fast). The first is public; in assert mode a second carries the tests, which the
    runner reads only after the candidate's process was forked."""
    code = job.code
    if job.mode == "call" and not language.warm_python:  # wrapped in a harness (call_harness)
        code = call_program(language.name, job.code, job.fn_name or "")
        cases = [{"stdin": call_stdin(list(i))} for i in job.inputs]
    else:
        cases = [{"stdin": str(i)} if job.mode == "stdio" else {"args": i} for i in job.inputs]
    cases = cases or ([{}] if job.mode == "script" else [])
    for case, files in zip(cases, job.case_files, strict=False):
        case["files"] = dict(files)
        case["argv"] = list(job.argv)
    document = {
        "code": code,
        "mode": job.mode,
        "fn_name": job.fn_name,
        "cases": cases,
        "warm_python": language.warm_python,
        "source_name": language.source_name,
        "compile": list(language.compile),
        "run": list(language.run),
        "timeout_s": limits.timeout_s,
        "compile_timeout_s": limits.compile_timeout_s,
        "memory_mb": max(limits.memory_mb, language.address_space_mb),
        "compile_memory_mb": max(
            limits.memory_mb, language.address_space_mb, language.compile_address_space_mb
        ),
        "output_limit": limits.output_limit_bytes,
        "reap": reap,
        "sys_path": list(sys_path),  # the sandbox-python packages, as seen from inside
        "files": dict(job.files),
        "binary": job.binary,
        "emit_binary": job.emit_binary,
    }
    frames: list[dict[str, Any]] = [document]
    if job.mode == "script":
        check, texts = rewrite_asserts(job.check or "")
        frames.append({"check": check, "texts": dict(texts)})  # the cached one stays as made
    return b"".join(_frame(marshal.dumps(frame)) for frame in frames)


def _frame(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def process_limit(limits: Limits) -> int:
    # RLIMIT_NPROC counts every task of the uid. As root each run gets a uid of its own; as an
    # ordinary user (the container) the service's own threads share the count, so leave room.
    return limits.max_processes + (0 if can_switch_uid() else _NONROOT_HEADROOM)


_RESOURCES = {
    "nproc": resource.RLIMIT_NPROC,
    "fsize": resource.RLIMIT_FSIZE,
    "nofile": resource.RLIMIT_NOFILE,
    "cpu": resource.RLIMIT_CPU,
    "core": resource.RLIMIT_CORE,
}


def rlimit_values(limits: Limits, case_count: int, extra_processes: int = 0) -> dict[str, int]:
    """The rlimits of a runner and everything it starts, by name (a zygote's runs get them as
    such and set them themselves)."""
    return {
        "nproc": process_limit(limits) + extra_processes,
        "fsize": limits.max_file_mb * 1024 * 1024,
        "nofile": limits.max_open_files,
        "cpu": math.ceil(limits.run_deadline_s(case_count)),  # a CPU-bound run dies at it
        "core": 0,
    }


def rlimits(
    limits: Limits, case_count: int, extra_processes: int = 0, cpu: bool = True
) -> Callable[[], None]:
    """Limits applied to the runner and inherited by everything it starts (``cpu=False``: no
    CPU limit, for a zygote that outlives many runs, each of which sets its own)."""
    values = rlimit_values(limits, case_count, extra_processes)
    if not cpu:
        del values["cpu"]

    def apply() -> None:
        for name, value in values.items():
            resource.setrlimit(_RESOURCES[name], (value, value))

    return apply


# Called with each case's index and outcome as it arrives; returning False stops the run.
CaseCallback = Callable[[int, CaseOutcome], bool]


def run_runner(
    argv: Sequence[str],
    job_bytes: bytes,
    case_count: int,
    limits: Limits,
    preexec: Callable[[], None],
    cwd: str,
    user: int | None = None,
    on_case: CaseCallback | None = None,
) -> RunResult:
    process = start_runner(argv, preexec, cwd, user)
    return finish_runner(process, job_bytes, case_count, limits, on_case)


def start_runner(
    argv: Sequence[str],
    preexec: Callable[[], None],
    cwd: str,
    user: int | None = None,
    stdio: tuple[Any, Any, Any] = (subprocess.PIPE,) * 3,
) -> subprocess.Popen[bytes]:
    """Start the runner (inside its isolation); it waits for its job on stdin (``stdio``: its
    stdin, stdout and stderr, pipes unless said)."""
    stdin, stdout, stderr = stdio
    try:
        return subprocess.Popen(
            list(argv),
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            cwd=cwd,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            start_new_session=True,
            preexec_fn=preexec,
            user=user,
            group=user,
            extra_groups=[] if user is not None else None,
        )
    except OSError as exc:
        raise SandboxUnavailable(f"cannot start {argv[0]}: {exc}") from exc


def close_streams(process: Any) -> None:
    """Close a started runner's stdin, stdout and stderr (a Popen or a zygote's run)."""
    for stream in (process.stdin, process.stdout, process.stderr):
        with contextlib.suppress(OSError):
            stream.close() if stream is not None else None


def finish_runner(
    process: subprocess.Popen[bytes],
    job_bytes: bytes,
    case_count: int,
    limits: Limits,
    on_case: CaseCallback | None = None,
    teardown: bool = True,
) -> RunResult:
    """Hand a started runner its job, read its outcomes, and tear it down (``teardown=False``:
    the caller does, after the result is back, when every outcome came)."""
    deadline = time.monotonic() + limits.run_deadline_s(case_count)
    lines: list[dict[str, object]] = []
    stderr = b""
    ended_alone: int | None = None  # how the sandbox ended before we killed anything
    complete = False
    try:
        _send(process, job_bytes)
        lines, stderr = _collect(process, deadline, case_count, on_case)
        complete = len(lines) > case_count or any("compile_error" in line for line in lines)
        if teardown or not complete:
            # Let bwrap reap its namespace on a normal exit: killing it first orphans its init.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=_EXIT_GRACE_S)
            ended_alone = process.returncode
    finally:
        if teardown or not complete:
            _kill_session(process)
            process.wait()
        if teardown:  # (a pre-started one's are closed by whoever releases it)
            close_streams(process)
    # SIGKILL of the sandbox process itself (no candidate can reach it), or of the runner
    # before it said ready (no candidate code has run yet): killed from outside.
    if ended_alone == -signal.SIGKILL or (not lines and ended_alone == 128 + signal.SIGKILL):
        raise SandboxKilled(f"the sandbox was killed from outside (exit {ended_alone})")
    return _parse(lines, stderr, case_count, process.returncode)


def _send(process: subprocess.Popen[bytes], job_bytes: bytes) -> None:
    assert process.stdin is not None
    try:
        process.stdin.write(job_bytes)
        process.stdin.close()
    except BrokenPipeError:
        pass


def _collect(
    process: subprocess.Popen[bytes], deadline: float, case_count: int, on_case: CaseCallback | None
) -> tuple[list[dict[str, object]], bytes]:
    """Read result lines as they come; stop at the deadline or when ``on_case`` says so."""
    assert process.stdout is not None and process.stderr is not None
    streams = {process.stdout.fileno(): bytearray(), process.stderr.fileno(): bytearray()}
    out_fd = process.stdout.fileno()
    lines: list[dict[str, object]] = []
    with selectors.DefaultSelector() as selector:
        for fd in streams:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fd)
                    continue
                streams[key.fd] += chunk
                if len(streams[key.fd]) > _MAX_RUNNER_OUTPUT:
                    return lines, bytes(streams[process.stderr.fileno()])
            while b"\n" in streams[out_fd]:
                raw, _, rest = bytes(streams[out_fd]).partition(b"\n")
                streams[out_fd] = bytearray(rest)
                record = _record(raw)
                if record is not None:
                    lines.append(record)
                    cases = len(lines) - 1
                    if cases > 0 and on_case is not None:
                        outcome = CaseOutcome(**lines[-1])  # type: ignore[arg-type]
                        if not on_case(cases - 1, outcome):
                            return lines, b""
                    if "compile_error" in record or cases >= case_count:
                        return lines, b""  # all there is: no need to wait for the exit
    return lines, bytes(streams[process.stderr.fileno()])


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    kill_sandbox = getattr(process, "kill_sandbox", None)
    if kill_sandbox is not None:  # a zygote's sandbox (zygote_host.ZygoteRun)
        kill_sandbox()
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


_RECORD_KEYS = (
    {"ready"},
    {"ready", "binary"},
    {"compile_error"},
    {"status", "exit_code", "signal", "seconds", "stdout", "stderr", "value", "detail"},
)


def _record(raw: bytes) -> dict[str, object] | None:
    """One result line: a dict literal. literal_eval never runs code; anything else is dropped."""
    if not raw.startswith(b"{"):
        return None
    try:
        record = ast.literal_eval(raw.decode("utf-8", "replace"))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(record, dict) or set(record) not in _RECORD_KEYS:
        return None
    return record


def _parse(
    lines: list[dict[str, object]], stderr: bytes, case_count: int, returncode: int | None
) -> RunResult:
    if not lines:
        message = stderr.decode("utf-8", "replace").strip()[-500:]
        if message.startswith("bwrap") or returncode in (126, 127):
            raise SandboxUnavailable(message or f"sandbox exited with {returncode}")
        raise SandboxError(f"runner produced nothing (exit {returncode}): {message}")
    head, *rest = lines
    if "compile_error" in head:
        return RunResult(compile_error=str(head["compile_error"]))
    cases = tuple(CaseOutcome(**line) for line in rest[:case_count])  # type: ignore[arg-type]
    binary = head.get("binary")
    return RunResult(
        cases=cases,
        runner_died=len(cases) < case_count,
        binary=binary if isinstance(binary, bytes) else None,
    )
