"""SharedMarket: one snapshot of tickers, rules, fees and balances serves every caller."""

import asyncio
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from tests.integration.exchange_contract.harness import START_MS, bundled_market
from tests.unit.mexc.support import SteppingClock

from adapters.fake import FakeClock, FakeExchange
from adapters.mexc.snapshot import SharedMarket
from mexcore.errors import RetryLater
from mexcore.services.market import MarketView
from mexcore.values import OrderRequest, OrderType, Side


class Counting:
    """Any Exchange, counting each call and letting other tasks run while it is "sent"."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()
        self.fail_next: dict[str, Exception] = {}

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            for _ in range(3):
                await asyncio.sleep(0)
            if name in self.fail_next:
                raise self.fail_next.pop(name)
            return await method(*args, **kwargs)

        return counted


@pytest.fixture
def inner() -> Counting:
    fake = FakeExchange(FakeClock(START_MS), bundled_market())
    fake.deposit("USDT", Decimal("1000"))
    return Counting(fake)


def _shared(inner: Counting, clock: SteppingClock, **ttls: float) -> SharedMarket:
    return SharedMarket(inner, clock=clock, **ttls)  # type: ignore[arg-type]


async def test_a_burst_of_views_reads_tickers_rules_and_balances_once(inner: Counting) -> None:
    market = _shared(inner, SteppingClock())
    views = await asyncio.gather(*(MarketView.load(market) for _ in range(12)))
    assert (inner.calls["tickers_24h"], inner.calls["symbol_rules"],
            inner.calls["balances"]) == (1, 1, 1)
    assert all(v.tickers == views[0].tickers for v in views)


async def test_tickers_are_read_again_after_their_ttl_and_rules_later(inner: Counting) -> None:
    clock = SteppingClock()
    market = _shared(inner, clock, tickers_ttl_s=5, rules_ttl_s=300)
    await MarketView.load(market)
    clock.now += 4_999
    await MarketView.load(market)
    assert inner.calls["tickers_24h"] == 1
    clock.now += 1
    await MarketView.load(market)
    assert (inner.calls["tickers_24h"], inner.calls["symbol_rules"]) == (2, 1)
    clock.now += 300_000
    await market.symbol_rules()
    assert inner.calls["symbol_rules"] == 2


async def test_a_failed_read_reaches_every_waiting_caller_and_is_not_kept(
        inner: Counting) -> None:
    market = _shared(inner, SteppingClock())
    inner.fail_next["tickers_24h"] = RetryLater("HTTP 503")
    results = await asyncio.gather(*(market.tickers_24h() for _ in range(5)),
                                   return_exceptions=True)
    assert all(isinstance(r, RetryLater) for r in results)
    assert inner.calls["tickers_24h"] == 1
    assert "BTCUSDT" in await market.tickers_24h()
    assert inner.calls["tickers_24h"] == 2


async def test_a_caller_that_gives_up_does_not_cancel_the_shared_read(inner: Counting) -> None:
    market = _shared(inner, SteppingClock())
    impatient = asyncio.ensure_future(market.tickers_24h())
    patient = asyncio.ensure_future(market.tickers_24h())
    await asyncio.sleep(0)
    impatient.cancel()
    assert "BTCUSDT" in await patient
    assert inner.calls["tickers_24h"] == 1


async def test_an_order_makes_the_next_balance_read_fresh(inner: Counting) -> None:
    market = _shared(inner, SteppingClock(), balances_ttl_s=60)
    before = await market.balances()
    await market.place_order(OrderRequest("SOLUSDT", Side.BUY, OrderType.MARKET,
                                          quote_qty=Decimal("100"), client_order_id="b1"))
    after = await market.balances()
    assert inner.calls["balances"] == 2
    assert after["USDT"].total < before["USDT"].total


async def test_a_balance_read_begun_before_an_order_is_not_kept_after_it(
        inner: Counting) -> None:
    market = _shared(inner, SteppingClock(), balances_ttl_s=60)
    early = asyncio.ensure_future(market.balances())
    await asyncio.sleep(0)
    await market.place_order(OrderRequest("SOLUSDT", Side.BUY, OrderType.MARKET,
                                          quote_qty=Decimal("100"), client_order_id="b1"))
    await early
    after = await market.balances()
    assert inner.calls["balances"] == 2
    assert after["USDT"].total < Decimal("1000")


async def test_trade_fees_are_kept_per_symbol(inner: Counting) -> None:
    market = _shared(inner, SteppingClock())
    await asyncio.gather(market.trade_fees("BTCUSDT"), market.trade_fees("BTCUSDT"),
                         market.trade_fees("ETHUSDT"))
    assert inner.calls["trade_fees"] == 2


async def test_order_books_and_candles_are_never_shared(inner: Counting) -> None:
    market = _shared(inner, SteppingClock())
    await market.order_book("BTCUSDT")
    await market.order_book("BTCUSDT")
    await market.candles("BTCUSDT", "5m", 10)
    await market.candles("BTCUSDT", "5m", 10)
    assert (inner.calls["order_book"], inner.calls["candles"]) == (2, 2)
