"""The Advisor contract, for the real adapter (on the local fake server) and the fake alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest

from adapters.advisor import AdvisorSettings, OpenAICompatAdvisor
from adapters.advisor.fake_server import FakeOpenAIServer, verdict_reply
from adapters.fake import FakeClock
from adapters.fake.advisor import FakeAdvisor
from mexcore.advisor import Advisor, Decision, PeriodSummary, Question, Verdict, VerdictKind
from mexcore.panel import Holding, PortfolioView

SITUATIONS = [
    Decision("buy", "SOLUSDT", {"score": "3", "rsi": "28"}, ["RSI oversold"]),
    Decision("sale", "BTCUSDC", reasons=["SELL BTCUSDC at profit: 0.001 @ 31000"]),
    PeriodSummary("daily PnL summary", "PnL: +1.20 USDC"),
    Question("what do I hold?", PortfolioView([Holding("BTC", Decimal(1))], Decimal(30000))),
]
SKIP = Verdict(VerdictKind.SKIP, "too hot")


@pytest.fixture(params=["openai_compat", "fake"])
async def advisor(request: pytest.FixtureRequest) -> AsyncIterator[Advisor]:
    if request.param == "fake":
        yield FakeAdvisor(verdicts={"SOLUSDT": SKIP})
        return
    server = FakeOpenAIServer()
    if "verdict" in request.node.name:
        server.queue(verdict_reply(SKIP.kind.value, SKIP.reason))
    async with httpx.AsyncClient(transport=server.transport(), base_url="http://l/v1/") as c:
        yield OpenAICompatAdvisor(c, AdvisorSettings("m"), None, FakeClock(0))


@pytest.mark.parametrize("situation", SITUATIONS, ids=lambda s: type(s).__name__)
async def test_every_situation_gets_a_non_empty_plain_paragraph(
    advisor: Advisor, situation: Decision | PeriodSummary | Question
) -> None:
    text = await advisor.explain(situation)

    assert isinstance(text, str)
    assert text.strip()


async def test_a_verdict_on_a_candidate_is_a_verdict_value(advisor: Advisor) -> None:
    candidate = SITUATIONS[0]
    assert isinstance(candidate, Decision)

    assert await advisor.verdict(candidate) == SKIP
