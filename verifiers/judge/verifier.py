"""``judge``: an LLM judge, asked where the rules cannot decide.

Modes:

- ``fallback`` (default): the judge is asked only when the rule verifier named by ``rule``
  (``math`` by default, run in the same request) did not accept: not equal, unparseable, an
  ungradable reference. Its verdict then stands in for the rule's; a rule *accept* is kept and
  the judge is not called, so a judge can add rewards the rules missed but never take one away.
- ``both_orders``: like ``fallback``, but the judge is asked twice with the two answers swapped
  and the item passes only when both replies say ``correct`` (NeMo-Gym's position check).
- ``always``: every item goes to the judge once; the rule is not consulted (judge-only grading,
  e.g. free-text references), and the judge is then a component of its own.

With a rule (``fallback``/``both_orders``) the judge's verdict *supersedes* the rule's: the rule
stays in ``details`` but leaves ``scores`` and the reward, so give the accuracy weight to
``judge`` (the rule's weight is not used). ``details.judge.decided_by`` names who decided.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from verireward.verifiers.errors import ErrorCode
from verireward.verifiers.judge.chat import ChatJudge, JudgeReply
from verireward.verifiers.judge.config import EndpointConfig
from verireward.verifiers.judge.endpoint import EndpointUnavailable, ModelEndpoint
from verireward.verifiers.judge.prompt import DEFAULT_TEMPLATE, check_template, clean, render
from verireward.verifiers.math.extract import extract_answer
from verireward.verifiers.protocol import Item, Status, Verdict

UNAVAILABLE = ErrorCode.JUDGE_UNAVAILABLE
BAD_REPLY = ErrorCode.JUDGE_BAD_REPLY


def _doc(text: str, default: Any) -> Any:
    return field(default=default, metadata={"doc": text})


@dataclass(frozen=True)
class JudgeParams:
    mode: Literal["fallback", "always", "both_orders"] = _doc(
        "fallback: ask only when `rule` did not accept; both_orders: the same, asked twice "
        "with the answers swapped, pass only if both say correct; always: ask for every item",
        "fallback",
    )
    rule: str | None = _doc("the rule verifier of the same request the judge stands in for", "math")
    model: str | None = _doc("model name sent to the endpoint (null: VERIREWARD_JUDGE_MODEL)", None)
    template: str | None = _doc(
        "prompt with {question}, {first}, {second} (null: the built-in template)", None
    )
    temperature: float = _doc("sampling temperature sent to the judge", 0.0)
    max_tokens: int = _doc("reply budget; raise it for judges that think first", 16)
    max_answer_chars: int = _doc("longer extracted answers fail without asking", 1000)
    max_question_chars: int = _doc("question and reference are cut to this length", 4000)
    fallback_last_number: bool = _doc("extraction as math: use the last number if no tag", False)

    def __post_init__(self) -> None:
        if not 0 <= self.temperature <= 2:
            raise ValueError("temperature must be in [0, 2]")
        if not 1 <= self.max_tokens <= 32_768:
            raise ValueError("max_tokens must be in [1, 32768]")
        if not 1 <= self.max_answer_chars <= 100_000 or not 1 <= self.max_question_chars <= 100_000:
            raise ValueError("max_answer_chars and max_question_chars must be in [1, 100000]")
        if self.template is not None:
            check_template(self.template)
        if self.mode != "always" and not self.rule:
            raise ValueError(f"mode {self.mode!r} needs a rule; use mode 'always' without one")


@dataclass(frozen=True, slots=True)
class _Ask:
    """An item the judge must see: one prompt per order (reference first, then swapped)."""

    answer: str
    prompts: tuple[str, ...]
    rule_verdict: Verdict | None


class JudgeVerifier:
    name = "judge"
    description = "An OpenAI-compatible LLM judge: does the final answer match the reference?"
    Params = JudgeParams
    execution = "inline"
    batch = True
    reads_verdicts = True  # verify_batch gets the other verifiers' verdicts, not only scores
    unavailable_code = UNAVAILABLE

    def __init__(self, config: EndpointConfig | None = None) -> None:
        self.config = config or EndpointConfig.from_env("VERIREWARD_JUDGE_")
        self.endpoint = ModelEndpoint(self.config)
        self.chat = ChatJudge(self.endpoint)

    def unavailable_reason(self) -> str | None:
        return None if self.config.url else "no judge endpoint (set VERIREWARD_JUDGE_URL)"

    def verify(self, item: Item, params: JudgeParams) -> Verdict:
        return self.verify_batch([item], params, [{}])[0]

    def verify_batch(
        self, items: list[Item], params: JudgeParams, verdicts: list[dict[str, Verdict]]
    ) -> list[Verdict]:
        plans = [self._plan(item, params, seen) for item, seen in zip(items, verdicts, strict=True)]
        model = params.model or self.config.model
        prompts = {p for plan in plans if isinstance(plan, _Ask) for p in plan.prompts}
        replies = self._ask_all(sorted(prompts), model, params)
        results = [
            plan if isinstance(plan, Verdict) else _decide(plan, replies, params, model)
            for plan in plans
        ]
        if params.mode == "always":
            return results
        return [dataclasses.replace(v, supersedes=params.rule) for v in results]

    def _plan(self, item: Item, params: JudgeParams, seen: dict[str, Verdict]) -> Verdict | _Ask:
        rule_verdict = seen.get(params.rule) if params.mode != "always" and params.rule else None
        if params.mode != "always":
            if rule_verdict is None:
                return Verdict.error(
                    ErrorCode.MISSING_DEPENDENCY,
                    f"judge mode {params.mode!r} needs {params.rule!r} in the request's weights",
                )
            if rule_verdict.status is Status.PASS:  # a rule accept is never overturned
                return Verdict(
                    Status.PASS,
                    rule_verdict.score,
                    "rule_accepted",
                    {
                        "decided_by": params.rule,
                        "rule": params.rule,
                        "rule_reason": rule_verdict.reason,
                    },
                )
        if item.answer is None:
            return Verdict.error(ErrorCode.MISSING_REFERENCE, "judge needs the item's 'answer'")
        answer = extract_answer(item.completion, params.fallback_last_number).text
        base = _rule_details(params, rule_verdict)
        if answer is None:
            return Verdict.failed("no_answer", decided_by="judge", asked=False, **base)
        if len(answer) > params.max_answer_chars:
            return Verdict.failed(
                "answer_too_long", decided_by="judge", asked=False, chars=len(answer), **base
            )
        template = params.template or DEFAULT_TEMPLATE
        question = clean(item.prompt or "", params.max_question_chars)
        reference = clean(str(item.answer), params.max_question_chars)
        candidate = clean(answer, params.max_answer_chars)
        orders = [(reference, candidate)]
        if params.mode == "both_orders":
            orders.append((candidate, reference))
        prompts = tuple(render(template, question, a, b) for a, b in orders)
        return _Ask(candidate, prompts, rule_verdict)

    def _ask_all(
        self, prompts: list[str], model: str | None, params: JudgeParams
    ) -> dict[str, JudgeReply | EndpointUnavailable]:
        def ask(prompt: str) -> JudgeReply | EndpointUnavailable:
            # The prompt holds question, reference and answer; the rest shapes the reply too.
            key = (model, params.temperature, params.max_tokens, prompt)
            try:
                return self.chat.ask(key, model, prompt, params.temperature, params.max_tokens)
            except EndpointUnavailable as exc:
                return exc

        return dict(zip(prompts, self.endpoint.map(ask, prompts), strict=True))


def _rule_details(params: JudgeParams, rule_verdict: Verdict | None) -> dict[str, Any]:
    if rule_verdict is None:
        return {}
    return {
        "rule": params.rule,
        "rule_status": rule_verdict.status.value,
        "rule_reason": rule_verdict.reason,
    }


def _decide(
    plan: _Ask,
    replies: dict[str, JudgeReply | EndpointUnavailable],
    params: JudgeParams,
    model: str | None,
) -> Verdict:
    got = [replies[p] for p in plan.prompts]
    for reply in got:
        if isinstance(reply, EndpointUnavailable):
            return Verdict.error(UNAVAILABLE, f"judge {model!r}: {reply}")
    said = [r.verdict for r in got if isinstance(r, JudgeReply)]
    texts = [r.text[:200] for r in got if isinstance(r, JudgeReply)]
    judge = {
        "model": model,
        "verdicts": said,
        "replies": texts,
        "cached": [r.cached for r in got if isinstance(r, JudgeReply)],
        "answer": plan.answer,
    }
    details = {"decided_by": "judge", "asked": True, **_rule_details(params, plan.rule_verdict)}
    if None in said:
        return Verdict.error(
            BAD_REPLY, f"judge reply is not a verdict: {texts!r}", **details, judge=judge
        )
    if len(set(said)) > 1:
        return Verdict.failed("orders_disagree", **details, judge=judge)
    verdict = said[0]
    return Verdict.of(verdict == "correct", f"judge_{verdict}", **details, judge=judge)
