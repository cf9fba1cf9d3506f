"""bubblewrap's command line for a sandbox (see ``BwrapSandbox`` for what each part is for)."""

from __future__ import annotations

from pathlib import Path

from verireward.sandbox.job import Limits
from verireward.sandbox.python_env import SANDBOX_SITE


def bwrap_argv(
    bwrap: str, python: str, script: str, share: Path, site_packages: Path | None, limits: Limits
) -> list[str]:
    """bubblewrap's command line for one sandbox running ``python script``: what is bound,
    what is writable (size-limited tmpfs only), the environment."""
    argv = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--cap-drop",
        "ALL",
        "--disable-userns",
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/lib",
        "/lib",
    ]
    if Path("/usr/lib64").exists():
        argv += ["--symlink", "usr/lib64", "/lib64"]
    if Path("/etc/alternatives").is_dir():  # /usr/bin/java and friends point through it
        argv += ["--ro-bind", "/etc/alternatives", "/etc/alternatives"]
    for config in sorted(Path("/etc").glob("java-*")):  # Debian's JDK keeps its conf there
        argv += ["--ro-bind", str(config), str(config)]
    if Path("/etc/ld.so.cache").exists():
        argv += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    argv += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        # the only writable places, each a size-limited tmpfs (multiprocessing's
        # semaphores live in /dev/shm)
        "--size",
        str(limits.tmp_mb * 1024 * 1024),
        "--tmpfs",
        "/tmp",
        "--size",
        str(limits.tmp_mb * 1024 * 1024),
        "--tmpfs",
        "/dev/shm",
        "--ro-bind",
        str(share),
        "/sandbox",
    ]
    if site_packages:  # the scientific stack, read-only
        argv += ["--ro-bind", str(site_packages), SANDBOX_SITE]
    # bwrap's root and /dev are tmpfs without a size: writable, they would let a program
    # fill the host's memory with files (RLIMIT_FSIZE bounds one file, not how many)
    argv += ["--remount-ro", "/dev", "--remount-ro", "/"]
    argv += [
        "--chdir",
        "/tmp",
        "--setenv",
        "PATH",
        "/usr/bin:/bin",
        "--setenv",
        "HOME",
        "/tmp",
        "--setenv",
        "LANG",
        "C.UTF-8",
        # one thread per numerical library: a case gets one core's worth, and OpenBLAS's
        # per-thread buffers would not fit the address-space limit
        "--setenv",
        "OPENBLAS_NUM_THREADS",
        "1",
        "--setenv",
        "OMP_NUM_THREADS",
        "1",
        "--setenv",
        "MKL_NUM_THREADS",
        "1",
        python,
        "-I",
        "-S",
        "-B",
        script,
    ]
    return argv
