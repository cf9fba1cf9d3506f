"""Warm test runner that executes *inside* the sandbox, under the system Python, stdlib only.

It reads one job (marshal) on stdin, prepares the program once (compiles Python source to a code
object, or builds a C++ binary), then forks one child per test case: the child gets the case's
stdin, fresh pipes for stdout/stderr, its own process group and rlimits, and runs the program.
The parent enforces the per-case deadline and output cap, kills the child's group and any
process left behind, and writes one line per case on the result channel (a Python literal
that the host reads with ``ast.literal_eval``). Expected outputs never enter the sandbox:
the host compares.
"""

import contextlib
import marshal
import os
import resource
import select
import sys
import time

SIGKILL = 9  # not SIGKILL: importing signal (and enum) costs 3 ms per sandbox
MEMORY_EXIT = 101  # the harness's own code for MemoryError (a candidate faking it still fails)
# Cheap modules competitive programs import, loaded once here instead of in every child.
PRELOADED = ("math", "collections", "itertools", "functools", "heapq", "bisect", "operator")


def main():
    results = os.fdopen(os.dup(1), "w", buffering=1)
    _undumpable()
    job = marshal.loads(sys.stdin.buffer.read())  # written by the host; json would cost a re import
    for name in PRELOADED + (("json",) if job["mode"] == "call" else ()):
        __import__(name)
    program, error = prepare(job)
    if error is not None:
        results.write(repr({"compile_error": error[-4000:]}) + "\n")
        return
    results.write(repr({"ready": True}) + "\n")
    for case in job["cases"]:
        outcome = run_case(job, program, case)
        results.write(repr(outcome) + "\n")
        if job["reap"]:  # only inside a PID namespace, where every other process is ours
            reap_strays()


def _undumpable():
    # Non-dumpable: a candidate running as the same uid cannot open /proc/<runner>/fd/*.
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:
        pass


def prepare(job):
    """Python: compile once, exec per case in a forked child. Others: build once, exec per case."""
    if job["warm_python"]:
        try:
            return compile(job["code"], "<solution>", "exec"), None
        except (SyntaxError, ValueError) as exc:
            return None, f"{type(exc).__name__}: {exc}"
    with open(job["source_name"], "w") as handle:
        handle.write(job["code"])
    command = job["compile"]
    if command:
        outcome = spawn(lambda: os.execvp(command[0], command), b"", job["compile_timeout_s"], job)
        if outcome["status"] != "exited" or outcome["exit_code"] != 0:
            return None, (outcome["stderr"] or outcome["status"])
    return job["run"], None


def run_case(job, program, case):
    stdin = case.get("stdin", "").encode()
    if job["warm_python"]:
        # A fresh marker per case: os.write(3, b"checked") from the candidate is not a pass.
        marker = os.urandom(16).hex()
        outcome = spawn(
            lambda: exec_python(job, program, case, marker), stdin, job["timeout_s"], job
        )
        if job["mode"] == "script":
            outcome["value"] = "checked" if outcome["value"] == marker else ""
        return outcome
    return spawn(lambda: os.execvp(program[0], program), stdin, job["timeout_s"], job)


def exec_python(job, program, case, marker):
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
        exec(program, namespace)
        if job["mode"] == "call":
            target = namespace.get(job["fn_name"])
            if target is None and "Solution" in namespace:
                target = getattr(namespace["Solution"](), job["fn_name"])
            value = target(*case["args"])
            os.write(3, sys.modules["json"].dumps(value).encode())
        elif job["mode"] == "script":
            exec(job["check"], namespace)
            os.write(3, marker.encode())
    except MemoryError:
        os._exit(MEMORY_EXIT)
    except SystemExit as exc:
        if job["mode"] != "stdio":
            os._exit(2)  # exiting before the check ran is not passing it
        sys.stdout.flush()
        os._exit(exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1))
    except BaseException:
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)


def spawn(run, stdin_bytes, timeout_s, job):
    limit = job["output_limit"]
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    val_r, val_w = os.pipe()
    # stdin from a file, not a pipe: a child that never reads cannot block the parent
    with open(".stdin", "wb") as handle:
        handle.write(stdin_bytes)
    in_r = os.open(".stdin", os.O_RDONLY)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.setpgid(0, 0)
            for source, target in ((in_r, 0), (out_w, 1), (err_w, 2), (val_w, 3)):
                os.dup2(source, target)
            os.closerange(4, 1024)
            memory = job["memory_mb"] * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            cpu = int(timeout_s) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
            sys.stdin = os.fdopen(0, "r")
            sys.stdout = os.fdopen(1, "w")
            sys.stderr = os.fdopen(2, "w")
            run()
        finally:
            os._exit(1)
    for fd in (in_r, out_w, err_w, val_w):
        os.close(fd)
    buffers = {out_r: bytearray(), err_r: bytearray(), val_r: bytearray()}
    status = None
    open_fds = set(buffers)
    deadline = start + timeout_s
    while open_fds:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            status = "timeout"
            break
        ready, _, _ = select.select(list(open_fds), [], [], remaining)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
                continue
            buffers[fd] += chunk
            if len(buffers[fd]) > limit:
                status = "output_limit"
        if status:
            break
    kill_group(pid)
    _, wait_status = os.waitpid(pid, 0)
    for fd in buffers:
        os.close(fd)
    outcome = {
        "status": status or ("signaled" if os.WIFSIGNALED(wait_status) else "exited"),
        "exit_code": os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None,
        "signal": os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None,
        "seconds": round(time.monotonic() - start, 4),
        "stdout": bytes(buffers[out_r][:limit]).decode("utf-8", "replace"),
        "stderr": bytes(buffers[err_r][-2000:]).decode("utf-8", "replace"),
        "value": bytes(buffers[val_r][:limit]).decode("utf-8", "replace"),
    }
    if outcome["exit_code"] == MEMORY_EXIT:
        outcome["status"] = "memory_limit"
    return outcome


def kill_group(pid):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, SIGKILL)


def reap_strays():
    """Kill whatever a case left behind (daemons that escaped their group): we are alone here."""
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (me, 1):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(int(entry), SIGKILL)
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


if __name__ == "__main__":
    main()
