"""Maker requotes under fills the bot did not see (issue 13, item 1): never more than planned."""

from __future__ import annotations

from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.services.hostile import FillsBeforeCancel, World, chain_totals, hostile_world
from tests.unit.services.support import NOW_MINUTE, buys, flat_closes, rising

from mexcore.policies import BalanceMonitorPolicy
from mexcore.services.maker_orders import Chain, MakerBuyer, chain_of
from mexcore.values import IntentStatus, Order, OrderStatus, OrderType, Side

D = Decimal
SYMBOL = "BTCUSDC"
POLICY = attrs.evolve(BalanceMonitorPolicy(), requote_after_s=60)  # each requote: a new book
PLANNED_QTY, PLANNED_QUOTE = D("0.001"), D("30")
FRACTIONS = st.sampled_from([D(0), D("0.1"), D("0.25"), D("0.5"), D("0.9"), D(1)])


def _world(fractions: list[Decimal]) -> World:
    closes = {**flat_closes(["USDCUSDT"]), SYMBOL: rising(30000.0, 10.0, NOW_MINUTE)}
    return hostile_world(FillsBeforeCancel, closes, {"USDC": "100"}, fractions=fractions)


async def _run_chain(w: World) -> MakerBuyer:
    maker = MakerBuyer("balance_monitor", w.deps, POLICY)
    rules = {SYMBOL: w.exchange.rules[SYMBOL]}
    await maker.place(rules[SYMBOL], PLANNED_QTY, "test", max_value=PLANNED_QUOTE)
    for second in range(60, 301, 60):
        w.at(second)
        await maker.look_after(rules)
    return maker


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRACTIONS, min_size=4, max_size=4))
async def test_fills_between_read_and_cancel_never_make_the_chain_buy_more_than_planned(
    fractions: list[Decimal],
) -> None:
    w = _world(list(fractions))

    await _run_chain(w)

    executed, spent = chain_totals(w, SYMBOL)
    assert executed <= PLANNED_QTY
    assert spent <= PLANNED_QUOTE
    assert await w.exchange.open_orders(SYMBOL) == []


async def test_an_order_filled_between_read_and_cancel_gets_no_replacement() -> None:
    w = _world([D(1)])

    await _run_chain(w)

    [only] = buys(w.intents(), SYMBOL)
    assert only.status is IntentStatus.FILLED
    assert chain_totals(w, SYMBOL)[0] == PLANNED_QTY


async def test_a_replacement_is_sized_from_what_the_cancel_left_unfilled() -> None:
    w = _world([D("0.5")])

    await _run_chain(w)

    first, second, *_ = buys(w.intents(), SYMBOL)
    assert first.status is IntentStatus.CANCELLED
    assert second.quantity is not None
    assert second.quantity <= PLANNED_QTY / 2


def _order(executed: str = "0", spent: str = "0") -> Order:
    return Order(SYMBOL, "1", "c", Side.BUY, OrderType.LIMIT_MAKER, OrderStatus.CANCELED,
                 price=D(30000), orig_qty=D("0.001"), executed_qty=D(executed),
                 cumm_quote_qty=D(spent), time_ms=5)


def test_a_chain_buys_what_the_plan_has_left_at_the_new_price() -> None:
    chain = Chain(0, D("0.001"), D(30)).after(_order("0.0004", "12"))

    assert chain.qty_at(D(31000)) == D(18) / D(31000)
    assert chain.qty_at(D(10000)) == D("0.0006")


def test_a_chain_record_survives_the_store_and_an_old_one_stands_for_its_order() -> None:
    chain = Chain(7, D("0.001"), D(30), D("0.0001"), D(3), requotes=2, attempts=1)

    assert chain_of(chain.to_json(), _order()) == chain
    assert chain_of({"first_ms": 3, "requotes": 1}, _order()) == Chain(
        3, D("0.001"), D(30), requotes=1, attempts=1)
