"""The ``reward_model`` verifier against a real scoring server on loopback: ``RewardServer``
runs a random-weight transformers ``LlamaForSequenceClassification`` (built from a config) and
answers vLLM's and TEI's routes. Its scores mean nothing, but they are a real model's, so every
expected value below is the same model's score computed directly (``server.score``)."""

from __future__ import annotations

import asyncio
import math
import statistics
from collections.abc import Iterator

import pytest
from verireward.verifiers import Item, RewardSpec, ScoringEngine, VerifierRegistry
from verireward.verifiers.format import FormatVerifier
from verireward.verifiers.judge.config import EndpointConfig
from verireward.verifiers.judge.reward_model import (
    RewardModelParams,
    RewardModelVerifier,
    summary_of,
)
from verireward.verifiers.math.verifier import MathVerifier

from tests.verifiers.model_servers import RewardServer, closed_port_url

pytestmark = pytest.mark.integration
APIS = ("vllm_pooling", "vllm_score", "tei_rerank", "tei_predict")


@pytest.fixture(scope="module")
def module_server() -> Iterator[RewardServer]:
    server = RewardServer()
    yield server
    server.stop()


@pytest.fixture
def rm(module_server: RewardServer) -> RewardServer:
    module_server.requests.clear()
    module_server.max_in_flight = module_server.fail_next = 0
    module_server.delay_s = 0.0
    return module_server


def verifier(url: str, api: str = "vllm_pooling", **config: object) -> RewardModelVerifier:
    settings = {"url": url, "api": api, "retries": 1, "backoff_s": 0.01, **config}
    return RewardModelVerifier(EndpointConfig(**settings))  # type: ignore[arg-type]


def score(rmv: RewardModelVerifier, items: list[Item], weights=None, **params: object):
    engine = ScoringEngine(VerifierRegistry([MathVerifier(), FormatVerifier(), rmv]))
    spec = RewardSpec(
        weights=weights or {"reward_model": 1.0},
        params={"reward_model": RewardModelParams(**params)} if params else {},
    )
    return asyncio.run(engine.score(items, spec))


def reply(summary: str, reasoning: str = "private chain of thought") -> str:
    return f"<think>{reasoning}</think>\n<answer>{summary}</answer>"


def test_summary_drops_the_reasoning() -> None:
    assert summary_of(reply("Paris.")) == "Paris."
    assert summary_of("<think>never ends") is None
    assert summary_of("no tags at all") == "no tags at all"
    assert summary_of("<think>x</think> kept", remove_reasoning=False) == "<think>x</think> kept"


@pytest.mark.parametrize("api", APIS)
def test_every_api_returns_the_models_raw_score(rm: RewardServer, api: str) -> None:
    items = [Item(completion=reply("Paris."), prompt="Capital of France?")]
    [result] = score(verifier(rm.url, api), items, transform="raw")
    assert result.error is None
    assert result.scores["reward_model"] == pytest.approx(rm.score("Capital of France?", "Paris."))
    assert len(rm.requests) == 1 and "private chain of thought" not in str(rm.requests[0])


def test_sigmoid_maps_into_the_unit_interval(rm: RewardServer) -> None:
    items = [Item(completion=reply(text), prompt="Say hi") for text in ("hi", "hello there", "")]
    results = score(verifier(rm.url), items)
    for result, text in zip(results, ("hi", "hello there", ""), strict=True):
        expected = 1 / (1 + math.exp(-rm.score("Say hi", text)))
        assert result.reward == pytest.approx(expected) and 0 < result.reward < 1


def test_zscore_is_relative_to_the_group(rm: RewardServer) -> None:
    texts = ["a", "bb", "ccc", "dddd"]
    items = [Item(completion=reply(t), prompt="P1") for t in texts]
    items += [Item(completion=reply("alone"), prompt="P2")]
    results = score(verifier(rm.url), items, transform="zscore")
    group = [r.reward for r in results[:4]]
    assert statistics.fmean(group) == pytest.approx(0, abs=1e-9)
    assert statistics.pstdev(group) == pytest.approx(1)
    raws = [rm.score("P1", t) for t in texts]
    assert sorted(range(4), key=group.__getitem__) == sorted(range(4), key=raws.__getitem__)
    assert results[4].reward == 0.0  # a group of one has no spread


def test_no_summary_scores_the_floor_never_above_an_honest_attempt(rm: RewardServer) -> None:
    items = [Item(completion=reply(t), prompt="P") for t in ("x", "yy", "zzz")]
    items.append(Item(completion="<think>truncated mid-thought", prompt="P"))
    rmv = verifier(rm.url)
    zs = score(rmv, items, transform="zscore")
    assert zs[3].details["reward_model"]["reason"] == "no_summary"
    assert zs[3].reward == min(r.reward for r in zs[:3])
    sig = score(rmv, items)  # the raw scores come from the cache
    assert sig[3].reward == 0.0 and len(rm.requests) == 3  # the truncated one was never sent


def test_clip_bounds_raw_scores(rm: RewardServer) -> None:
    items = [Item(completion=reply("anything"), prompt="P")]
    [result] = score(verifier(rm.url), items, transform="raw", clip=1e-6)
    assert abs(result.reward) <= 1e-6


def test_scores_are_cached_and_duplicates_share_a_call(rm: RewardServer) -> None:
    rmv = verifier(rm.url)
    items = [Item(completion=reply("same", reasoning=f"r{n}"), prompt="P") for n in range(5)]
    first = score(rmv, items)
    assert len(rm.requests) == 1 and len({r.reward for r in first}) == 1
    again = score(rmv, items)
    assert len(rm.requests) == 1 and again[0].details["reward_model"]["cached"] is True


def test_server_down_is_unavailable_never_zero() -> None:
    [result] = score(verifier(closed_port_url()), [Item(completion=reply("x"), prompt="P")])
    assert result.reward is None and result.error.code == "reward_model_unavailable"


def test_server_errors_are_retried(rm: RewardServer) -> None:
    rm.fail_next = 1
    [result] = score(verifier(rm.url), [Item(completion=reply("x1"), prompt="P")])
    assert result.error is None and len(rm.requests) == 2
    rm.fail_next = 5
    [failed] = score(verifier(rm.url), [Item(completion=reply("x2"), prompt="P")])
    assert failed.error.code == "reward_model_unavailable" and "503" in failed.error.message


def test_a_label_the_server_lacks_is_unavailable(rm: RewardServer) -> None:
    items = [Item(completion=reply("x3"), prompt="P")]
    [named] = score(verifier(rm.url, "tei_predict"), items, label="LABEL_0")
    assert named.error is None
    [missing] = score(verifier(rm.url, "tei_predict"), items, label="helpful")
    assert missing.error.code == "reward_model_unavailable"


def test_concurrency_cap(rm: RewardServer) -> None:
    rm.delay_s = 0.2
    items = [Item(completion=reply(f"text {n}"), prompt="P") for n in range(6)]
    results = score(verifier(rm.url, max_concurrency=2), items)
    assert all(r.error is None for r in results) and rm.max_in_flight == 2


def test_composes_with_rule_components(rm: RewardServer) -> None:
    items = [Item(completion=reply("\\boxed{4}"), prompt="2+2?", answer="4")]
    weights = {"math": 1.0, "reward_model": 0.5, "format": 0.1}
    [result] = score(verifier(rm.url), items, weights=weights)
    expected = 1 / (1 + math.exp(-rm.score("2+2?", "\\boxed{4}")))
    assert result.scores["math"] == 1.0 and result.scores["format"] == 1.0
    assert result.reward == pytest.approx(1.0 + 0.5 * expected + 0.1)
    assert result.details["reward_model"]["raw"] == pytest.approx(rm.score("2+2?", "\\boxed{4}"))
