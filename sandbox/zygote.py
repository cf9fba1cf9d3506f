"""Warm sandbox zygote, run *inside* a bubblewrap sandbox next to ``runner.py`` (stdlib only).

bubblewrap and a Python interpreter take ~20 ms of CPU to start, more than a small submission's
whole run. The zygote pays that once: it starts (as the slot uid, in bwrap's user and network
namespaces, with only CAP_SYS_ADMIN *inside* that user namespace), imports the runner and the
standard modules solutions import most, and then forks one sandbox per submission, one at a
time:

    zygote --fork--> runner: PID 1 of a new PID namespace; new mount and IPC namespaces, a
                     fresh size-limited /tmp and /dev/shm, a fresh /proc, rlimits, every
                     capability dropped, no_new_privs; then ``runner.main()``

The zygote waits for the runner to end or for the host to hang up the run's status socket
(then it kills the runner, and with it, as PID 1, every process of the namespace), and
reports the exit status. It never reads a job: the host hands it only file descriptors
(SCM_RIGHTS) and sizes, so nothing of one submission is in the memory the next is forked from.

Protocol on fd 0 (a unix socket): the zygote sends ``b"R"`` once ready; each request is a
marshalled ``(tmp_bytes, rlimits, script_children)`` (the last: the runner forks assert mode's
processes before its job, see runner_script) with four fds (stdin, stdout, stderr of the
runner, and the run's status socket); on the status socket the zygote sends the runner's
status (bwrap's convention: the exit code, or 128 + the signal) as 4 bytes when it ends.
"""

import ctypes
import gc
import marshal
import os
import resource
import select
import signal
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.basename(HERE) == "__pycache__":
    HERE = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import runner  # noqa: E402  (warm: imported once per zygote, not once per submission)
import runner_assert  # noqa: E402, F401
import runner_script  # noqa: E402, F401

del sys.path[0]

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID = 0x00020000, 0x08000000, 0x20000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 1 << 14, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 24, 47, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
_LAST_CAP = 63
SET_UP_FAILED = 72  # the status of a sandbox that could not be made (the host stops trying)
_libc = ctypes.CDLL(None, use_errno=True)
_RLIMITS = {
    "nproc": resource.RLIMIT_NPROC,
    "fsize": resource.RLIMIT_FSIZE,
    "nofile": resource.RLIMIT_NOFILE,
    "cpu": resource.RLIMIT_CPU,
    "core": resource.RLIMIT_CORE,
}


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source, target, kind, flags, data=None):
    _check(
        _libc.mount(
            source.encode() if source else None,
            target.encode(),
            kind.encode() if kind else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_capabilities():
    """No capability in any set, none to regain (bounding set emptied, no_new_privs)."""
    for cap in range(_LAST_CAP + 1):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # EINVAL past the kernel's last: fine
    _check(_libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "ambient")
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


# The kernel keyrings are per uid and user namespace, which a zygote's runs share one after
# another: a key one run adds, the next could read. Each run gets a seccomp filter that refuses
# the three key syscalls (and, to be sure of the numbers, any syscall of another ABI).
_KEY_SYSCALLS = {  # machine: (AUDIT_ARCH_*, add_key, request_key, keyctl)
    "x86_64": (0xC000003E, 248, 249, 250),
    "aarch64": (0xC00000B7, 217, 218, 219),
}
_X32_SYSCALL_BIT = 0x40000000
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_EPERM = 0x7FFF0000, 0x00050000 | 1


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def refuse_keyrings():
    """Key syscalls fail with EPERM from here on, in this process and all it starts (after
    no_new_privs). On a machine not listed, nothing (the channel stays, see the README)."""
    numbers = _KEY_SYSCALLS.get(os.uname().machine)
    if numbers is None:
        return
    arch, add_key, request_key, keyctl = numbers
    load, jump_eq, jump_ge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, JMP|JEQ|K, JGE, RET
    program = [
        (load, 0, 0, 4),  # seccomp_data.arch
        (jump_eq, 1, 0, arch),
        (ret, 0, 0, SECCOMP_RET_EPERM),  # another ABI (i386 through int 0x80)
        (load, 0, 0, 0),  # seccomp_data.nr
        (jump_ge, 4, 0, _X32_SYSCALL_BIT),
        (jump_eq, 3, 0, add_key),
        (jump_eq, 2, 0, request_key),
        (jump_eq, 1, 0, keyctl),
        (ret, 0, 0, SECCOMP_RET_ALLOW),
        (ret, 0, 0, SECCOMP_RET_EPERM),
    ]
    filters = (_SockFilter * len(program))(*[_SockFilter(*op) for op in program])
    fprog = _SockFprog(len(program), filters)
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0), "seccomp")


def main():
    control = socket.socket(fileno=0)
    for name in runner.STDLIB_PRELOAD:  # once here, not in each candidate that imports it
        __import__(name)
    gc.collect()
    gc.freeze()  # the objects every run inherits: no collection there walks (and copies) them
    own_pids = serve_from_own_pid_namespace(control)
    control.sendall(b"R")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 4096, 4)
        except OSError:
            return
        if not message:
            return  # the host hung up: bwrap's --die-with-parent takes the rest
        if len(fds) != 4:
            for fd in fds:
                os.close(fd)
            continue
        try:
            serve_run(marshal.loads(message), fds, control, own_pids)
        finally:
            for fd in fds[3:]:  # the others are closed before the run is waited for
                os.close(fd)


def serve_from_own_pid_namespace(control):
    """Go on as the first process of a PID namespace of the zygote's own user namespace; the fd
    of that namespace. (After each run's fork the zygote goes back to its own namespace for
    the next, which needs CAP_SYS_ADMIN over it: bwrap's is owned by the user namespace above
    ours, since --disable-userns nests one.) The process left behind waits for it."""
    _check(_libc.unshare(CLONE_NEWPID), "unshare")
    pid = os.fork()
    if pid != 0:
        control.close()  # the host sees the zygote's end as the end of this socket
        _, wait_status = os.waitpid(pid, 0)
        os._exit(os.waitstatus_to_exitcode(wait_status) & 0xFF)
    return os.open("/proc/self/ns/pid", os.O_RDONLY)


def serve_run(request, fds, control, own_pids):
    """One sandbox: its first process forked into a new PID namespace (the zygote's own
    children after this one stay in the zygote's), then watched until it ends."""
    tmp_bytes, limits, script_children = request
    stdin, stdout, stderr, status = fds
    try:
        _check(_libc.unshare(CLONE_NEWPID), "unshare")
        pid = os.fork()  # the first process of the new PID namespace
    except BaseException as exc:
        _set_up_failed(exc, stderr, status)
        for fd in (stdin, stdout, stderr):
            os.close(fd)
        return
    if pid == 0:
        try:
            control.close()
            os.close(own_pids)
            os.close(status)
            set_up_runner(tmp_bytes, limits, stdin, stdout, stderr)
        except BaseException as exc:
            _set_up_failed(exc, stderr, None)
            os._exit(SET_UP_FAILED)
        try:
            runner.main(bool(script_children))
            sys.stdout.flush()
        except BaseException:  # as the interpreter would report it, had it run the runner
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        os._exit(0)
    try:
        _check(_libc.setns(own_pids, CLONE_NEWPID), "setns")  # the next run gets a new one
    except OSError as exc:  # no next run could be made: say so, and go
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        _set_up_failed(exc, stderr, status)
        os._exit(SET_UP_FAILED)
    for fd in (stdin, stdout, stderr):  # the host sees the run's end as the end of its pipes
        os.close(fd)
    report(pid, status)


def _set_up_failed(exc, stderr, status):
    """The sandbox could not be made (this environment refuses a namespace or a mount): said
    where the host reads a run's errors, and as the status that tells it so."""
    os.write(stderr, f"zygote: {type(exc).__name__}: {exc}\n".encode())
    if status is not None:
        os.write(status, SET_UP_FAILED.to_bytes(4, "big"))


def set_up_runner(tmp_bytes, limits, stdin, stdout, stderr):
    """In the run's first process: its own mounts and IPC, then nothing it could regain."""
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWIPC), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing of ours propagates back
    for target in ("/tmp", "/dev/shm"):
        size = f"size={int(tmp_bytes)},mode=1777"
        _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, size)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    drop_capabilities()
    refuse_keyrings()
    for name, value in limits.items():  # only ever lowered (the zygote's are the ceiling)
        hard = resource.getrlimit(_RLIMITS[name])[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(_RLIMITS[name], (value, value))
    for target, source in enumerate((stdin, stdout, stderr)):
        os.dup2(source, target)
    os.closerange(3, 1024)
    os.chdir("/tmp")
    # A spare waits here for its job: copy now, not on the job's clock, the pages the run's
    # compiler will write
    compile("pass", "<warm>", "exec")


def report(pid, status):
    """Wait for the runner, or for the host to hang up (then kill it: as PID 1 of its
    namespace, its death takes every process in there); send its status."""
    watcher = os.pidfd_open(pid)
    ready, _, _ = select.select([watcher, status], [], [])
    if status in ready and watcher not in ready:
        os.kill(pid, signal.SIGKILL)
    _, wait_status = os.waitpid(pid, 0)
    os.close(watcher)
    code = (
        os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else 128 + os.WTERMSIG(wait_status)
    )
    try:  # noqa: SIM105 (contextlib: milliseconds per zygote for nothing)
        os.write(status, code.to_bytes(4, "big"))
    except OSError:
        pass


if __name__ == "__main__":
    main()
    os._exit(0)
