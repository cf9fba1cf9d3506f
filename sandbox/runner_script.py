"""Assert mode's two processes, run *inside* the sandbox next to ``runner.py`` (stdlib only).

The candidate server and the judge (``runner_assert``) are forked before the tests are read
from the host, each waiting for its part of the job on a pipe of its own: the candidate's
memory never holds the tests, the judge's never holds candidate code. A sandbox pre-started
for assert-mode work forks them while it waits for its job (``Children()`` before the
runner reads anything), so that a submission does not wait for two forks; otherwise the runner
forks them once the job is read. Either way the candidate gets the compiled program and the
judge the tests only when the job is there.
"""

import marshal
import os
import sys
import time

import runner
import runner_assert

_GO_FD = 6  # a waiting child's pipe for its part of the job (after fds 0-3 and the channel)


class Children:
    """The candidate server and the judge, forked, each waiting for its part of the job."""

    def __init__(self):
        requests_r, requests_w = os.pipe()  # judge -> candidate
        replies_r, replies_w = os.pipe()  # candidate -> judge
        self.candidate = _waiting_child(_serve, (requests_r, replies_w))
        self.judge = _waiting_child(_judge, (replies_r, requests_w))
        for fd in (requests_r, requests_w, replies_r, replies_w):
            os.close(fd)

    def discard(self):
        """Not an assert-mode job: the children end (they never ran anything)."""
        for child in (self.candidate, self.judge):
            runner.kill_group(child["pid"])  # before it reads the end of its pipe
            os.close(child["go"])
            runner.finish(child, {})


def _waiting_child(work, channel):
    go_r, go_w = os.pipe()

    def wait_then_work():
        part = runner.read_frame(_GO_FD)  # EOF: discarded, exits with the harness's failure
        os.close(_GO_FD)
        # a pre-forked child came before the job said where the packages are (one forked
        # after has them already)
        sys.path.extend(p for p in part["sys_path"] if p not in sys.path)
        runner.set_child_limits(part["memory_mb"], part["timeout_s"])
        work(part)

    child = runner.fork_child(wait_then_work, b"", (*channel, go_r))
    os.close(go_r)
    child["go"] = go_w
    return child


def _serve(part):
    runner_assert.serve(part["program"], 4, 5, part["limit"])


def _judge(part):
    runner_assert.judge(part["check"], part["texts"], 5, 4, part["limit"], part["marker"])


def _go(child, part):
    runner_assert.send(child["go"], part)
    os.close(child["go"])
    child["start"] = time.monotonic()


def run_script(job, program, children=None):
    """Run the tests (read from the host only now) against the program; the judge's outcome,
    with the candidate's output."""
    children = children or Children()
    candidate, judge = children.candidate, children.judge
    limit = job["output_limit"]
    limits = {
        "memory_mb": job["memory_mb"],
        "timeout_s": job["timeout_s"],
        "limit": limit,
        "sys_path": list(job.get("sys_path", ())),
    }
    started = time.monotonic()
    _go(candidate, {**limits, "program": program})
    secret = runner.read_frame(0)
    marker = os.urandom(16).hex()
    texts = secret.get("texts", {})
    _go(judge, {**limits, "check": secret["check"], "texts": texts, "marker": marker})
    judged = runner.collect(judge, started + job["timeout_s"], limit, also=candidate)
    heard = judged.pop("heard")
    candidate_out = runner.finish(candidate, heard, limit=limit)
    if judged["value"] == marker.encode():
        judged["value"], judged["detail"] = "checked", {}
    else:
        judged["detail"] = _judge_detail(judged["value"])
        judged["value"] = ""
    judged["stdout"] = candidate_out["stdout"]
    judged["stderr"] = (candidate_out["stderr"] + judged["stderr"])[-2000:]
    if candidate_out["exit_code"] == runner.MEMORY_EXIT and judged["status"] == "exited":
        judged["status"] = "memory_limit"
    judged["seconds"] = round(time.monotonic() - started, 4)
    return judged


def _judge_detail(raw):
    try:
        detail = marshal.loads(raw)
        return dict(detail) if isinstance(detail, dict) else {}
    except (ValueError, EOFError, TypeError):
        return {}
