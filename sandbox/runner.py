"""Warm test runner that executes *inside* the sandbox, under the system Python, stdlib only.

It reads one job (marshal) on stdin, prepares the program once (compiles Python source to a code
object, or builds a C++ binary), then forks one child per test case: the child gets the case's
stdin, fresh pipes for stdout/stderr, its own process group and rlimits, and runs the program.
The parent enforces the per-case deadline and output cap, kills the child's group and any
process left behind, and writes one line per case on the result channel (a Python literal
that the host reads with ``ast.literal_eval``). Expected outputs never enter the sandbox:
the host compares.
"""

import marshal
import os
import resource
import select
import sys
import time

SIGKILL = 9  # not SIGKILL: importing signal (and enum) costs 3 ms per sandbox
MEMORY_EXIT = 101  # the harness's own code for MemoryError (a candidate faking it still fails)
# Modules a program may have imported once here, before its cases are forked, instead of in
# every child: only those it names, and only when several children will be forked (a sandbox
# start is CPU that every submission pays; importing what it does not use is waste). A fixed
# list: the runner never imports a name the program chose beyond these.
PRELOADABLE = frozenset(
    "math collections itertools functools heapq bisect operator re string fractions decimal"  # noqa: SIM905
    " random statistics array copy typing dataclasses json numpy scipy sortedcontainers"
    " networkx sympy".split()
)
# The standard modules solutions import most (``re`` alone is 10 ms of CPU in a fresh child),
# imported by a zygote once for all the sandboxes it forks (zygote.py). Not ``random`` (its
# seed would be the same in every run) nor modules that start threads (numpy's BLAS).
STDLIB_PRELOAD = (
    "re math collections heapq itertools functools bisect operator string copy array cmath"  # noqa: SIM905
    " fractions decimal typing dataclasses datetime json".split()
)
HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.basename(HERE) == "__pycache__":  # run from its bytecode
    HERE = os.path.dirname(HERE)


def main(script_children=False):
    """``script_children``: fork assert mode's two processes before the job comes (a sandbox
    pre-started for assert-mode work; see runner_script)."""
    results = os.fdopen(os.dup(1), "w", buffering=1)
    _undumpable()
    children = _script_module().Children() if script_children else None
    job = read_frame(0)  # the public part: program, inputs, limits (never the tests' answers)
    if children is not None and job["mode"] != "script":
        children.discard()
    sys.path.extend(job.get("sys_path", ()))  # the sandbox-python packages (-S skips site)
    if job["mode"] == "call":
        __import__("json")
    preload(job)
    program, error = prepare(job)
    if error is not None:
        results.write(repr({"compile_error": error[-4000:]}) + "\n")
        return
    ready = {"ready": True}
    if job.get("emit_binary") and program is not None and not job["warm_python"]:
        with open(program[0], "rb") as handle:
            ready["binary"] = handle.read()  # the host caches a build it will run again
    results.write(repr(ready) + "\n")
    if job["mode"] == "script":
        results.write(repr(_script_module().run_script(job, program, children)) + "\n")
        return
    for case in job["cases"]:
        outcome = run_case(job, program, case)
        results.write(repr(outcome) + "\n")
        if job["reap"]:  # only inside a PID namespace, where every other process is ours
            reap_strays()


def preload(job):
    """Import once, before the cases are forked, the modules a Python program names (numpy
    alone takes 100+ ms), when more than one case will be forked from here."""
    if not job["warm_python"] or job["mode"] == "script" or len(job["cases"]) < 2:
        return
    for name in imported_names(job["code"]):
        if name in PRELOADABLE:
            try:  # noqa: SIM105 (contextlib costs ms per sandbox start)
                __import__(name)
            except Exception:
                pass  # the program's own import reports it


def imported_names(code):
    """Top-level module names of the program's ``import``/``from ... import`` lines (a cheap
    textual scan: a missed one is only imported later, in the child)."""
    names = set()
    for line in code.splitlines():
        words = line.replace(",", " ").split()
        if len(words) >= 2 and words[0] in ("import", "from"):
            names.add(words[1].partition(".")[0])
            if words[0] == "import":
                names.update(w.partition(".")[0] for w in words[2:] if w != "as")
    return names


def read_frame(fd):
    """One length-prefixed marshal frame, read exactly (no read-ahead: what follows it stays
    in the pipe until asked for)."""
    header = read_exact(fd, 8)
    return marshal.loads(read_exact(fd, int.from_bytes(header, "big")))


def read_exact(fd, size):
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the job ended early")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _undumpable():
    # Non-dumpable: a candidate running as the same uid cannot open /proc/<runner>/fd/*, nor
    # read the memory of the runner or of the judge (forks inherit the flag). Through _ctypes
    # itself: importing the ctypes package costs 2-15 ms per sandbox, _ctypes well under one.
    try:
        import _ctypes

        prctl = _ctypes.dlsym(_ctypes.dlopen(None, 2), "prctl")
        _ctypes.call_function(prctl, (4, 0, 0, 0, 0))  # PR_SET_DUMPABLE = 4, to 0
    except Exception:
        try:
            import ctypes

            ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
        except Exception:
            pass


def prepare(job):
    """Python: compile once, exec per case in a forked child. Others: build once, exec per case."""
    if job["warm_python"]:
        try:
            return compile(job["code"], "<solution>", "exec"), None
        except (SyntaxError, ValueError) as exc:
            return None, f"{type(exc).__name__}: {exc}"
    if job.get("binary"):  # built before (a checker compiled once per source)
        with open(job["run"][0], "wb") as handle:
            handle.write(job["binary"])
        os.chmod(job["run"][0], 0o755)
        return job["run"], None
    with open(job["source_name"], "w") as handle:
        handle.write(job["code"])
    for name, text in job.get("files", {}).items():  # headers next to the source
        with open(name, "w") as handle:
            handle.write(text)
    command = job["compile"]
    if command:
        build = lambda: os.execvp(command[0], command)  # noqa: E731
        outcome = spawn(build, b"", job["compile_timeout_s"], job, job.get("compile_memory_mb"))
        if outcome["status"] != "exited" or outcome["exit_code"] != 0:
            return None, (outcome["stderr"] or outcome["status"])
    return job["run"], None


def run_case(job, program, case):
    stdin = case.get("stdin", "").encode()
    for name, text in case.get("files", {}).items():  # e.g. a checker's input/output/answer
        with open(name, "w") as handle:
            handle.write(text)
    if job["warm_python"]:
        return spawn(lambda: exec_python(job, program, case), stdin, job["timeout_s"], job)
    argv = list(program) + list(case.get("argv", ()))
    return spawn(lambda: os.execvp(argv[0], argv), stdin, job["timeout_s"], job)


def exec_python(job, program, case):
    if job["mode"] == "stdio":
        namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    else:  # function modes import the program: an ``if __name__ == "__main__"`` demo never runs
        module = type(sys)("solution")
        sys.modules["solution"] = module
        namespace = module.__dict__
        namespace["__builtins__"] = __builtins__
    try:
        exec(program, namespace)
        if job["mode"] == "call":
            target = namespace.get(job["fn_name"])
            if target is None and "Solution" in namespace:
                target = getattr(namespace["Solution"](), job["fn_name"])
            value = target(*case["args"])
            os.write(3, sys.modules["json"].dumps(value).encode())
    except MemoryError:
        os._exit(MEMORY_EXIT)
    except SystemExit as exc:
        if job["mode"] != "stdio":
            os._exit(2)  # exiting before returning is not returning
        sys.stdout.flush()
        os._exit(exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1))
    except BaseException:
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)


def _script_module():
    sys.path.insert(0, HERE)
    import runner_script

    del sys.path[0]
    return runner_script


def spawn(run, stdin_bytes, timeout_s, job, memory_mb=None):
    child = start_child(run, stdin_bytes, job, (), timeout_s, memory_mb)
    outcome = collect(child, time.monotonic() + timeout_s, job["output_limit"])
    outcome.pop("heard")
    outcome["value"] = outcome["value"].decode("utf-8", "replace")
    return outcome


def start_child(run, stdin_bytes, job, extra_fds=(), timeout_s=None, memory_mb=None):
    """Fork a child with the case's rlimits (see fork_child)."""
    timeout_s = job["timeout_s"] if timeout_s is None else timeout_s
    memory_mb = memory_mb or job["memory_mb"]

    def limited():
        set_child_limits(memory_mb, timeout_s)
        run()

    return fork_child(limited, stdin_bytes, extra_fds)


def set_child_limits(memory_mb, timeout_s):
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(timeout_s) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def fork_child(run, stdin_bytes, extra_fds=()):
    """Fork a child in its own process group: stdin from a file, stdout/stderr/value (fd 3) on
    pipes, ``extra_fds`` as fds 4, 5, ...; it calls ``run``, which sets its limits."""
    import fcntl

    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    val_r, val_w = os.pipe()
    # stdin from a file, not a pipe: a child that never reads cannot block the parent
    if stdin_bytes:
        name = ".stdin-" + os.urandom(4).hex()
        with open(name, "wb") as handle:
            handle.write(stdin_bytes)
        in_r = os.open(name, os.O_RDONLY)
        os.unlink(name)
    else:
        in_r = os.open("/dev/null", os.O_RDONLY)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.setpgid(0, 0)
            sources = (in_r, out_w, err_w, val_w, *extra_fds)
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 16) for fd in sources]
            for target, source in enumerate(high):
                os.dup2(source, target)
            os.closerange(len(sources), 1024)
            sys.stdin = os.fdopen(0, "r")
            sys.stdout = os.fdopen(1, "w")
            sys.stderr = os.fdopen(2, "w")
            run()
        except BaseException:  # the harness's own failure (the candidate's are handled in run)
            try:
                import traceback

                traceback.print_exc()
                sys.stderr.flush()
            except BaseException:
                pass
        finally:
            os._exit(1)
    for fd in (in_r, out_w, err_w, val_w):
        os.close(fd)
    return {"pid": pid, "fds": (out_r, err_r, val_r), "start": start}


def collect(child, deadline, limit, also=None):
    """Read the child's pipes until they close, the deadline passes or output is over the cap;
    the pipes of ``also`` are read meanwhile (so it never blocks on a full pipe)."""
    buffers = {fd: bytearray() for fd in child["fds"]}
    others = {fd: bytearray() for fd in (also["fds"][:2] if also else ())}
    open_fds, watched = set(buffers) | set(others), set(buffers)
    status = None
    while watched:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            status = "timeout"
            break
        ready, _, _ = select.select(list(open_fds), [], [], remaining)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
                watched.discard(fd)
                continue
            target = buffers.get(fd, others.get(fd))
            target += chunk
            if len(target) > limit:
                status = "output_limit"
        if status:
            break
    outcome = finish(child, buffers, status, limit)
    outcome["heard"] = others
    return outcome


def finish(child, buffers, status=None, limit=1 << 20):
    """Kill the child's group, reap it, drain and close its pipes; its outcome from what was
    read (``value`` as bytes)."""
    pid = child["pid"]
    out_r, err_r, val_r = child["fds"]
    kill_group(pid)
    _, wait_status = os.waitpid(pid, 0)
    for fd, buffer in buffers.items():
        while len(buffer) <= limit and select.select([fd], [], [], 0)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buffer += chunk
    for fd in child["fds"]:
        os.close(fd)
    outcome = {
        "status": status or ("signaled" if os.WIFSIGNALED(wait_status) else "exited"),
        "exit_code": os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None,
        "signal": os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None,
        "seconds": round(time.monotonic() - child["start"], 4),
        "stdout": bytes(buffers.get(out_r, b"")[:limit]).decode("utf-8", "replace"),
        "stderr": bytes(buffers.get(err_r, b"")[-2000:]).decode("utf-8", "replace"),
        "value": bytes(buffers.get(val_r, b"")[:limit]),
        "detail": {},
    }
    if outcome["exit_code"] == MEMORY_EXIT:
        outcome["status"] = "memory_limit"
    return outcome


def kill_group(pid):
    try:  # noqa: SIM105 (contextlib costs ms per sandbox start)
        os.killpg(pid, SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def reap_strays():
    """Kill whatever a case left behind (daemons that escaped their group): we are alone here."""
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (me, 1):
            try:  # noqa: SIM105 (contextlib costs ms per sandbox start)
                os.kill(int(entry), SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


if __name__ == "__main__":
    sys.modules["runner"] = sys.modules["__main__"]  # (runner_script imports it by name)
    main()
    # Every result line is written (line-buffered); skip the interpreter's teardown (module
    # cleanup, GC), a few milliseconds per sandbox: nothing in here outlives the sandbox.
    sys.stdout.flush()
    os._exit(0)
