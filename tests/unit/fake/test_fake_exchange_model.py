"""FakeExchange specifics: faults, MX fees, partial fills, quote budgets, determinism."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.integration.exchange_contract.harness import START_MS, bundled_market

from adapters.fake import BookModel, FakeClock, FakeExchange, MxDeduction
from mexcore.errors import OutcomeUnknown, RetryLater
from mexcore.values import OrderRequest, OrderStatus, OrderType, Side


def make(**kwargs: object) -> tuple[FakeExchange, FakeClock]:
    """Return a fake exchange at START_MS with 1000 USDC and 1000 USDT."""
    clock = FakeClock(START_MS)
    exchange = FakeExchange(clock, bundled_market(), **kwargs)  # type: ignore[arg-type]
    exchange.deposit("USDC", 1000)
    exchange.deposit("USDT", 1000)
    return exchange, clock


def market_buy(cid: str, quote: str = "100", symbol: str = "ADAUSDT") -> OrderRequest:
    """Return a market buy by quote amount."""
    return OrderRequest(symbol, Side.BUY, OrderType.MARKET, cid, quote_qty=Decimal(quote))


async def test_fail_next_raises_retry_later_once() -> None:
    exchange, _ = make()
    exchange.faults.fail_next = 1

    with pytest.raises(RetryLater):
        await exchange.balances()
    assert "USDC" in await exchange.balances()


async def test_rate_limit_answer_carries_retry_after() -> None:
    exchange, _ = make()
    exchange.faults.rate_limit_rate = 1.0
    exchange.faults.retry_after_s = 7.0

    with pytest.raises(RetryLater) as caught:
        await exchange.tickers_24h()
    assert caught.value.retry_after_s == 7.0


async def test_lost_answer_raises_outcome_unknown_but_the_order_exists() -> None:
    exchange, _ = make()
    exchange.faults.lose_next_answers = 1

    with pytest.raises(OutcomeUnknown):
        await exchange.place_order(market_buy("lost1"))
    order = await exchange.get_order("ADAUSDT", "lost1")
    assert order.status is OrderStatus.FILLED


async def test_latency_moves_the_fake_clock_and_skew_moves_server_time() -> None:
    exchange, clock = make()
    exchange.faults.latency_s = 0.25
    exchange.faults.clock_skew_ms = -1500

    server = await exchange.server_time_ms()

    assert clock.now_ms() == START_MS + 250
    assert server == START_MS + 250 - 1500


async def test_mx_deduction_charges_the_discounted_fee_in_mx() -> None:
    exchange, _ = make()
    exchange.mx = MxDeduction(enabled=True, mx_price=Decimal("2.5"))
    exchange.deposit("MX", 10)

    await exchange.place_order(market_buy("mx1"))

    fill = (await exchange.my_fills("ADAUSDT"))[0]
    quote_fee = fill.quote_qty * Decimal("0.0005")
    assert fill.fee_asset == "MX"
    assert fill.fee == (quote_fee * Decimal("0.8") / Decimal("2.5")).quantize(Decimal("1E-8"))
    assert (await exchange.balances())["MX"].free == 10 - fill.fee


async def test_resting_order_fills_in_parts_capped_by_minute_volume() -> None:
    exchange, clock = make(book_model=BookModel(participation=0.0002))
    price = exchange.last_price("ADAUSDT")
    await exchange.place_order(OrderRequest(
        "ADAUSDT", Side.BUY, OrderType.LIMIT, "big", quantity=Decimal(1000), price=price
    ))

    states = []
    for _ in range(120):
        clock.advance(60)
        states.append((await exchange.get_order("ADAUSDT", "big")).status)

    assert OrderStatus.PARTIALLY_FILLED in states
    assert len(await exchange.my_fills("ADAUSDT")) > 1


async def test_quote_buy_walking_a_thin_book_stays_within_budget() -> None:
    exchange, _ = make(book_model=BookModel(depth_share=0.0001, min_level_quote=5.0))

    await exchange.place_order(market_buy("thin", "500"))

    fills = await exchange.my_fills("ADAUSDT")
    assert len({f.price for f in fills}) > 1
    assert sum(f.quote_qty + f.fee for f in fills) <= Decimal(500)


async def test_same_seed_and_data_give_the_same_fills() -> None:
    async def run() -> list[tuple[object, ...]]:
        exchange, clock = make()
        for i in range(20):
            await exchange.place_order(market_buy(f"d{i}", "20", "SOLUSDC"))
            clock.advance(600)
        return [(f.price, f.qty, f.time_ms) for f in await exchange.my_fills("SOLUSDC")]

    assert await run() == await run()
