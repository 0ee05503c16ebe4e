"""Contract: market data, rules, balances and fees, the same on every Exchange."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from tests.integration.exchange_contract.harness import (
    NOT_API,
    TRADEABLE,
    UNKNOWN,
    ExchangeHarness,
)

from mexcore.errors import SkipSymbol
from mexcore.values import SymbolStatus


async def test_symbol_rules_mark_usdc_majors_tradeable_and_usdt_majors_not(
    harness: ExchangeHarness,
) -> None:
    rules = await harness.exchange.symbol_rules()

    assert rules[TRADEABLE].api_tradeable
    assert rules[TRADEABLE].status is SymbolStatus.ONLINE
    assert not rules[NOT_API].api_tradeable
    assert rules[TRADEABLE].min_notional == Decimal(5)
    assert rules["ADAUSDT"].min_notional == Decimal(1)


async def test_balances_show_a_deposit_as_free(harness: ExchangeHarness) -> None:
    await harness.deposit("USDC", Decimal("123.45"))

    balances = await harness.exchange.balances()

    assert balances["USDC"].free == Decimal("123.45")
    assert balances["USDC"].locked == Decimal(0)


@pytest.mark.parametrize("interval", ["1m", "5m", "15m", "60m", "4h"])
async def test_candles_come_oldest_first_one_interval_apart(
    harness: ExchangeHarness, interval: str
) -> None:
    candles = await harness.exchange.candles(TRADEABLE, interval, 5)

    assert len(candles) == 5
    gaps = {b.open_time_ms - a.open_time_ms for a, b in pairwise(candles)}
    assert len(gaps) == 1
    assert all(c.low <= min(c.open, c.close) <= max(c.open, c.close) <= c.high for c in candles)


async def test_candles_with_an_invalid_interval_raise_skip_symbol(
    harness: ExchangeHarness,
) -> None:
    with pytest.raises(SkipSymbol, match="Invalid interval"):
        await harness.exchange.candles(TRADEABLE, "1h", 5)


async def test_candles_of_an_unknown_symbol_raise_skip_symbol(harness: ExchangeHarness) -> None:
    with pytest.raises(SkipSymbol, match="Invalid symbol"):
        await harness.exchange.candles(UNKNOWN, "1m", 5)


async def test_tickers_have_the_last_price_inside_the_day_range(
    harness: ExchangeHarness,
) -> None:
    tickers = await harness.exchange.tickers_24h()

    ticker = tickers[TRADEABLE]
    assert ticker.low <= ticker.last_price <= ticker.high
    assert ticker.volume > 0
    assert ticker.bid is not None
    assert ticker.ask is not None
    assert ticker.bid < ticker.ask


async def test_order_book_is_sorted_and_not_crossed(harness: ExchangeHarness) -> None:
    book = await harness.exchange.order_book(TRADEABLE, limit=5)

    assert 0 < len(book.bids) <= 5
    assert 0 < len(book.asks) <= 5
    assert [b.price for b in book.bids] == sorted((b.price for b in book.bids), reverse=True)
    assert [a.price for a in book.asks] == sorted(a.price for a in book.asks)
    assert book.best_bid is not None
    assert book.best_ask is not None
    assert book.best_bid < book.best_ask


async def test_trade_fees_default_to_zero_maker_and_five_bps_taker(
    harness: ExchangeHarness,
) -> None:
    fees = await harness.exchange.trade_fees(TRADEABLE)

    assert fees.maker == Decimal(0)
    assert fees.taker == Decimal("0.0005")


async def test_server_time_moves_with_the_market_clock(harness: ExchangeHarness) -> None:
    before = await harness.exchange.server_time_ms()

    await harness.advance(120)

    assert await harness.exchange.server_time_ms() >= before + 120_000
