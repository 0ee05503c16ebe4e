"""Each invariant check of the kit finds a hand-made violation, and passes a world that keeps it."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from adapters.fake.testing import FakeWorld, SentOrder, make_world, market_from_closes
from adapters.fake.testing import invariants as check
from mexcore.errors import MexbotError
from mexcore.state import PauseFlags
from mexcore.values import IntentStatus, OrderRequest, OrderType, Side

D = Decimal
SYMBOL = "BTCUSDC"
RUNNER = "dip_buyer"


def flat_world(usdc: str = "1000") -> FakeWorld:
    return make_world(market_from_closes({SYMBOL: [30000.0] * 120}), {"USDC": usdc})


def maker(cid: str, price: str = "29990", qty: str = "0.001") -> OrderRequest:
    return OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT_MAKER, cid, quantity=D(qty),
                        price=D(price))


def sent(cid: str, value: str, free_before: str, decided_ms: int = 1, **kw: object) -> SentOrder:
    request = OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, cid, quote_qty=D(value))
    fields = {"paused": False, "reason": "buy", **kw}
    return SentOrder(request, RUNNER, decided_ms, free_before=D(free_before),
                     free_after=D(free_before) - D(value), last_price=D(30000), **fields)


async def test_an_order_off_the_tick_breaks_the_symbol_rules() -> None:
    w = flat_world()
    await w.deps.executor.submit(RUNNER, maker("ok1"), "buy")
    assert check.rule_breaks(w.exchange) == []

    with pytest.raises(MexbotError):
        await w.exchange.place_order(maker("bad1", price="29990.001"))

    assert [p.split(": ")[1] for p in check.rule_breaks(w.exchange)] == [
        "price 29990.001 off tick 0.01"]


async def test_each_order_records_the_free_quote_and_base_around_it() -> None:
    w = make_world(market_from_closes({SYMBOL: [30000.0] * 120}), {"USDC": "100", "BTC": "1"})

    await w.deps.executor.submit(RUNNER, maker("r1"), "buy")

    order = w.exchange.sent[0]
    assert (order.runner, order.free_before, order.free_after) == (RUNNER, D(100), D("70.01"))
    assert (order.base_before, order.base_after) == (D(1), D(1))


def test_a_decision_that_spends_into_the_reserve_is_broken() -> None:
    orders = [sent("a", "60", "100"), sent("b", "30", "100")]  # 100 - 90 leaves 10

    assert check.broken_reserves(orders, {RUNNER: D(10)}) == []
    assert len(check.broken_reserves(orders, {RUNNER: D(20)})) == 1
    assert check.broken_reserves(orders, {"someone_else": D(20)}) == []


def test_a_requote_is_not_counted_as_a_new_decision() -> None:
    orders = [sent("a", "60", "100"), sent("b", "60", "40", reason="requote 1/3")]

    assert check.broken_reserves(orders, {RUNNER: D(20)}) == []


def test_a_client_id_that_reached_the_exchange_twice_is_found() -> None:
    orders = [sent("a", "10", "100"), sent("b", "10", "90"), sent("a", "10", "80", 2)]

    assert check.client_ids_sent_twice(orders) == ["a sent 2 times"]


async def test_one_client_id_for_two_requests_is_noted_by_the_worlds_ledger() -> None:
    w = flat_world()
    await w.deps.executor.submit(RUNNER, maker("same"), "buy")
    await w.deps.executor.cancel(SYMBOL, "same")

    with pytest.raises(MexbotError):
        await w.deps.executor.submit(RUNNER, maker("same", price="29980"), "buy again")

    assert len(w.ids.reused) == 1


def test_an_order_sent_while_paused_is_found() -> None:
    orders = [sent("a", "10", "100"), sent("b", "10", "90", paused=True)]

    assert check.placed_while_paused(orders) == [f"{RUNNER} b"]


async def test_the_audit_marks_an_order_of_a_paused_runner() -> None:
    w = flat_world()
    await w.deps.executor.submit(RUNNER, maker("p1"), "buy")
    intent = w.store.intent("p1")
    assert intent is not None
    w.store.save_intent(attrs.evolve(intent, client_order_id="p2"))
    PauseFlags(w.store).pause(RUNNER)

    await w.exchange.place_order(maker("p2", price="29980"))  # past the executor's guard

    assert check.placed_while_paused(w.exchange.sent) == [f"{RUNNER} p2"]


def test_a_negative_balance_is_found() -> None:
    w = flat_world()
    assert check.negative_balances(w.exchange) == []

    account = w.exchange.engine.account
    account._free["USDC"], account._snapshot = D("-0.01"), None  # what the account forbids

    assert check.negative_balances(w.exchange) == ["USDC: free -0.01, locked 0"]


async def test_an_order_resting_without_an_intent_is_unmanaged() -> None:
    w = flat_world()
    await w.deps.executor.submit(RUNNER, maker("managed"), "buy")
    assert check.unmanaged_orders(w.exchange, w.store) == []

    await w.exchange.place_order(maker("orphan"))

    assert check.unmanaged_orders(w.exchange, w.store) == [
        "orphan rests without a journaled intent"]


async def test_an_order_resting_while_its_intent_says_cancelled_is_unmanaged() -> None:
    w = flat_world()
    await w.deps.executor.submit(RUNNER, maker("m1"), "buy")
    intent = w.store.intent("m1")
    assert intent is not None
    w.store.save_intent(attrs.evolve(intent, status=IntentStatus.CANCELLED))

    assert len(check.unmanaged_orders(w.exchange, w.store)) == 1


async def test_an_order_resting_past_its_time_after_a_tick_is_overdue() -> None:
    w = flat_world()
    await w.deps.executor.submit(RUNNER, maker("o1"), "buy")
    placed = w.exchange.engine.orders["o1"].time_ms

    early = check.overdue_orders(w.exchange, 60_000, {RUNNER: [placed + 30_000]})
    late = check.overdue_orders(w.exchange, 60_000, {RUNNER: [placed + 60_000]})

    assert early == []
    assert len(late) == 1
