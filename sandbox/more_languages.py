"""Java, JavaScript (Node), Go and Rust as data: a compile step (under the compile deadline)
and a run command. Their toolchains come from Debian packages (default-jdk-headless, nodejs,
golang-go, rustc; `make languages`); a language whose tool is missing is reported as such.
All four also take function-call tests (``call_harness``).

The JVM flags keep it inside the sandbox's limits: a 128 MB heap, small code cache and class
space, the serial GC and the client compiler (its default reservations exceed the 512 MB
address space). Node reserves more address space than it uses: it gets 2 GB of address space
(``address_space_mb``) with its heap capped at 256 MB by ``--max-old-space-size``. The Go
runtime reserves about 700 MB of address space before its first allocation: Go programs get
1 GB (``GOMAXPROCS=1``: one core per case, and every thread counts against the sandbox's
process limit). ``go build`` and ``rustc`` need about 1 GB of address space to compile
(``compile_address_space_mb``); Go's build cache goes to the sandbox's ``/tmp``, rustc builds
one codegen unit (one thread, under the process limit).
"""

from __future__ import annotations

import shutil

from verireward.sandbox.languages import Language

_JVM = (
    "-Xmx128m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:CICompilerCount=1",
    "-XX:ReservedCodeCacheSize=16m",
    "-XX:CompressedClassSpaceSize=32m",
    "-XX:MaxMetaspaceSize=96m",
    "-Xshare:off",
)

JAVA = Language(
    "java",
    ("java",),
    source_name="Main.java",
    compile=("javac", *(f"-J{flag}" for flag in _JVM), "-encoding", "UTF-8", "Main.java"),
    run=("java", *_JVM, "Main"),
    modes=("stdio", "call"),
)
JAVASCRIPT = Language(
    "javascript",
    ("javascript", "js", "node", "nodejs"),
    source_name="main.js",
    compile=("node", "--check", "main.js"),
    run=("node", "--max-old-space-size=256", "main.js"),
    modes=("stdio", "call"),
    address_space_mb=2048,  # V8 reserves its code range up front; its heap is capped by the flag
)
_GO_ENV = ("env", "GOCACHE=/tmp/.cache/go-build", "GOPATH=/tmp/go", "CGO_ENABLED=0")
GO = Language(
    "go",
    ("go", "golang"),
    source_name="main.go",
    compile=(*_GO_ENV, "GOMAXPROCS=2", "GOFLAGS=-p=1", "go", "build", "-o", "main", "main.go"),
    run=("env", "GOMAXPROCS=1", "./main"),
    modes=("stdio", "call"),
    address_space_mb=1024,
    compile_address_space_mb=2048,
)
RUST = Language(
    "rust",
    ("rust", "rs"),
    source_name="main.rs",
    compile=(
        *("rustc", "-O", "-C", "codegen-units=1", "--edition", "2021"),
        *("-o", "main", "main.rs"),
    ),
    run=("./main",),
    modes=("stdio", "call"),
    compile_address_space_mb=2048,
)
MORE = (JAVA, JAVASCRIPT, GO, RUST)
TOOLS = {"java": "javac", "javascript": "node", "go": "go", "rust": "rustc"}


def missing_tool(language: Language) -> str | None:
    """Why ``language`` cannot run in the sandbox here (its tool must be under /usr, the only
    tree the sandbox sees), or None."""
    tool = TOOLS.get(language.name)
    if tool is None:
        return None
    path = shutil.which(tool, path="/usr/bin:/bin")
    if path is None:
        return f"{tool} is not installed in /usr/bin (Debian package; `make languages`)"
    return None
