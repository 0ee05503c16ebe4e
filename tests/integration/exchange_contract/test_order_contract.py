"""Contract: placing, matching, querying and cancelling orders, the same on every Exchange."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.integration.exchange_contract.harness import NOT_API, TRADEABLE, ExchangeHarness

from mexcore.errors import (
    InsufficientFunds,
    OrderNotFound,
    OrderRejected,
    PrecisionRejected,
    SkipSymbol,
)
from mexcore.ports import Exchange
from mexcore.values import OrderRequest, OrderStatus, OrderType, Side

QTY = Decimal("0.001")


def limit(cid: str, side: Side, price: Decimal, qty: Decimal = QTY,
          kind: OrderType = OrderType.LIMIT) -> OrderRequest:
    """Return a priced order on the tradeable symbol."""
    return OrderRequest(TRADEABLE, side, kind, cid, quantity=qty, price=price)


async def best(exchange: Exchange) -> tuple[Decimal, Decimal]:
    """Return the best bid and ask of the tradeable symbol."""
    book = await exchange.order_book(TRADEABLE, 5)
    assert book.best_bid is not None
    assert book.best_ask is not None
    return book.best_bid, book.best_ask


async def test_market_buy_by_quote_fills_and_never_spends_more_than_asked(
    harness: ExchangeHarness,
) -> None:
    ex = harness.exchange
    await harness.deposit("USDC", Decimal(100))
    request = OrderRequest(TRADEABLE, Side.BUY, OrderType.MARKET, "mq1", quote_qty=Decimal(50))

    await ex.place_order(request)

    order = await ex.get_order(TRADEABLE, "mq1")
    fills = await ex.my_fills(TRADEABLE)
    spent = sum((f.quote_qty + f.fee for f in fills if f.fee_asset == "USDC"), Decimal(0))
    balances = await ex.balances()
    assert order.status is OrderStatus.FILLED
    assert Decimal(49) < spent <= Decimal(50)
    assert balances["USDC"].free == Decimal(100) - spent
    assert balances["BTC"].free == order.executed_qty == sum(f.qty for f in fills)


async def test_resting_limit_buy_locks_funds_and_cancel_releases_them(
    harness: ExchangeHarness,
) -> None:
    ex = harness.exchange
    await harness.deposit("USDC", Decimal(100))
    bid, _ = await best(ex)
    price = (bid * Decimal("0.999")).quantize(Decimal("0.01"))

    placed = await ex.place_order(limit("rest1", Side.BUY, price))
    locked = (await ex.balances())["USDC"].locked
    opened = await ex.open_orders(TRADEABLE)
    await ex.cancel_order(TRADEABLE, "rest1")

    after = await ex.get_order(TRADEABLE, "rest1")
    assert placed.status is OrderStatus.NEW
    assert locked >= price * QTY
    assert [o.client_order_id for o in opened] == ["rest1"]
    assert after.status is OrderStatus.CANCELED
    assert (await ex.balances())["USDC"].free == Decimal(100)
    assert await ex.open_orders(TRADEABLE) == []


async def test_resting_limit_buy_fills_once_the_market_trades_down_to_it(
    harness: ExchangeHarness,
) -> None:
    ex = harness.exchange
    await harness.deposit("USDC", Decimal(100))
    bid, _ = await best(ex)
    await ex.place_order(limit("rest2", Side.BUY, bid))

    for _ in range(240):
        await harness.advance(60)
        if not (await ex.get_order(TRADEABLE, "rest2")).status.is_open:
            break

    order = await ex.get_order(TRADEABLE, "rest2")
    fills = await ex.my_fills(TRADEABLE)
    assert order.status is OrderStatus.FILLED
    assert all(f.price <= bid and f.is_maker for f in fills)
    assert sum(f.qty for f in fills) == QTY


async def test_market_sell_of_bought_coins_credits_the_quote(harness: ExchangeHarness) -> None:
    ex = harness.exchange
    await harness.deposit("BTC", Decimal("0.01"))
    sell = OrderRequest(TRADEABLE, Side.SELL, OrderType.MARKET, "ms1", quantity=Decimal("0.002"))

    await ex.place_order(sell)

    order = await ex.get_order(TRADEABLE, "ms1")
    balances = await ex.balances()
    assert order.status is OrderStatus.FILLED
    assert balances["BTC"].free == Decimal("0.008")
    assert balances["USDC"].free > Decimal(50)


async def test_duplicate_client_order_id_is_rejected(harness: ExchangeHarness) -> None:
    await harness.deposit("USDC", Decimal(100))
    bid, _ = await best(harness.exchange)
    await harness.exchange.place_order(limit("dup1", Side.BUY, bid - 100))

    with pytest.raises(OrderRejected):
        await harness.exchange.place_order(limit("dup1", Side.BUY, bid - 100))


async def test_unknown_order_raises_not_found_on_query_and_cancel(
    harness: ExchangeHarness,
) -> None:
    with pytest.raises(OrderNotFound):
        await harness.exchange.get_order(TRADEABLE, "nope")
    with pytest.raises(OrderNotFound):
        await harness.exchange.cancel_order(TRADEABLE, "nope")


async def test_order_below_the_minimum_value_is_rejected_with_30002(
    harness: ExchangeHarness,
) -> None:
    await harness.deposit("USDC", Decimal(100))
    bid, _ = await best(harness.exchange)

    with pytest.raises(OrderRejected) as caught:
        await harness.exchange.place_order(limit("small", Side.BUY, bid, Decimal("0.0001")))
    assert caught.value.code == 30002


@pytest.mark.parametrize(
    ("qty", "price_shift"), [(Decimal("0.0010001"), Decimal(0)), (QTY, Decimal("0.001"))]
)
async def test_too_many_decimals_are_rejected_as_precision(
    harness: ExchangeHarness, qty: Decimal, price_shift: Decimal
) -> None:
    await harness.deposit("USDC", Decimal(100))
    bid, _ = await best(harness.exchange)

    with pytest.raises(PrecisionRejected):
        await harness.exchange.place_order(limit("scale", Side.BUY, bid - price_shift, qty))


async def test_buy_without_funds_raises_insufficient_funds_30004(
    harness: ExchangeHarness,
) -> None:
    await harness.deposit("USDC", Decimal(10))
    bid, _ = await best(harness.exchange)

    with pytest.raises(InsufficientFunds) as caught:
        await harness.exchange.place_order(limit("poor", Side.BUY, bid))
    assert caught.value.code == 30004


async def test_selling_more_than_held_raises_oversold_30005(harness: ExchangeHarness) -> None:
    _, ask = await best(harness.exchange)

    with pytest.raises(InsufficientFunds) as caught:
        await harness.exchange.place_order(limit("over", Side.SELL, ask))
    assert caught.value.code == 30005


async def test_order_on_a_symbol_closed_to_the_api_raises_skip_symbol(
    harness: ExchangeHarness,
) -> None:
    await harness.deposit("USDT", Decimal(100))
    request = OrderRequest(NOT_API, Side.BUY, OrderType.MARKET, "na", quote_qty=Decimal(10))

    with pytest.raises(SkipSymbol, match="10007"):
        await harness.exchange.place_order(request)


async def test_buy_far_above_the_price_band_is_rejected_with_30010(
    harness: ExchangeHarness,
) -> None:
    await harness.deposit("USDC", Decimal(1000))
    _, ask = await best(harness.exchange)

    too_high = (ask * Decimal("1.01")).quantize(ask)

    with pytest.raises(OrderRejected) as caught:
        await harness.exchange.place_order(limit("band", Side.BUY, too_high))
    assert caught.value.code == 30010


async def test_limit_maker_that_would_cross_is_rejected(harness: ExchangeHarness) -> None:
    await harness.deposit("USDC", Decimal(100))
    _, ask = await best(harness.exchange)

    with pytest.raises(OrderRejected):
        await harness.exchange.place_order(
            limit("lm1", Side.BUY, ask, kind=OrderType.LIMIT_MAKER)
        )
    assert await harness.exchange.open_orders() == []


async def test_ioc_and_fok_below_the_ask_are_cancelled_without_fills(
    harness: ExchangeHarness,
) -> None:
    ex = harness.exchange
    await harness.deposit("USDC", Decimal(100))
    bid, _ = await best(ex)

    await ex.place_order(limit("ioc1", Side.BUY, bid, kind=OrderType.IMMEDIATE_OR_CANCEL))
    await ex.place_order(limit("fok1", Side.BUY, bid, kind=OrderType.FILL_OR_KILL))

    for cid in ("ioc1", "fok1"):
        assert (await ex.get_order(TRADEABLE, cid)).status is OrderStatus.CANCELED
    assert await ex.my_fills(TRADEABLE) == []
    assert (await ex.balances())["USDC"].free == Decimal(100)


async def test_ioc_at_the_ask_fills_as_taker(harness: ExchangeHarness) -> None:
    ex = harness.exchange
    await harness.deposit("USDC", Decimal(100))
    _, ask = await best(ex)

    await ex.place_order(limit("ioc2", Side.BUY, ask, kind=OrderType.IMMEDIATE_OR_CANCEL))

    fills = await ex.my_fills(TRADEABLE)
    assert (await ex.get_order(TRADEABLE, "ioc2")).status is OrderStatus.FILLED
    assert [(f.price, f.qty, f.is_maker) for f in fills] == [(ask, QTY, False)]
    assert fills[0].fee == ask * QTY * Decimal("0.0005")
