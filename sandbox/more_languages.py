"""Java, JavaScript (Node), Go and Rust as data: a compile step (under the compile deadline)
and a run command. Their toolchains come from Debian packages (default-jdk-headless, nodejs,
golang-go, rustc; `make languages`); a language whose tool is missing is reported as such.
stdin/stdout only: function-call and assert tests are Python's.

The JVM flags keep it inside the sandbox's limits: a 128 MB heap, small code cache and class
space, the serial GC and the client compiler (its default reservations exceed the 512 MB
address space). Node reserves more address space than it uses: it gets 2 GB of address space
(``address_space_mb``) with its heap capped at 256 MB by ``--max-old-space-size``.
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
)
JAVASCRIPT = Language(
    "javascript",
    ("javascript", "js", "node", "nodejs"),
    source_name="main.js",
    compile=("node", "--check", "main.js"),
    run=("node", "--max-old-space-size=256", "main.js"),
    address_space_mb=2048,  # V8 reserves its code range up front; its heap is capped by the flag
)
GO = Language(
    "go",
    ("go", "golang"),
    source_name="main.go",
    compile=("go", "build", "-o", "main", "main.go"),
    run=("./main",),
)
RUST = Language(
    "rust",
    ("rust", "rs"),
    source_name="main.rs",
    compile=("rustc", "-O", "--edition", "2021", "-o", "main", "main.rs"),
    run=("./main",),
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
