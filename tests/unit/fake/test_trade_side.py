"""The fake refuses an order on a side the symbol's `tradeSideType` forbids, as MEXC does."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from tests.integration.exchange_contract.harness import START_MS, bundled_market

from adapters.fake import FakeClock, FakeExchange
from mexcore.errors import OrderRejected
from mexcore.values import OrderRequest, OrderType, Side, TradeSide


def _exchange(side: TradeSide) -> FakeExchange:
    exchange = FakeExchange(FakeClock(START_MS), bundled_market())
    exchange.rules["ADAUSDT"] = attrs.evolve(exchange.rules["ADAUSDT"], trade_side=side)
    exchange.deposit("USDT", 100)
    exchange.deposit("ADA", 100)
    return exchange


def _order(side: Side, cid: str) -> OrderRequest:
    if side is Side.BUY:
        return OrderRequest("ADAUSDT", side, OrderType.MARKET, cid, quote_qty=Decimal(10))
    return OrderRequest("ADAUSDT", side, OrderType.MARKET, cid, quantity=Decimal(10))


@pytest.mark.parametrize(("trade_side", "refused"), [
    (TradeSide.BUY_ONLY, Side.SELL), (TradeSide.SELL_ONLY, Side.BUY),
    (TradeSide.NONE, Side.BUY), (TradeSide.NONE, Side.SELL)])
async def test_an_order_on_a_forbidden_side_is_rejected_with_30001_and_nothing_moves(
    trade_side: TradeSide, refused: Side
) -> None:
    exchange = _exchange(trade_side)
    before = await exchange.balances()

    with pytest.raises(OrderRejected) as caught:
        await exchange.place_order(_order(refused, "refused1"))

    assert caught.value.code == 30001
    assert await exchange.balances() == before
    assert exchange.all_orders() == []


@pytest.mark.parametrize(("trade_side", "allowed"), [
    (TradeSide.BUY_ONLY, Side.BUY), (TradeSide.SELL_ONLY, Side.SELL)])
async def test_an_order_on_the_allowed_side_fills(trade_side: TradeSide, allowed: Side) -> None:
    exchange = _exchange(trade_side)

    order = await exchange.place_order(_order(allowed, "allowed1"))

    assert order.executed_qty > 0
