"""A fake Advisor: deterministic answers from the facts, every prompt recorded, failures on demand.

It builds the same chat messages as the real adapter (`mexcore.advisor.advisor_messages`) and
keeps them in `prompts`, so a test can read exactly what a model would have been sent. `failure`
makes it fail as a real model does, seen from the core: `SILENT` (no opinion), `ERROR` (it
raises), `HANG` (it never answers; the core's deadline must cut it).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

from mexcore.advising import SafeAdvisor
from mexcore.advisor import (
    AdvisorPolicy,
    Decision,
    Situation,
    Verdict,
    VerdictKind,
    advisor_messages,
    explain_task,
    facts_of,
)

APPROVE = Verdict(VerdictKind.BUY, "the fake advisor sees no reason to object")
WAIT = Verdict(VerdictKind.SKIP, "not a deep dip (RSI 35 or more) or damped by the anti-hype "
                                  "filter: the fake advisor would wait")
CAUTIOUS_RSI = Decimal(35)


class Failure(StrEnum):
    SILENT = "silent"
    ERROR = "error"
    HANG = "hang"


class FakeAdvisorError(RuntimeError):
    """What a failing FakeAdvisor raises."""


class FakeAdvisor:
    """Answer from the facts alone; `verdicts` per symbol, else `default`; record every prompt."""

    def __init__(
        self, language: str = "en", verdicts: Mapping[str, Verdict] | None = None,
        default: Verdict | None = APPROVE, failure: Failure | None = None,
        cautious: bool = False,
    ) -> None:
        self.language, self.default, self.failure = language, default, failure
        self.cautious = cautious  # skip unless RSI < 35 and the multiplier is at least 1
        self.verdicts = dict(verdicts or {})
        self.prompts: list[list[dict[str, str]]] = []

    async def explain(self, situation: Situation) -> str | None:
        """Return a deterministic paragraph made of the situation's facts."""
        self.prompts.append(advisor_messages(situation, self.language, explain_task(situation)))
        await self._maybe_fail()
        return None if self.failure else paragraph(facts_of(situation))

    async def verdict(self, decision: Decision) -> Verdict | None:
        """Return the verdict set for the decision's symbol, else the default."""
        self.prompts.append(advisor_messages(decision, self.language, "verdict"))
        await self._maybe_fail()
        if self.failure:
            return None
        if self.cautious and not _deep_dip(decision):
            return WAIT
        return self.verdicts.get(decision.symbol, self.default)

    def prompt_text(self) -> str:
        """Return every recorded message's content, one per line."""
        return "\n".join(m["content"] for prompt in self.prompts for m in prompt)

    async def _maybe_fail(self) -> None:
        if self.failure is Failure.ERROR:
            raise FakeAdvisorError("the fake advisor failed on purpose")
        if self.failure is Failure.HANG:
            await asyncio.Event().wait()


def _deep_dip(decision: Decision) -> bool:
    rsi = decision.inputs.get("rsi")
    multiplier = Decimal(decision.inputs.get("multiplier", "1"))
    return rsi is not None and Decimal(rsi) < CAUTIOUS_RSI and multiplier >= 1


def paragraph(facts: Mapping[str, Any]) -> str:
    """Return the fake's plain-text paragraph for `facts` (a `mexcore.advisor.facts_of` result)."""
    kind = facts.get("situation")
    if kind == "decision":
        inputs = ", ".join(f"{k} {v}" for k, v in facts["inputs"].items())
        reasons = "; ".join(facts["reasons"]) or "no reasons given"
        figures = f" ({inputs})" if inputs else ""
        return f"The bot's {facts['kind']} of {facts['symbol']} rests on: {reasons}{figures}."
    if kind == "period_summary":
        figures = ", ".join(f"{k} {v}" for k, v in facts.get("figures", {}).items())
        first = str(facts["report"]).splitlines()[0] if facts["report"] else ""
        return f"{facts['title']}: {first}" + (f" ({figures})." if figures else "")
    return _answer(facts)


def _answer(facts: Mapping[str, Any]) -> str:
    parts = [f"You asked {json.dumps(facts.get('question', ''), ensure_ascii=False)}."]
    portfolio = facts.get("portfolio")
    if portfolio:
        assets = ", ".join(h["asset"] for h in portfolio["holdings"]) or "nothing"
        parts.append(f"The portfolio is worth {portfolio['total_usdt']} USDT ({assets}).")
    if facts.get("pnl"):
        parts.append("PnL: " + ", ".join(f"{a['asset']} realised {a['realised']}, unrealised "
                                         f"{a['unrealised']}" for a in facts["pnl"]) + ".")
    if "open_orders" in facts:
        parts.append(f"{len(facts['open_orders'])} open orders.")
    return " ".join(parts)


def sim_advisor(policy: AdvisorPolicy) -> SafeAdvisor | None:
    """Return the advisor of `sim` and backtests: a cautious fake when `[advisor]` is enabled."""
    if not policy.enabled:
        return None
    return SafeAdvisor(FakeAdvisor(policy.language, cautious=True), policy)
