"""The whole-bot machine's audits catch what they claim: overbuying chains, overdue maker
orders, intents left unresolved, one client id for two requests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.integration.bot_audit import (
    ClientIdLedger,
    UnresolvedWatch,
    broken_requote_reserves,
    chains,
    overbought_chains,
    overdue_makers,
)
from tests.unit.services.support import World, flat_closes, world

from mexcore.errors import OutcomeUnknown
from mexcore.state import Cursors
from mexcore.values import Order, OrderRequest, OrderType, Side

D = Decimal
SYMBOL = "BTCUSDC"
RUNNER = "balance_monitor"
LIFETIME_MS = 120_000


def flat_world() -> World:
    return world(flat_closes([SYMBOL]), {"USDC": 1000})


async def rest(w: World, cid: str, qty: str = "0.001", reason: str = "buy") -> Order:
    book = await w.exchange.order_book(SYMBOL, 5)
    assert book.best_bid is not None
    request = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT_MAKER, cid, quantity=D(qty),
                           price=book.best_bid)
    return await w.deps.executor.submit(RUNNER, request, reason)


async def test_a_requote_sized_from_a_stale_read_is_an_overbought_chain() -> None:
    w = flat_world()
    first = await rest(w, "a1")
    w.exchange.engine.fill_resting(w.exchange.engine.orders["a1"], D("0.0006"), w.clock.now_ms())
    await w.deps.executor.cancel(SYMBOL, "a1")

    await rest(w, "a2", str(first.orig_qty), reason="requote 1/3: stale")
    w.exchange.engine.fill_resting(w.exchange.engine.orders["a2"], D("0.001"), w.clock.now_ms())

    assert chains(w.exchange) == {"a1": ["a1", "a2"]}
    problems = overbought_chains(w.exchange)
    assert [p.split(" ")[1] for p in problems] == ["executed", "spent"]


async def test_a_requote_sized_from_the_cancel_answer_is_within_the_plan() -> None:
    w = flat_world()
    await rest(w, "b1")
    w.exchange.engine.fill_resting(w.exchange.engine.orders["b1"], D("0.0006"), w.clock.now_ms())
    cancelled = await w.deps.executor.cancel(SYMBOL, "b1")

    left = cancelled.orig_qty - cancelled.executed_qty
    await rest(w, "b2", str(left), reason="requote 1/3: fresh")
    w.exchange.engine.fill_resting(w.exchange.engine.orders["b2"], left, w.clock.now_ms())

    assert overbought_chains(w.exchange) == []


def keep_plan(w: World, cid: str, planned_qty: str, planned_quote: str) -> None:
    """Write the maker chain record the bot keeps for a resting order (its decision's plan)."""
    Cursors(w.store, f"{RUNNER}.maker").set(cid, {"planned_qty": planned_qty,
                                                  "planned_quote": planned_quote})


async def test_a_requote_may_buy_up_to_the_plan_when_the_first_order_was_smaller() -> None:
    w = flat_world()
    first = await rest(w, "d1", "0.0009")  # sized at a higher price than the plan's
    keep_plan(w, "d1", "0.001", str(D("0.001") * (first.price or D(0))))
    await w.deps.executor.cancel(SYMBOL, "d1")

    await rest(w, "d2", "0.001", reason="requote 1/3: the price came back")
    w.exchange.engine.fill_resting(w.exchange.engine.orders["d2"], D("0.001"), w.clock.now_ms())

    assert overbought_chains(w.exchange) == []


async def test_a_chain_past_its_recorded_plan_is_overbought() -> None:
    w = flat_world()
    first = await rest(w, "e1", "0.001")
    keep_plan(w, "e1", "0.0008", str(D("0.0008") * (first.price or D(0))))
    w.exchange.engine.fill_resting(w.exchange.engine.orders["e1"], D("0.0005"), w.clock.now_ms())
    await w.deps.executor.cancel(SYMBOL, "e1")

    await rest(w, "e2", "0.0005", reason="requote 1/3: past the plan")
    w.exchange.engine.fill_resting(w.exchange.engine.orders["e2"], D("0.0005"), w.clock.now_ms())

    assert [p.split(" ")[1] for p in overbought_chains(w.exchange)] == ["executed", "spent"]


async def test_a_maker_order_still_resting_after_a_tick_past_its_lifetime_is_overdue() -> None:
    w = flat_world()
    order = await rest(w, "c1")

    early = overdue_makers(w.exchange, LIFETIME_MS, {RUNNER: [order.time_ms + 60_000]})
    late = overdue_makers(w.exchange, LIFETIME_MS, {RUNNER: [order.time_ms + LIFETIME_MS]})

    assert early == []
    assert len(late) == 1


async def test_an_unknown_intent_is_late_after_more_than_the_allowed_ticks() -> None:
    w = flat_world()
    w.exchange.faults.lose_next_answers = 1
    with pytest.raises(OutcomeUnknown):
        await rest(w, "d1")
    watch, now = UnresolvedWatch(max_ticks=5), w.clock.now_ms()

    five = watch.late(w.store.intents(), {RUNNER: [now + i for i in range(1, 6)]},
                      lambda runner: False)
    six = watch.late(w.store.intents(), {RUNNER: [now + i for i in range(1, 7)]},
                     lambda runner: False)

    assert five == []
    assert len(six) == 1


def test_one_client_id_for_two_requests_is_noted_and_a_plain_retry_is_not() -> None:
    ledger = ClientIdLedger()
    first = OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, "e1", quote_qty=D(10))

    ledger.note(RUNNER, first)
    ledger.note(RUNNER, first)
    assert ledger.reused == []
    ledger.note(RUNNER, OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, "e1", quote_qty=D(11)))
    assert len(ledger.reused) == 1


async def test_a_requote_that_spends_into_the_reserve_breaks_it() -> None:
    w = world(flat_closes([SYMBOL]), {"USDC": "33"})
    await rest(w, "f1")  # 0.001 at the best bid: about 30 USDC, 3 left free
    await w.deps.executor.cancel(SYMBOL, "f1")
    w.exchange.engine.account.debit("USDC", D("1.5"))  # spent elsewhere meanwhile
    await rest(w, "f2", reason="requote 1/3: same size")

    assert len(broken_requote_reserves(w.exchange)) == 1
