"""FakeExchange fee holds: a post-only buy can only pay the maker fee, so it holds only that."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from tests.integration.exchange_contract.harness import START_MS, bundled_market

from adapters.fake import FakeClock, FakeExchange
from mexcore.errors import OrderRejected
from mexcore.values import OrderRequest, OrderStatus, OrderType, Side

SYMBOL = "ADAUSDT"


async def _account(maker: str, taker: str) -> tuple[FakeExchange, Decimal]:
    exchange = FakeExchange(FakeClock(START_MS), bundled_market())
    exchange.rules[SYMBOL] = attrs.evolve(exchange.rules[SYMBOL], maker_fee=Decimal(maker),
                                          taker_fee=Decimal(taker))
    book = await exchange.order_book(SYMBOL)
    return exchange, book.bids[0].price


def _maker_buy(price: Decimal, qty: Decimal) -> OrderRequest:
    return OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT_MAKER, "mk1", quantity=qty,
                        price=price)


async def test_a_post_only_buy_at_zero_maker_fee_may_spend_the_whole_free_balance() -> None:
    exchange, bid = await _account("0", "0.0005")
    exchange.deposit("USDT", bid * 100)
    order = await exchange.place_order(_maker_buy(bid, Decimal(100)))
    assert order.status is OrderStatus.NEW
    assert exchange.free_balance("USDT") == 0


async def test_a_post_only_buy_holds_its_maker_fee_on_top() -> None:
    exchange, bid = await _account("0.001", "0.0005")
    exchange.deposit("USDT", bid * 100)
    with pytest.raises(OrderRejected):
        await exchange.place_order(_maker_buy(bid, Decimal(100)))
