"""What ``verireward score`` says when it is done: counts, mean reward, pass rates, nulls.

The report is filled item by item while the file is scored (nothing is kept per item), then
``summary_lines`` renders it for a person reading stderr.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# The verifiers that judge whether the answer itself is right (against the item's reference or
# tests). ``--correct-only`` keeps an item only when every one of these that ran passed, so a
# correct answer with a failed format check is kept, and a well-formatted wrong one is not.
CORRECTNESS_VERIFIERS = ("math", "code")


@dataclass
class OfflineReport:
    read: int = 0
    scored: int = 0
    written: int = 0
    bad_lines: int = 0
    seconds: float = 0.0
    reward_sum: float = 0.0
    rewarded: int = 0  # items with a non-null reward
    nulls: Counter[str] = field(default_factory=Counter)  # error code -> items
    passed: Counter[str] = field(default_factory=Counter)  # verifier -> items with status pass
    ran: Counter[str] = field(default_factory=Counter)  # verifier -> items it judged
    not_correct: int = 0  # dropped by --correct-only

    def add(self, reward: float | None, error_code: str | None, details: dict[str, Any]) -> None:
        self.scored += 1
        if reward is None:
            self.nulls[error_code or "unknown"] += 1
        else:
            self.reward_sum += reward
            self.rewarded += 1
        for name, detail in details.items():
            status = detail.get("status") if isinstance(detail, dict) else None
            if status in ("pass", "fail"):  # an error is counted once, under nulls
                self.ran[name] += 1
                self.passed[name] += status == "pass"

    def summary_lines(self) -> list[str]:
        rate = self.scored / self.seconds if self.seconds > 0 else float("inf")
        mean = f"{self.reward_sum / self.rewarded:.4f}" if self.rewarded else "n/a"
        lines = [
            f"read {self.read}, scored {self.scored}, wrote {self.written}, "
            f"skipped {self.bad_lines} bad lines",
            f"items {self.scored} in {self.seconds:.1f} s ({rate:,.0f} items/s); "
            f"mean reward {mean} over {self.rewarded} non-null",
        ]
        for name in sorted(self.ran):
            share = self.passed[name] / self.ran[name]
            lines.append(f"  {name}: pass {share:.1%} ({self.passed[name]}/{self.ran[name]})")
        total_nulls = sum(self.nulls.values())
        by_code = ", ".join(f"{code} {n}" for code, n in self.nulls.most_common())
        lines.append(f"null rewards: {total_nulls}" + (f" ({by_code})" if by_code else ""))
        if self.not_correct:
            lines.append(f"--correct-only dropped {self.not_correct} items")
        return lines


def is_correct(reward: float | None, details: dict[str, Any]) -> bool:
    """Every correctness verifier that judged the item passed, and at least one did."""
    if reward is None:
        return False
    judged = [details[name] for name in CORRECTNESS_VERIFIERS if name in details]
    return bool(judged) and all(d.get("status") == "pass" for d in judged)
