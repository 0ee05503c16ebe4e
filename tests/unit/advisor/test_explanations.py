"""Explanations follow the notification they explain; they never delay it or an order."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import attrs
from tests.unit.advisor.test_scanner_veto import two_opportunities
from tests.unit.services.support import World

from adapters.fake import FakeClock, RecordingNotifier
from adapters.fake.advisor import Failure, FakeAdvisor
from mexcore.advising import ExplainingNotifier, SafeAdvisor
from mexcore.advisor import Advisor, AdvisorPolicy, Decision, Situation, Verdict
from mexcore.policies import AntiHypePolicy, ScannerPolicy
from mexcore.ports import Level
from mexcore.services.scanner import MarketScanner

EXPLAIN = AdvisorPolicy(enabled=True, timeout_s=Decimal("0.05"))
DAY_MS = 86_400_000


def advised(w: World, advisor: Advisor, policy: AdvisorPolicy = EXPLAIN
            ) -> tuple[MarketScanner, SafeAdvisor]:
    safe = SafeAdvisor(advisor, policy)
    deps = attrs.evolve(w.deps, advisor=safe)
    return MarketScanner(deps, ScannerPolicy(), AntiHypePolicy()), safe


class GatedAdvisor:
    """An advisor that answers only once `gate` is set."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()

    async def explain(self, situation: Situation) -> str | None:
        await self.gate.wait()
        return "late but here"

    async def verdict(self, decision: Decision) -> Verdict | None:
        return None


async def test_the_buy_report_goes_out_first_and_its_explanation_follows() -> None:
    w = two_opportunities()
    scan, safe = advised(w, FakeAdvisor())

    await scan.tick()
    topics_at_once = [m.topic for m in w.notifier.messages if m.topic != "scanner.report"]
    await safe.drain()

    assert topics_at_once == ["buy.LINKUSDT"]
    [why] = w.texts("explain.buy.LINKUSDT")
    assert why.startswith("Why LINKUSDT: The bot's buy of LINKUSDT rests on: ")
    assert "executed_qty 4.41" in why


async def test_a_slow_explanation_does_not_hold_up_the_tick() -> None:
    w = two_opportunities()
    gated = GatedAdvisor()
    scan, safe = advised(w, gated, attrs.evolve(EXPLAIN, timeout_s=Decimal(5)))

    await asyncio.wait_for(scan.tick(), 2)

    assert [i.symbol for i in w.intents("scanner")] == ["LINKUSDT"]
    assert w.texts("explain.buy.LINKUSDT") == []
    gated.gate.set()
    await safe.drain()
    assert w.texts("explain.buy.LINKUSDT") == ["Why LINKUSDT: late but here"]


async def test_a_failing_advisor_sends_no_explanation_and_no_error() -> None:
    for failure in Failure:
        w = two_opportunities()
        scan, safe = advised(w, FakeAdvisor(failure=failure))

        await scan.tick()
        await safe.drain()

        assert w.texts("explain.buy.LINKUSDT") == []
        assert len(w.texts("buy.LINKUSDT")) == 1


def explaining(clock: FakeClock) -> tuple[ExplainingNotifier, RecordingNotifier, SafeAdvisor]:
    inner, safe = RecordingNotifier(), SafeAdvisor(FakeAdvisor(), EXPLAIN)
    return ExplainingNotifier(inner, safe, clock), inner, safe


async def test_each_sale_is_followed_by_its_explanation() -> None:
    notifier, inner, safe = explaining(FakeClock(0))

    await notifier.send("sale.BTCUSDC", "SOLD BTCUSDC 0.001 @ 31000, avg cost 30000", Level.ALERT)
    await safe.drain()

    assert [m.topic for m in inner.messages] == ["sale.BTCUSDC", "explain.sale.BTCUSDC"]
    assert "SOLD BTCUSDC 0.001 @ 31000, avg cost 30000" in inner.messages[1].text


async def test_the_pnl_summary_is_explained_once_a_utc_day() -> None:
    clock = FakeClock(0)
    notifier, inner, safe = explaining(clock)

    for _ in range(3):
        await notifier.send("pnl.summary", "PnL: +1.00 USDC", Level.INFO)
        clock.advance(600)
    clock.advance_to(DAY_MS)
    await notifier.send("pnl.summary", "PnL: +2.00 USDC", Level.INFO)
    await safe.drain()

    assert inner.texts("explain.pnl.summary") == ["daily PnL summary: PnL: +1.00 USDC",
                                                  "daily PnL summary: PnL: +2.00 USDC"]
    assert len(inner.texts("pnl.summary")) == 4


async def test_other_topics_pass_through_unexplained() -> None:
    notifier, inner, safe = explaining(FakeClock(0))

    await notifier.send("orders", "2 open orders")
    await notifier.send_picture("chart", b"png", "value")
    await safe.drain()

    assert [m.topic for m in inner.messages] == ["orders"]
    assert len(inner.pictures) == 1
    assert notifier.wants(Level.INFO)


async def test_nothing_is_explained_when_nobody_would_read_it() -> None:
    from adapters.fake import ConsoleNotifier

    fake = FakeAdvisor()
    safe = SafeAdvisor(fake, EXPLAIN)
    notifier = ExplainingNotifier(ConsoleNotifier(quiet=True), safe, FakeClock(0))

    await notifier.send("sale.BTCUSDC", "SELL BTCUSDC at profit", Level.ALERT)
    await safe.drain()

    assert fake.prompts == []
