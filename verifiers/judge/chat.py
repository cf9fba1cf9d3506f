"""Asking an OpenAI-compatible ``/v1/chat/completions`` endpoint one question, with a cache."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from verireward.verifiers.judge.cache import LRUCache
from verireward.verifiers.judge.endpoint import EndpointUnavailable, ModelEndpoint
from verireward.verifiers.judge.prompt import parse_verdict


@dataclass(frozen=True, slots=True)
class JudgeReply:
    verdict: str | None  # None: the reply said none of the three words
    text: str
    finish_reason: str | None
    cached: bool = False


class ChatJudge:
    """Sends one user message, reads ``choices[0].message.content``. Readable replies are
    cached by the caller's key (question, reference, answer, model and everything else that
    shapes the prompt): the same prompt at temperature 0 gets the same verdict."""

    def __init__(self, endpoint: ModelEndpoint) -> None:
        self.endpoint = endpoint
        self.cache: LRUCache[JudgeReply] = LRUCache(endpoint.config.cache_size)
        self.calls = 0  # chat requests made (tests and the bench read it)
        self._count_lock = threading.Lock()

    def ask(
        self, key: Hashable, model: str | None, prompt: str, temperature: float, max_tokens: int
    ) -> JudgeReply:
        """The judge's reply; raises ``EndpointUnavailable`` when there is none."""
        cached = self.cache.get(key)
        if cached is not None:
            return JudgeReply(cached.verdict, cached.text, cached.finish_reason, cached=True)
        body: dict[str, Any] = {} if model is None else {"model": model}
        body |= {
            "messages": [{"role": "user", "content": prompt}],
            "temperature": temperature,
            "max_tokens": max_tokens,
            "stream": False,
        }
        with self._count_lock:
            self.calls += 1
        data = self.endpoint.post_json("/v1/chat/completions", body)
        text, finish = _content(data)
        reply = JudgeReply(parse_verdict(text), text, finish)
        if reply.verdict is not None:  # an unreadable reply is an error: asked again next time
            self.cache.put(key, reply)
        return reply


def _content(data: Any) -> tuple[str, str | None]:
    try:
        choice = data["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise EndpointUnavailable(f"not a chat completion: {str(data)[:200]}") from exc
    if content is None:
        content = ""  # some servers send null content for an empty reply
    if not isinstance(content, str):
        raise EndpointUnavailable(f"message content is {type(content).__name__}, not text")
    return content, choice.get("finish_reason")
