"""FakeExchange faults of a live market: fills between calls, post-only cancels, hidden orders
after a lost answer, and prices that move between two reads of one tick."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.integration.exchange_contract.harness import START_MS, bundled_market

from adapters.fake import FakeClock, FakeExchange, Faults
from mexcore.errors import OrderNotFound, OrderRejected, OutcomeUnknown, RetryLater
from mexcore.values import Order, OrderRequest, OrderStatus, OrderType, Side

SYMBOL = "ADAUSDT"


def make(**faults: object) -> FakeExchange:
    """Return a fake exchange at START_MS with 1000 USDT and 1000 ADA, with `faults` set."""
    exchange = FakeExchange(FakeClock(START_MS), bundled_market(),
                            faults=Faults(**faults))  # type: ignore[arg-type]
    exchange.deposit("USDT", 1000)
    exchange.deposit("ADA", 1000)
    return exchange


async def best(exchange: FakeExchange) -> tuple[Decimal, Decimal]:
    """Return the best bid and ask of SYMBOL's book now."""
    book = await exchange.order_book(SYMBOL, 5)
    assert book.best_bid is not None
    assert book.best_ask is not None
    return book.best_bid, book.best_ask


def maker(cid: str, price: Decimal, qty: str = "100", side: Side = Side.BUY) -> OrderRequest:
    """Return a post-only order of `qty` at `price`."""
    return OrderRequest(SYMBOL, side, OrderType.LIMIT_MAKER, cid, quantity=Decimal(qty),
                        price=price)


async def rest_a_buy(exchange: FakeExchange, cid: str = "rest1") -> Order:
    """Place a maker buy at the best bid (it rests) and return it."""
    bid, _ = await best(exchange)
    order = await exchange.place_order(maker(cid, bid))
    assert order.status is OrderStatus.NEW
    return order


async def test_fill_next_fills_a_resting_order_at_its_limit_with_fees_and_balances() -> None:
    exchange = make()
    order = await rest_a_buy(exchange)
    usdt_before = exchange.engine.account.free("USDT") + exchange.engine.account.locked("USDT")
    exchange.faults.fill_next = 1

    after = await exchange.get_order(SYMBOL, order.client_order_id)

    assert after.executed_qty > 0
    assert after.status in (OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED)
    fills = await exchange.my_fills(SYMBOL)
    assert [(f.price, f.qty, f.is_maker) for f in fills] == [(order.price, after.executed_qty,
                                                             True)]
    assert exchange.free_balance("ADA") == 1000 + after.executed_qty
    usdt_after = exchange.engine.account.free("USDT") + exchange.engine.account.locked("USDT")
    assert usdt_before - usdt_after == fills[0].quote_qty + fills[0].fee


async def test_a_fill_between_the_read_and_the_cancel_shows_in_the_cancel_answer() -> None:
    exchange = make(fill_rate=1.0, seed=3)
    order = await rest_a_buy(exchange)  # placing drew nothing: no order was resting then
    exchange.faults.fill_rate = 0.0
    read = await exchange.get_order(SYMBOL, order.client_order_id)
    exchange.faults.fill_next = 1

    cancelled = await exchange.cancel_order(SYMBOL, order.client_order_id)

    assert cancelled.executed_qty > read.executed_qty
    assert cancelled.status is OrderStatus.PARTIALLY_CANCELED


async def test_fill_rate_fills_some_resting_orders_over_many_calls_never_more_than_ordered(
) -> None:
    exchange = make(fill_rate=0.3, seed=7)
    for i in range(5):
        await rest_a_buy(exchange, f"r{i}")

    for _ in range(30):
        await exchange.balances()

    orders = exchange.all_orders()
    assert any(o.executed_qty > 0 for o in orders)
    assert all(o.executed_qty <= o.orig_qty for o in orders)
    fills = await exchange.my_fills(SYMBOL)
    assert sum(f.qty for f in fills) == sum(o.executed_qty for o in orders)


async def test_a_taking_post_only_order_is_rejected_without_the_cancel_mode() -> None:
    exchange = make()
    _, ask = await best(exchange)

    with pytest.raises(OrderRejected, match="would immediately match"):
        await exchange.place_order(maker("take1", ask))


async def test_a_taking_post_only_order_comes_back_cancelled_with_nothing_bought() -> None:
    exchange = make(post_only_cancel_rate=1.0)
    _, ask = await best(exchange)

    order = await exchange.place_order(maker("take2", ask))

    assert order.status is OrderStatus.CANCELED
    assert order.executed_qty == 0
    assert (await exchange.get_order(SYMBOL, "take2")).status is OrderStatus.CANCELED
    assert exchange.free_balance("USDT") == 1000
    assert await exchange.my_fills(SYMBOL) == []


async def test_a_post_only_order_that_rests_is_not_cancelled_by_the_cancel_mode() -> None:
    exchange = make(post_only_cancel_rate=1.0)

    order = await rest_a_buy(exchange)

    assert (await exchange.open_orders(SYMBOL)) == [order]


async def test_look_ups_after_a_lost_answer_fail_then_find_the_order() -> None:
    exchange = make(lose_next_answers=1, lookups_fail_after_lost=3, seed=5)
    bid, _ = await best(exchange)
    with pytest.raises(OutcomeUnknown):
        await exchange.place_order(maker("lost1", bid))

    failures: list[type[Exception]] = []
    for _ in range(3):
        with pytest.raises((OrderNotFound, RetryLater)) as caught:
            await exchange.get_order(SYMBOL, "lost1")
        failures.append(type(caught.value))

    assert (await exchange.get_order(SYMBOL, "lost1")).status is OrderStatus.NEW
    assert set(failures) <= {OrderNotFound, RetryLater}


async def test_open_orders_after_a_lost_answer_fail_with_retry_later_only() -> None:
    exchange = make(lose_next_answers=1, lookups_fail_after_lost=1)
    bid, _ = await best(exchange)
    with pytest.raises(OutcomeUnknown):
        await exchange.place_order(maker("lost2", bid))

    with pytest.raises(RetryLater):
        await exchange.open_orders(SYMBOL)
    assert [o.client_order_id for o in await exchange.open_orders(SYMBOL)] == ["lost2"]


async def test_other_orders_are_never_reported_missing_after_a_lost_answer() -> None:
    exchange = make(lookups_fail_after_lost=50, seed=2)
    first = await rest_a_buy(exchange, "kept")
    exchange.faults.lose_next_answers = 1
    bid, _ = await best(exchange)
    with pytest.raises(OutcomeUnknown):
        await exchange.place_order(maker("lost3", bid))

    for _ in range(20):
        with pytest.raises(RetryLater):
            await exchange.get_order(SYMBOL, first.client_order_id)


async def test_move_next_moves_the_book_between_two_reads_and_the_ticker_with_it() -> None:
    exchange = make(seed=4)
    before = await best(exchange)
    exchange.faults.move_next = 1

    after = await best(exchange)

    ticks = (after[0] - before[0]) / exchange.rules[SYMBOL].price_tick
    assert ticks != 0
    assert abs(ticks) <= 3
    ticker = (await exchange.tickers_24h())[SYMBOL]
    assert (ticker.bid, ticker.ask) == after


async def test_a_maker_price_read_before_a_move_down_may_now_take() -> None:
    exchange = make()
    bid, _ = await best(exchange)
    exchange.engine.shift(SYMBOL, -3, exchange.clock.now_ms())

    with pytest.raises(OrderRejected, match="would immediately match"):
        await exchange.place_order(maker("late", bid))


async def test_a_move_through_a_resting_order_fills_it_at_its_limit() -> None:
    exchange = make()
    order = await rest_a_buy(exchange)

    exchange.engine.shift(SYMBOL, -3, exchange.clock.now_ms())

    after = await exchange.get_order(SYMBOL, order.client_order_id)
    assert after.status is OrderStatus.FILLED
    assert [f.price for f in await exchange.my_fills(SYMBOL)] == [order.price]


async def test_a_move_lasts_until_the_next_minute_completes() -> None:
    exchange = make()
    before = await best(exchange)
    exchange.engine.shift(SYMBOL, 3, exchange.clock.now_ms())
    assert await best(exchange) != before

    exchange.clock.advance(60)

    assert exchange.last_price(SYMBOL) == exchange.market.last_price(
        SYMBOL, exchange.market.completed(exchange.clock.now_ms()))


async def test_the_same_seed_gives_the_same_faults() -> None:
    async def run() -> list[tuple[object, ...]]:
        exchange = make(fill_rate=0.2, price_move_rate=0.3, seed=11)
        for i in range(4):
            await rest_a_buy(exchange, f"s{i}")
        for _ in range(20):
            await exchange.order_book(SYMBOL, 5)
        return [(o.client_order_id, o.executed_qty, o.status) for o in exchange.all_orders()]

    assert await run() == await run()


async def test_new_fault_settings_end_the_failing_look_ups_armed_under_the_old_ones() -> None:
    exchange = make(lose_next_answers=1, lookups_fail_after_lost=5)
    bid, _ = await best(exchange)
    with pytest.raises(OutcomeUnknown):
        await exchange.place_order(maker("lost4", bid))

    exchange.faults = Faults()

    assert [o.client_order_id for o in await exchange.open_orders(SYMBOL)] == ["lost4"]
