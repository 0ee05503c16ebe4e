"""PaperExchange over a FakeExchange standing in for live MEXC (public data only)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pytest
from tests.integration.exchange_contract.harness import START_MS, bundled_market

from adapters.fake import FakeClock, FakeExchange
from adapters.fake.market import MINUTE_MS
from adapters.paper import LiveMinutes, PaperExchange
from mexcore.errors import SkipSymbol
from mexcore.values import Candle, OrderBook, OrderRequest, OrderStatus, OrderType, Side

SYMBOL = "ADAUSDC"


class CountingMarket(FakeExchange):
    """The 'live' exchange: a FakeExchange that counts candle requests."""

    candle_calls: list[tuple[str, str, int]]

    async def candles(self, symbol: str, interval: str, limit: int) -> Sequence[Candle]:
        self.candle_calls.append((symbol, interval, limit))
        return await super().candles(symbol, interval, limit)


def make_paper() -> tuple[PaperExchange, CountingMarket, FakeClock]:
    clock = FakeClock(START_MS)
    live = CountingMarket(clock, bundled_market())
    live.candle_calls = []
    return PaperExchange(live, clock), live, clock


def candle(minute: int, price: str) -> Candle:
    p = Decimal(price)
    return Candle(START_MS + minute * MINUTE_MS, p, p, p, p, Decimal(1))


async def test_a_market_buy_walks_the_live_book_and_pays_the_taker_fee() -> None:
    paper, live, _ = make_paper()
    paper.deposit("USDC", 100)
    book: OrderBook = await live.order_book(SYMBOL, 5)
    request = OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, "p1", quote_qty=Decimal(10))

    order = await paper.place_order(request)

    (fill,) = await paper.my_fills(SYMBOL)
    assert order.status is OrderStatus.FILLED
    assert fill.price == book.best_ask
    assert fill.fee == fill.quote_qty * Decimal("0.0005")
    assert (await live.balances()) == {}


async def test_a_resting_limit_buy_fills_when_live_minutes_trade_through_it() -> None:
    paper, live, clock = make_paper()
    paper.deposit("USDC", 100)
    bid = (await live.order_book(SYMBOL, 1)).best_bid
    assert bid is not None
    price = bid - Decimal("0.0010")
    request = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, "p2", quantity=Decimal(20),
                           price=price)
    await paper.place_order(request)
    history = await live.candles(SYMBOL, "1m", 1000)
    low_ahead = min(c.low for c in history)  # the path the market will take is recorded
    assert low_ahead > 0

    for _ in range(600):
        clock.advance(60)
        if not (await paper.get_order(SYMBOL, "p2")).status.is_open:
            break

    order = await paper.get_order(SYMBOL, "p2")
    fills = await paper.my_fills(SYMBOL)
    assert order.status is OrderStatus.FILLED
    assert all(f.is_maker and f.price == price for f in fills)
    assert (await paper.balances())["ADA"].free == Decimal(20)


async def test_live_minutes_are_fetched_once_a_minute_per_symbol() -> None:
    paper, live, clock = make_paper()
    paper.deposit("USDC", 100)
    bid = (await live.order_book(SYMBOL, 1)).best_bid
    assert bid is not None
    request = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, "p3", quantity=Decimal(20),
                           price=(bid * Decimal("0.9")).quantize(bid))
    await paper.place_order(request)
    live.candle_calls.clear()

    for _ in range(5):
        await paper.balances()
    clock.advance(60)
    await paper.open_orders()

    assert live.candle_calls == [(SYMBOL, "1m", 3)]  # last minute again, new one, partial


async def test_an_order_on_a_symbol_mexc_does_not_list_is_skipped() -> None:
    paper, _, _ = make_paper()
    paper.deposit("USDT", 100)
    request = OrderRequest("NOPEUSDT", Side.BUY, OrderType.MARKET, "p4", quote_qty=Decimal(5))
    with pytest.raises(SkipSymbol):
        await paper.place_order(request)


async def test_trade_fees_come_from_the_live_rules() -> None:
    paper, _, _ = make_paper()
    fees = await paper.trade_fees(SYMBOL)
    assert (fees.maker, fees.taker) == (Decimal(0), Decimal("0.0005"))


def test_live_minutes_fill_gaps_with_the_previous_close_and_stretch() -> None:
    minutes = LiveMinutes(START_MS)
    minutes.put("XUSDT", [candle(0, "1.5"), candle(2, "1.7")], (4, 2), 3)
    minutes.extend_to(5)
    series = minutes.get("XUSDT")
    assert minutes.minutes == 5
    assert np.allclose(series.close, [1.5, 1.5, 1.7, 1.7, 1.7])
    assert series.volume.tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]
    assert minutes.last_price("XUSDT", 5) == Decimal("1.7000")


def test_live_minutes_replace_stretched_minutes_once_fetched() -> None:
    minutes = LiveMinutes(START_MS)
    minutes.put("XUSDT", [candle(0, "1")], (2, 2), 1)
    minutes.extend_to(3)
    minutes.put("XUSDT", [candle(1, "2"), candle(2, "3")], (2, 2), 3)
    assert minutes.get("XUSDT").close.tolist() == [1.0, 2.0, 3.0]


def test_live_minutes_without_any_candle_refuse_the_symbol() -> None:
    with pytest.raises(SkipSymbol, match="no recent"):
        LiveMinutes(START_MS).put("XUSDT", [], (2, 2), 3)


