"""The README's examples run as written against a live service.

Every ``python`` block is executed (its own asserts check the values it shows); every ``sh``
block that is a ``curl`` call to ``/score`` is run, and when a ``json`` block follows it, the
real answer must match it in ids, rewards, scores and errors (``details`` carry timings and
wording that may change). Only the address is rewritten to the live server's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(README.read_text())]


def curl_examples() -> list[tuple[str, str | None]]:
    found = []
    listed = blocks()
    for index, (kind, body) in enumerate(listed):
        if kind == "sh" and body.startswith("curl ") and "/score" in body:
            after = listed[index + 1] if index + 1 < len(listed) else ("", "")
            found.append((body, after[1] if after[0] == "json" else None))
    return found


def essentials(answer: dict) -> list[tuple]:
    return [(r["id"], r["reward"], r["scores"], r["error"]) for r in answer["results"]]


def test_readme_has_the_examples_this_test_runs() -> None:
    kinds = [kind for kind, _ in blocks()]
    assert "python" in kinds
    assert len(curl_examples()) >= 2
    assert all(shown is not None for _, shown in curl_examples())


@pytest.mark.parametrize("index", range(sum(kind == "python" for kind, _ in blocks())))
def test_python_blocks_run(index: int, live_server: str) -> None:
    code = [body for kind, body in blocks() if kind == "python"][index]
    code = code.replace("http://127.0.0.1:8000", live_server)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize("index", range(len(curl_examples())))
def test_curl_blocks_answer_what_the_readme_shows(
    index: int, live_server: str, request: pytest.FixtureRequest
) -> None:
    command, shown = curl_examples()[index]
    if '"tests"' in command:
        request.getfixturevalue("bwrap")  # skips without a sandbox, fails in CI
    command = command.replace("localhost:8000", live_server.removeprefix("http://"))
    done = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, timeout=120, check=True
    )
    answer = json.loads(done.stdout)
    assert shown is not None
    assert essentials(answer) == essentials(json.loads(shown))


def test_every_error_code_is_in_the_readme_table() -> None:
    from verireward.verifiers import ErrorCode

    text = README.read_text()
    start = text.index("### Per-item error codes")
    table = text[start : text.index("\n#", start + 1)]  # up to the next heading
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.MULTILINE))
    assert {code.value for code in ErrorCode} <= listed
