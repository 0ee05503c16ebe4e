"""What a simulation's scheduler watches on the FakeExchange: account version, levels reached."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.services.support import (
    NOW,
    NOW_MINUTE,
    flat,
    flat_closes,
    make_market,
    rising,
    rows,
    rules_for,
)

from adapters.fake import FakeClock, FakeExchange, MarketData, make_rules
from adapters.fake.series import Floats, MinuteSeries
from mexcore.values import OrderRequest, OrderStatus, OrderType, Side

D = Decimal
MINUTE_MS = 60_000


def exchange(closes: dict[str, Floats] | None = None) -> tuple[FakeExchange, FakeClock]:
    """Return a fake exchange at NOW over `closes` (BTCUSDC and ETHUSDC flat by default)."""
    closes = closes or flat_closes(("BTCUSDC", "ETHUSDC"))
    rules = rules_for(closes)
    clock = FakeClock(NOW)
    return FakeExchange(clock, make_market(closes, rules), rules), clock


def maker_bid(cid: str, price: str, qty: str = "0.001") -> OrderRequest:
    return OrderRequest("BTCUSDC", Side.BUY, OrderType.LIMIT_MAKER, cid, quantity=D(qty),
                        price=D(price))


def dips_after_now(price: float) -> Floats:
    closes = flat(price)
    closes[NOW_MINUTE:] = price * 0.99  # the minute after NOW trades 1 % lower
    return closes


# --- account_version -----------------------------------------------------------------------


def test_a_deposit_changes_the_account_version() -> None:
    fake, _ = exchange()
    before = fake.account_version()

    fake.deposit("USDC", "100")

    assert fake.account_version() != before


async def test_placing_a_resting_order_changes_the_account_version() -> None:
    fake, _ = exchange()
    fake.deposit("USDC", "100")
    before = fake.account_version()

    await fake.place_order(maker_bid("rest", "29000.00"))

    after = fake.account_version()
    assert after != before
    assert after[1:] == (before[1] + 1, before[2])  # one more order, no fill


async def test_a_market_order_that_fills_changes_the_account_version() -> None:
    fake, _ = exchange()
    fake.deposit("USDC", "100")
    before = fake.account_version()

    await fake.place_order(OrderRequest("BTCUSDC", Side.BUY, OrderType.MARKET, "now",
                                        quote_qty=D(30)))

    after = fake.account_version()
    assert after[0] > before[0]
    assert after[1:] == (before[1] + 1, before[2] + 1)


async def test_cancelling_an_order_changes_the_account_version() -> None:
    fake, _ = exchange()
    fake.deposit("USDC", "100")
    await fake.place_order(maker_bid("rest", "29000.00"))
    before = fake.account_version()

    await fake.cancel_order("BTCUSDC", "rest")

    after = fake.account_version()
    assert after != before
    assert after[1:] == before[1:]  # the same orders and fills: the released balance moved


async def test_a_resting_order_filling_as_time_passes_changes_the_account_version() -> None:
    fake, clock = exchange({"BTCUSDC": dips_after_now(30000.0)})
    fake.deposit("USDC", "100")
    await fake.place_order(maker_bid("rest", "29900.00"))
    before = fake.account_version()

    clock.advance_to(NOW + 2 * MINUTE_MS)  # no call on the exchange in between

    after = fake.account_version()
    assert after != before
    assert after[2] == before[2] + 1  # the fill, found by the version's own sync
    assert (await fake.get_order("BTCUSDC", "rest")).status is OrderStatus.FILLED


async def test_time_passing_without_fills_keeps_the_account_version() -> None:
    fake, clock = exchange()
    fake.deposit("USDC", "100")
    await fake.place_order(maker_bid("rest", "29000.00"))  # far under a flat 30000
    before = fake.account_version()

    for minutes in (1, 5, 30):
        clock.advance_to(NOW + minutes * MINUTE_MS)
        assert fake.account_version() == before


async def test_reading_the_account_keeps_the_account_version() -> None:
    fake, _ = exchange()
    fake.deposit("USDC", "100")
    await fake.place_order(maker_bid("rest", "29000.00"))
    before = fake.account_version()

    await fake.balances()
    await fake.open_orders()
    await fake.get_order("BTCUSDC", "rest")
    await fake.my_fills("BTCUSDC")
    await fake.tickers_24h()
    await fake.order_book("BTCUSDC")

    assert fake.account_version() == before


def test_an_empty_account_keeps_its_version_as_time_passes() -> None:
    fake, clock = exchange()
    before = fake.account_version()

    clock.advance_to(NOW + 60 * MINUTE_MS)

    assert fake.account_version() == before == (0, 0, 0)


# --- may_have_reached ----------------------------------------------------------------------


@pytest.mark.parametrize("level", ["1", "29999.99", "30000", "30000.00"])
def test_a_level_at_or_under_the_last_price_may_have_been_reached(level: str) -> None:
    fake, _ = exchange()

    assert fake.may_have_reached("BTCUSDC", D(level)) is True


@pytest.mark.parametrize("level", ["30000.001", "30000.005", "30000.01"])
def test_a_level_within_one_tick_over_the_last_price_may_have_been_reached(level: str) -> None:
    fake, _ = exchange()  # BTCUSDC ticks 0.01: the margin for the ticker's rounding

    assert fake.may_have_reached("BTCUSDC", D(level)) is True


@pytest.mark.parametrize("level", ["30000.02", "30001", "31000"])
def test_a_level_clearly_over_the_last_price_is_not_reached(level: str) -> None:
    fake, _ = exchange()

    assert fake.may_have_reached("BTCUSDC", D(level)) is False


@pytest.mark.parametrize(("level", "reached"), [("0.4001", True), ("0.4002", False)])
def test_the_margin_is_one_tick_of_the_symbol(level: str, reached: bool) -> None:
    fake, _ = exchange(flat_closes(("ADAUSDT",)))  # ADAUSDT ticks 0.0001

    assert fake.may_have_reached("ADAUSDT", D(level)) is reached


def test_an_unknown_symbol_may_have_reached_any_level() -> None:
    fake, _ = exchange()

    assert fake.may_have_reached("FOOUSDT", D(10) ** 30) is True


def test_a_level_is_reached_once_the_minutes_that_reach_it_complete() -> None:
    fake, clock = exchange({"BTCUSDC": rising(30000.0, 10.0, NOW_MINUTE)})  # +10 a minute

    seen = []
    for minutes in (0, 4, 5):
        clock.advance_to(NOW + minutes * MINUTE_MS)
        seen.append(fake.may_have_reached("BTCUSDC", D(30050)))

    assert seen == [False, False, True]
    assert fake.last_price("BTCUSDC") == D("30050.00")


@settings(max_examples=60)
@given(st.floats(1e-4, 1e6, allow_nan=False), st.integers(0, 8), st.data())
def test_a_level_the_ticker_shows_reached_is_always_seen_as_reached(
    close: float, decimals: int, data: st.DataObject
) -> None:
    rules = make_rules("X", "USDT", 2, decimals)
    series = MinuteSeries(rows(np.full(10, close), np.full(10, 1.0)))
    market = MarketData(NOW - 10 * MINUTE_MS, {"XUSDT": series}, {"XUSDT": decimals},
                        {"XUSDT": 2})
    fake = FakeExchange(FakeClock(NOW), market, {"XUSDT": rules})
    shown = fake.last_price("XUSDT")  # what a ticker shows: the close rounded to the tick
    below = data.draw(st.integers(0, 10**6), label="ticks below") * rules.price_tick

    assert fake.may_have_reached("XUSDT", shown) is True
    assert fake.may_have_reached("XUSDT", max(shown - below, rules.price_tick)) is True
    assert fake.may_have_reached("XUSDT", shown * 2 + 2 * rules.price_tick) is False


async def test_the_free_balance_counts_a_resting_order_that_filled_as_time_passed() -> None:
    fake, clock = exchange({"BTCUSDC": dips_after_now(29_000.0)})
    fake.deposit("USDC", "100")
    await fake.place_order(maker_bid("rest", "29000.00"))
    locked_free = fake.free_balance("USDC")

    clock.advance(3600)

    assert fake.free_balance("BTC") == D("0.001")
    assert locked_free == D(71)  # 29 at the price: a post-only order holds its maker fee, 0
    assert fake.free_balance("USDC") == D(71)  # filled as a maker (fee 0): the rest came back
