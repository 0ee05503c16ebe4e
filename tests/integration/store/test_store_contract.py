"""The Store contract: every store (SQLite and in-memory) behaves exactly like this."""

from __future__ import annotations

import itertools
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mexcore.ports import Store
from mexcore.values import (
    Fill,
    IntentStatus,
    OrderIntent,
    OrderType,
    PortfolioSnapshot,
    Side,
)

from .strategies import exact, fills, intents, snapshots

# The store fixture is reused across examples, so each example uses fresh keys.
reused_store = settings(
    max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

FRESH = itertools.count()


def make_fill(trade_id: str, time_ms: int = 1, symbol: str = "BTCUSDC", qty: str = "0.5") -> Fill:
    return Fill(
        symbol, trade_id, "o1", Side.BUY, Decimal("100.10"), Decimal(qty), Decimal("50.05"),
        Decimal("0.025025"), fee_asset="USDC", is_maker=True, time_ms=time_ms,
        client_order_id="mxabc",
    )


def make_intent(cid: str, status: IntentStatus = IntentStatus.INTENDED, created_ms: int = 1) -> (
    OrderIntent
):
    return OrderIntent(
        cid, "scanner", "ADAUSDT", Side.BUY, OrderType.MARKET, status, created_ms,
        quote_qty=Decimal("6.00"), updated_ms=created_ms, reason="score 4",
    )


def test_record_fills_returns_only_the_number_newly_added(store: Store) -> None:
    assert store.record_fills([make_fill("1"), make_fill("2")]) == 2
    assert store.record_fills([make_fill("2"), make_fill("3")]) == 1
    assert [f.trade_id for f in store.fills()] == ["1", "2", "3"]


def test_record_fills_counts_a_duplicate_within_one_batch_once(store: Store) -> None:
    assert store.record_fills([make_fill("7"), make_fill("7", qty="9")]) == 1
    assert store.fills()[0].qty == Decimal("0.5")


def test_record_fills_of_nothing_adds_nothing(store: Store) -> None:
    assert store.record_fills([]) == 0
    assert store.fills() == []


def test_the_same_trade_id_on_two_symbols_is_two_fills(store: Store) -> None:
    store.record_fills([make_fill("1", symbol="BTCUSDC"), make_fill("1", symbol="ETHUSDC")])
    assert [f.symbol for f in store.fills()] == ["BTCUSDC", "ETHUSDC"]


def test_fills_come_oldest_first_then_in_arrival_order(store: Store) -> None:
    store.record_fills([make_fill("a", time_ms=5), make_fill("b", time_ms=2)])
    store.record_fills([make_fill("c", time_ms=2), make_fill("d", time_ms=1)])
    assert [f.trade_id for f in store.fills()] == ["d", "b", "c", "a"]


def test_fills_of_one_symbol_leave_the_others_out(store: Store) -> None:
    store.record_fills([make_fill("1", symbol="BTCUSDC"), make_fill("2", symbol="ETHUSDC")])
    assert [f.trade_id for f in store.fills("ETHUSDC")] == ["2"]
    assert store.fills("XRPUSDT") == []


@reused_store
@given(fill=fills())
def test_a_fill_comes_back_exactly_as_it_went_in(store: Store, fill: Fill) -> None:
    fill = attrs.evolve(fill, trade_id=str(next(FRESH)))
    store.record_fills([fill])
    [back] = [f for f in store.fills(fill.symbol) if f.trade_id == fill.trade_id]
    assert exact(back) == exact(fill)


def test_save_intent_inserts_then_replaces_by_client_order_id(store: Store) -> None:
    store.save_intent(make_intent("mx1"))
    sent = attrs.evolve(make_intent("mx1"), status=IntentStatus.SENT, order_id="C02_1")
    store.save_intent(sent)
    assert store.intent("mx1") == sent
    assert len(store.intents()) == 1


def test_an_unknown_client_order_id_has_no_intent(store: Store) -> None:
    assert store.intent("mxnothing") is None


def test_intents_filter_by_status(store: Store) -> None:
    store.save_intent(make_intent("a", IntentStatus.SENT))
    store.save_intent(make_intent("b", IntentStatus.FILLED))
    store.save_intent(make_intent("c", IntentStatus.UNKNOWN))
    wanted = [IntentStatus.SENT, IntentStatus.UNKNOWN]
    assert [i.client_order_id for i in store.intents(wanted)] == ["a", "c"]
    assert store.intents([]) == []
    assert len(store.intents()) == 3


def test_intents_come_by_creation_time_then_client_order_id(store: Store) -> None:
    store.save_intent(make_intent("b", created_ms=2))
    store.save_intent(make_intent("c", created_ms=1))
    store.save_intent(make_intent("a", created_ms=2))
    assert [i.client_order_id for i in store.intents()] == ["c", "a", "b"]


@reused_store
@given(intent=intents(client_ids=st.uuids().map(str)))
def test_an_intent_comes_back_exactly_as_it_went_in(store: Store, intent: OrderIntent) -> None:
    store.save_intent(intent)
    assert exact(store.intent(intent.client_order_id)) == exact(intent)


def test_state_is_written_read_and_deleted(store: Store) -> None:
    assert store.get_state("cooldown:x") is None
    store.set_state("cooldown:x", "123")
    store.set_state("cooldown:x", "456")
    assert store.get_state("cooldown:x") == "456"
    store.set_state("cooldown:x", None)
    store.set_state("never:set", None)
    assert store.get_state("cooldown:x") is None


@reused_store
@given(key=st.uuids().map(str), value=st.text())
def test_state_values_come_back_exactly(store: Store, key: str, value: str) -> None:
    store.set_state(key, value)
    assert store.get_state(key) == value


def test_snapshots_come_oldest_first_from_since_inclusive(store: Store) -> None:
    for t in (30, 10, 20):
        store.add_snapshot(PortfolioSnapshot(t, Decimal(t), {"BTC": Decimal("0.1")}))
    assert [s.time_ms for s in store.snapshots()] == [10, 20, 30]
    assert [s.time_ms for s in store.snapshots(since_ms=20)] == [20, 30]


def test_a_snapshot_at_the_same_time_replaces_the_earlier_one(store: Store) -> None:
    store.add_snapshot(PortfolioSnapshot(10, Decimal("1"), {"BTC": Decimal("1")}))
    store.add_snapshot(PortfolioSnapshot(10, Decimal("2"), {"ETH": Decimal("2")}))
    [only] = store.snapshots()
    assert only.total_value == Decimal("2")
    assert dict(only.values) == {"ETH": Decimal("2")}


@reused_store
@given(snapshot=snapshots(times_ms=st.integers(min_value=-(2**62), max_value=2**62)))
def test_a_snapshot_comes_back_exactly(store: Store, snapshot: PortfolioSnapshot) -> None:
    store.add_snapshot(snapshot)
    [back] = store.snapshots(since_ms=snapshot.time_ms)[:1]
    assert exact(back) == exact(snapshot)
