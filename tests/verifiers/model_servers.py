"""Real HTTP model servers for the judge and reward-model tests: FastAPI + uvicorn on a
loopback port in a background thread, speaking the real wire formats. Nothing here is a mock
of the HTTP layer: the verifiers under test open sockets and parse these servers' JSON.

``ChatServer`` serves OpenAI's ``/v1/chat/completions``. Its replies come from one of three
"models"; every test says which it uses:

- ``tiny_lm``: a Llama with random weights built from a config (transformers, nothing
  downloaded), greedy decoding. Its text is garbage: a real model's real output.
- ``tiny_lm_choice``: the same model restricted to the three verdict words: the reply is the
  word whose first token has the highest next-token logit. Always well formed and
  deterministic, but chosen by random weights: it is not a judgement of the answers.
- ``scripted``: a Python rule replies (``script(first, second, prompt) -> reply text``); by
  default an oracle that compares the two answers as numbers. Used where a test needs a known
  verdict.

``RewardServer`` runs a random-weight ``LlamaForSequenceClassification`` (one label) on byte
tokens and answers vLLM's ``/pooling`` and ``/score`` and TEI's ``/rerank`` and ``/predict``.
Both servers count requests, track the most requests in flight, and can be told to fail.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

Script = Callable[[str, str, str], str]
_ANSWER = re.compile(r"<answer_([12])>\n(.*?)\n</answer_\1>", re.DOTALL)


def answers_in(prompt: str) -> tuple[str, str]:
    found = dict(_ANSWER.findall(prompt))
    return found.get("1", ""), found.get("2", "")


def _number(text: str) -> Fraction | None:
    text = text.replace(" ", "").replace("$", "")
    fraction = re.fullmatch(r"(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}", text)
    if fraction:
        text = f"{fraction.group(1)}{fraction.group(2)}/{fraction.group(3)}"
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


def oracle(first: str, second: str, prompt: str) -> str:
    """Equal as numbers (1/2 = 0.5 = \\frac{1}{2}) or as whitespace-free text."""
    a, b = _number(first), _number(second)
    if a is not None and b is not None:
        return "correct" if a == b else "incorrect"
    same = first.replace(" ", "").lower() == second.replace(" ", "").lower()
    return "correct" if same else "incorrect"


class _Served:
    """Request accounting and fault injection shared by both servers."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.delay_s = 0.0
        self.fail_next = 0  # answer this many requests with ``fail_status``
        self.fail_status = 503
        self.stamps: list[float] = []
        self._lock = threading.Lock()
        self._running: _Thread | None = None

    @property
    def url(self) -> str:
        assert self._running is not None, "start() the server first"
        return f"http://127.0.0.1:{self._running.port}"

    def start(self, app: FastAPI) -> _Served:
        self._running = _Thread(app)
        return self

    def stop(self) -> None:
        if self._running is not None:
            self._running.stop()

    async def _enter(self, body: dict[str, Any]) -> JSONResponse | None:
        with self._lock:
            self.requests.append(body)
            self.stamps.append(time.monotonic())
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            failing = self.fail_next > 0
            self.fail_next -= failing
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if failing:
            return JSONResponse({"error": "injected failure"}, status_code=self.fail_status)
        return None

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


class ChatServer(_Served):
    def __init__(self, model: str = "scripted", script: Script = oracle, seed: int = 0) -> None:
        super().__init__()
        self.model = model
        self.script = script
        self.authorization: list[str | None] = []  # the header of each request
        self._lm: Any = None
        if model != "scripted":
            self._lm = _TinyLM(seed)
        app = FastAPI()
        app.add_api_route("/v1/chat/completions", self._complete, methods=["POST"])
        self.start(app)

    async def _complete(self, request: Request) -> Any:
        body = await request.json()
        self.authorization.append(request.headers.get("authorization"))
        try:
            refused = await self._enter(body)
            if refused is not None:
                return refused
            prompt = body["messages"][-1]["content"]
            if self.model == "scripted":
                text, finish = self.script(*answers_in(prompt), prompt), "stop"
            elif self.model == "tiny_lm":
                text, finish = await asyncio.to_thread(self._lm.generate, prompt, body)
            else:
                text, finish = await asyncio.to_thread(self._lm.choose, prompt), "stop"
            return {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": finish,
                    }
                ],
            }
        finally:
            self._leave()


def _byte_ids(text: str, limit: int = 256) -> list[int]:
    return [b + 1 for b in text.encode()[-limit:]]  # 0 is padding; keep the end


def _byte_llama(config_class: Any, **extra: Any) -> Any:
    """A 2-layer Llama config over byte tokens (id 0 is padding), random init, no download."""
    return config_class(
        vocab_size=257,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        pad_token_id=0,
        bos_token_id=None,
        **extra,
    )


class _TinyLM:
    """A random 2-layer Llama over byte tokens (built from a config; nothing downloaded)."""

    def __init__(self, seed: int) -> None:
        import torch
        from transformers import LlamaConfig, LlamaForCausalLM

        torch.manual_seed(seed)
        config = _byte_llama(LlamaConfig, max_position_embeddings=512, eos_token_id=None)
        self.model = LlamaForCausalLM(config).eval()
        self.torch = torch
        self.lock = threading.Lock()

    def generate(self, prompt: str, body: dict[str, Any]) -> tuple[str, str]:
        steps = int(body.get("max_tokens") or 16)
        ids = self.torch.tensor([_byte_ids(prompt)])
        with self.lock, self.torch.no_grad():
            out = self.model.generate(ids, max_new_tokens=steps, do_sample=False, pad_token_id=0)
        new = [max(0, t - 1) for t in out[0, ids.shape[1] :].tolist()]
        return bytes(new).decode("utf-8", "replace"), "length"

    def choose(self, prompt: str) -> str:
        """Constrained decoding: the verdict word with the highest log-likelihood."""
        words = ("correct", "incorrect", "invalid")
        context = _byte_ids(prompt)
        best, best_score = words[0], float("-inf")
        for word in words:
            target = [b + 1 for b in word.encode()]
            ids = self.torch.tensor([context + target])
            with self.lock, self.torch.no_grad():
                logprobs = self.model(ids).logits[0].log_softmax(-1)
            start = len(context) - 1  # the logits at position p predict token p + 1
            score = sum(float(logprobs[start + k, t]) for k, t in enumerate(target))
            if score > best_score:
                best, best_score = word, score
        return best


class RewardServer(_Served):
    """A scalar reward model behind vLLM's and TEI's scoring routes."""

    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        import torch
        from transformers import LlamaConfig, LlamaForSequenceClassification

        torch.manual_seed(seed)
        config = _byte_llama(LlamaConfig, max_position_embeddings=1024, num_labels=1)
        self.model = LlamaForSequenceClassification(config).eval()
        self.torch = torch
        self.lock = threading.Lock()
        app = FastAPI()
        for path, handler in (
            ("/pooling", self._pooling),
            ("/score", self._score),
            ("/rerank", self._rerank),
            ("/predict", self._predict),
        ):
            app.add_api_route(path, self._wrap(handler), methods=["POST"])
        self.start(app)

    def score(self, prompt: str, completion: str) -> float:
        """The model's raw scalar for a (prompt, completion) pair, as every route computes it."""
        ids = self.torch.tensor([_byte_ids(f"{prompt}\n\n{completion}", 512)])
        with self.lock, self.torch.no_grad():
            return float(self.model(ids).logits[0, 0])

    def _wrap(self, handler: Callable[[dict[str, Any]], Any]) -> Callable[..., Any]:
        async def route(request: Request) -> Any:
            body = await request.json()
            try:
                refused = await self._enter(body)
                return refused or await asyncio.to_thread(handler, body)
            finally:
                self._leave()

        return route

    def _pooling(self, body: dict[str, Any]) -> Any:
        messages = body["messages"]
        prompt = "\n".join(m["content"] for m in messages if m["role"] != "assistant")
        completion = next(m["content"] for m in messages if m["role"] == "assistant")
        value = self.score(prompt, completion)
        return {
            "id": "pool-1",
            "object": "list",
            "created": int(time.time()),
            "model": body.get("model"),
            "data": [{"index": 0, "object": "pooling", "data": [value]}],
            "usage": {"prompt_tokens": 1, "total_tokens": 1},
        }

    def _score(self, body: dict[str, Any]) -> Any:
        seconds = body["text_2"] if isinstance(body["text_2"], list) else [body["text_2"]]
        data = [
            {"index": i, "object": "score", "score": self.score(body["text_1"], t)}
            for i, t in enumerate(seconds)
        ]
        return {"id": "score-1", "object": "list", "model": body.get("model"), "data": data}

    def _rerank(self, body: dict[str, Any]) -> Any:
        ranks = [
            {"index": i, "score": self.score(body["query"], t)} for i, t in enumerate(body["texts"])
        ]
        return sorted(ranks, key=lambda r: -r["score"])  # TEI sorts by score, best first

    def _predict(self, body: dict[str, Any]) -> Any:
        inputs = body["inputs"]
        pairs = inputs if isinstance(inputs[0], list) else [inputs]
        out = [[{"score": self.score(a, b), "label": "LABEL_0"}] for a, b in pairs]
        return out if isinstance(inputs[0], list) else out[0]


class _Thread:
    def __init__(self, app: FastAPI) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("model server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def closed_port_url() -> str:
    """A loopback URL where nothing listens (a judge that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"
