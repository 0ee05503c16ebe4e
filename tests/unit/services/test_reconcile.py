"""Reconciliation against a tiny in-test exchange and the in-memory store."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import cast

import attrs
import pytest

from adapters.fake.store import InMemoryStore
from mexcore.client_ids import client_order_id
from mexcore.errors import OrderNotFound, OutcomeUnknown, RetryLater
from mexcore.ports import Clock, Exchange, Level, Notifier
from mexcore.services.reconcile import RECOVERED_RUNNER, Reconciler
from mexcore.values import (
    Fill,
    IntentStatus,
    Order,
    OrderIntent,
    OrderStatus,
    OrderType,
    Side,
)

T0 = 1_700_000_000_000
CID = client_order_id("balance_monitor", "BTCUSDC", T0, side=Side.BUY, purpose="test")


class TinyExchange:
    """Only what reconciliation calls: orders by client id, open orders and fills."""

    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.trades: list[Fill] = []
        self.down: Exception | None = None
        self.lookups: list[str] = []

    def _check(self) -> None:
        if self.down is not None:
            raise self.down

    async def get_order(self, symbol: str, client_order_id: str) -> Order:
        self._check()
        self.lookups.append(client_order_id)
        order = self.orders.get(client_order_id)
        if order is None:
            raise OrderNotFound(client_order_id)
        return order

    async def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        self._check()
        return [
            o for o in self.orders.values()
            if o.status.is_open and symbol in (None, o.symbol)
        ]

    async def my_fills(self, symbol: str, since_ms: int | None = None) -> Sequence[Fill]:
        self._check()
        return [t for t in self.trades if t.symbol == symbol and t.time_ms >= (since_ms or 0)]


class Messages:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Level]] = []

    async def send(self, topic: str, text: str, level: Level = Level.INFO) -> None:
        self.sent.append((topic, text, level))

    async def send_picture(self, topic: str, png: bytes, caption: str = "") -> None:
        raise AssertionError("reconciliation sends no pictures")


class SteppedClock:
    def __init__(self, now_ms: int) -> None:
        self.now = now_ms
        self.on_sleep: list[TinyExchange] = []

    def now_ms(self) -> int:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += int(seconds * 1000)
        for exchange in self.on_sleep:
            exchange.down = None


@attrs.define
class World:
    exchange: TinyExchange
    store: InMemoryStore
    messages: Messages
    clock: SteppedClock
    reconciler: Reconciler

    def levels(self) -> list[Level]:
        return [level for _, _, level in self.messages.sent]


@pytest.fixture
def world() -> World:
    exchange, store, messages, clock = TinyExchange(), InMemoryStore(), Messages(), SteppedClock(T0)
    reconciler = Reconciler(
        cast(Exchange, exchange), store, cast(Notifier, messages), cast(Clock, clock)
    )
    return World(exchange, store, messages, clock, reconciler)


def intent(status: IntentStatus, cid: str = CID, created_ms: int = T0) -> OrderIntent:
    return OrderIntent(
        cid, "balance_monitor", "BTCUSDC", Side.BUY, OrderType.LIMIT_MAKER, status, created_ms,
        quantity=Decimal("0.0001"), price=Decimal("97000"), updated_ms=created_ms,
        reason="60/40 target",
    )


def order(status: OrderStatus, cid: str = CID, symbol: str = "BTCUSDC", side: Side = Side.BUY) -> (
    Order
):
    return Order(
        symbol, "C02__1", cid, side, OrderType.LIMIT_MAKER, status, price=Decimal("97000"),
        orig_qty=Decimal("0.0001"), time_ms=T0,
    )


def fill(trade_id: str, time_ms: int = T0) -> Fill:
    return Fill(
        "BTCUSDC", trade_id, "C02__1", Side.BUY, Decimal("97000"), Decimal("0.0001"),
        Decimal("9.7"), Decimal("0"), fee_asset="USDC", is_maker=True, time_ms=time_ms,
        client_order_id=CID,
    )


@pytest.mark.parametrize(
    ("exchange_status", "intent_status"),
    [
        (OrderStatus.FILLED, IntentStatus.FILLED),
        (OrderStatus.NEW, IntentStatus.ACKNOWLEDGED),
        (OrderStatus.PARTIALLY_FILLED, IntentStatus.ACKNOWLEDGED),
        (OrderStatus.CANCELED, IntentStatus.CANCELLED),
    ],
)
async def test_an_intent_sent_before_a_crash_takes_the_status_of_its_order(
    world: World, exchange_status: OrderStatus, intent_status: IntentStatus
) -> None:
    world.store.save_intent(intent(IntentStatus.SENT))
    world.exchange.orders[CID] = order(exchange_status)
    report = await world.reconciler.reconcile(["BTCUSDC"])
    saved = world.store.intent(CID)
    assert report.ok
    assert saved is not None
    assert (saved.status, saved.order_id) == (intent_status, "C02__1")
    assert [(c.old, c.new) for c in report.changes] == [(IntentStatus.SENT, intent_status)]


async def test_an_order_not_found_right_after_creation_is_left_unknown_for_its_runner(
    world: World,
) -> None:
    world.store.save_intent(intent(IntentStatus.SENT, created_ms=T0 - 10_000))
    report = await world.reconciler.reconcile(["BTCUSDC"])
    assert report.ok
    assert report.unresolved == (CID,)
    # unknown, not sent: OrderExecutor.follow_up looks it up again while the bot runs
    assert world.store.intent(CID) == attrs.evolve(
        intent(IntentStatus.SENT, created_ms=T0 - 10_000), status=IntentStatus.UNKNOWN,
        updated_ms=T0)


@pytest.mark.parametrize("status", [IntentStatus.INTENDED, IntentStatus.SENT, IntentStatus.UNKNOWN])
async def test_an_order_still_not_found_after_the_grace_period_was_never_placed(
    world: World, status: IntentStatus
) -> None:
    world.store.save_intent(intent(status, created_ms=T0 - 60_000))
    report = await world.reconciler.reconcile(["BTCUSDC"])
    saved = world.store.intent(CID)
    assert report.ok
    assert saved is not None
    assert saved.status is IntentStatus.REJECTED
    assert "never placed" in saved.reason


async def test_an_acknowledged_order_the_exchange_forgot_is_taken_as_cancelled(
    world: World,
) -> None:
    world.store.save_intent(intent(IntentStatus.ACKNOWLEDGED, created_ms=T0 - 3_600_000))
    await world.reconciler.reconcile(["BTCUSDC"])
    saved = world.store.intent(CID)
    assert saved is not None
    assert saved.status is IntentStatus.CANCELLED


async def test_final_intents_are_not_looked_up_again(world: World) -> None:
    for status in (IntentStatus.FILLED, IntentStatus.CANCELLED, IntentStatus.REJECTED):
        world.store.save_intent(intent(status, cid=f"mx{status}"))
    report = await world.reconciler.reconcile(["BTCUSDC"])
    assert report.ok
    assert world.exchange.lookups == []
    assert world.messages.sent == []


async def test_fills_the_journal_lacks_are_imported_once(world: World) -> None:
    world.store.record_fills([fill("1")])
    world.exchange.trades = [fill("1"), fill("2", T0 + 1), fill("3", T0 + 2)]
    first = await world.reconciler.reconcile(["BTCUSDC"])
    second = await world.reconciler.reconcile(["BTCUSDC"])
    assert (first.fills_imported, second.fills_imported) == (2, 0)
    assert [f.trade_id for f in world.store.fills()] == ["1", "2", "3"]


async def test_fills_are_imported_for_the_symbols_of_pending_intents(world: World) -> None:
    world.store.save_intent(intent(IntentStatus.SENT))
    world.exchange.orders[CID] = order(OrderStatus.FILLED)
    world.exchange.trades = [fill("1")]
    report = await world.reconciler.reconcile([])
    assert report.fills_imported == 1


async def test_an_open_order_of_ours_without_an_intent_is_tracked_again(world: World) -> None:
    world.exchange.orders[CID] = order(OrderStatus.NEW)
    report = await world.reconciler.reconcile(None)
    saved = world.store.intent(CID)
    assert report.tracked == (CID,)
    assert saved is not None
    assert (saved.status, saved.runner, saved.order_id) == (
        IntentStatus.ACKNOWLEDGED, RECOVERED_RUNNER, "C02__1"
    )


async def test_an_order_given_up_as_never_placed_that_shows_up_open_is_tracked(
    world: World,
) -> None:
    world.store.save_intent(intent(IntentStatus.REJECTED))
    world.exchange.orders[CID] = order(OrderStatus.NEW)
    report = await world.reconciler.reconcile(["BTCUSDC"])
    saved = world.store.intent(CID)
    assert report.ok
    assert saved is not None
    assert saved.status is IntentStatus.ACKNOWLEDGED


async def test_an_open_order_the_bot_did_not_place_is_reported_and_left_alone(
    world: World,
) -> None:
    world.exchange.orders["web_123"] = order(OrderStatus.NEW, cid="web_123")
    report = await world.reconciler.reconcile(["BTCUSDC"])
    assert report.ok
    assert [o.client_order_id for o in report.foreign] == ["web_123"]
    assert world.store.intents() == []
    assert "left alone" in world.messages.sent[0][1]


@pytest.mark.parametrize("error", [RetryLater("503"), OutcomeUnknown("timeout")])
async def test_an_unreachable_exchange_means_no_trading_and_an_alert(
    world: World, error: Exception
) -> None:
    world.store.save_intent(intent(IntentStatus.SENT))
    world.exchange.down = error
    report = await world.reconciler.reconcile(["BTCUSDC"])
    assert not report.ok
    assert "exchange unavailable" in report.reason
    assert world.levels() == [Level.ALERT]
    assert world.store.intent(CID) == intent(IntentStatus.SENT)


async def test_a_filled_intent_whose_order_is_open_is_a_contradiction(world: World) -> None:
    world.store.save_intent(intent(IntentStatus.FILLED))
    world.exchange.orders[CID] = order(OrderStatus.NEW)
    report = await world.reconciler.reconcile(["BTCUSDC"])
    assert not report.ok
    assert "open on the exchange" in report.reason
    assert world.levels() == [Level.ALERT]


async def test_an_order_on_another_symbol_under_our_id_is_a_contradiction(world: World) -> None:
    world.store.save_intent(intent(IntentStatus.SENT))
    world.exchange.orders[CID] = order(OrderStatus.FILLED, symbol="ETHUSDC", side=Side.SELL)
    report = await world.reconciler.reconcile(["BTCUSDC"])
    saved = world.store.intent(CID)
    assert not report.ok
    assert "ETHUSDC" in report.reason
    assert saved is not None
    assert saved.status is IntentStatus.SENT


async def test_the_same_failure_alerts_once_and_recovery_is_told(world: World) -> None:
    world.exchange.down = RetryLater("503")
    await world.reconciler.reconcile(["BTCUSDC"])
    await world.reconciler.reconcile(["BTCUSDC"])
    world.exchange.down = None
    world.exchange.trades = [fill("1")]
    await world.reconciler.reconcile(["BTCUSDC"])
    assert world.levels() == [Level.ALERT, Level.INFO]


async def test_reconcile_until_ok_retries_after_a_pause(world: World) -> None:
    world.store.save_intent(intent(IntentStatus.SENT))
    world.exchange.orders[CID] = order(OrderStatus.FILLED)
    world.exchange.down = RetryLater("503")
    world.clock.on_sleep.append(world.exchange)
    report = await world.reconciler.reconcile_until_ok(["BTCUSDC"], retry_s=30)
    assert report.ok
    assert world.clock.now == T0 + 30_000
    assert world.levels() == [Level.ALERT, Level.INFO]


async def test_reconcile_until_ok_gives_up_after_its_attempts(world: World) -> None:
    world.exchange.down = RetryLater("503")
    report = await world.reconciler.reconcile_until_ok(["BTCUSDC"], retry_s=30, attempts=3)
    assert not report.ok
    assert world.clock.now == T0 + 60_000
