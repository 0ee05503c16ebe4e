"""OrderExecutor (SPEC §1.8, §4) and the pause (SPEC §1.10): journal first, never twice."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from tests.unit.services.support import NOW, AuditedExchange, World, flat_closes, world

from adapters.fake import Faults
from mexcore.client_ids import client_order_id
from mexcore.errors import OrderRejected, OutcomeUnknown, TradingPaused
from mexcore.policies import AntiHypePolicy, BalanceMonitorPolicy, Balancer5050Policy
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.services.balancer_5050 import Balancer5050
from mexcore.services.execution import OrderExecutor
from mexcore.state import PauseFlags
from mexcore.values import IntentStatus, Order, OrderRequest, OrderType, Side

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT", "ADAUSDC", "DOTUSDC", "LINKUSDC", "AVAXUSDC")
CID = client_order_id("tester", "BTCUSDC", NOW, side=Side.BUY, purpose="test")


def _world() -> World:
    return world(flat_closes(SYMBOLS), {"USDC": "1000", "ADA": "1000"})


def _buy(cid: str = CID, quote: str = "20") -> OrderRequest:
    return OrderRequest("BTCUSDC", Side.BUY, OrderType.MARKET, cid, quote_qty=D(quote))


async def test_the_intent_is_journaled_before_the_request_leaves() -> None:
    w = _world()

    await w.deps.executor.submit("tester", _buy(), "test")

    [sent] = w.exchange.sent
    assert sent.runner == "tester"  # the exchange could read the intent while placing
    intent = w.store.intent(CID)
    assert intent is not None
    assert (intent.status, intent.reason, intent.created_ms) == (IntentStatus.FILLED, "test", NOW)


async def test_the_same_client_order_id_is_never_sent_twice() -> None:
    w = _world()
    first = await w.deps.executor.submit("tester", _buy(), "test")

    again = await w.deps.executor.submit("tester", _buy(), "retry")
    restarted = OrderExecutor(w.exchange, w.store, w.clock, lambda runner: False)
    after_restart = await restarted.submit("tester", _buy(), "after a restart")

    assert len(w.exchange.sent) == 1
    assert w.deps.executor.sent == 1
    assert restarted.sent == 0
    assert again.order_id == after_restart.order_id == first.order_id


async def test_a_lost_answer_leaves_the_intent_unknown_and_a_retry_finds_the_order() -> None:
    w = _world()
    w.exchange.faults = Faults(lose_next_answers=1)

    with pytest.raises(OutcomeUnknown):
        await w.deps.executor.submit("tester", _buy(), "test")
    unknown = w.store.intent(CID)
    found = await w.deps.executor.submit("tester", _buy(), "retry")

    assert unknown is not None
    assert unknown.status is IntentStatus.UNKNOWN
    assert len(w.exchange.sent) == 1
    assert found.client_order_id == CID
    intent = w.store.intent(CID)
    assert intent is not None
    assert intent.status is IntentStatus.FILLED


async def test_a_rejected_order_is_journaled_as_rejected_with_the_reason() -> None:
    w = _world()

    with pytest.raises(OrderRejected):
        await w.deps.executor.submit("tester", _buy(quote="2"), "too small")

    intent = w.store.intent(CID)
    assert intent is not None
    assert intent.status is IntentStatus.REJECTED
    assert "minimum" in intent.reason


async def test_nothing_is_journaled_or_sent_while_paused() -> None:
    w = _world()
    PauseFlags(w.store).pause()

    with pytest.raises(TradingPaused):
        await w.deps.executor.submit("tester", _buy(), "test")

    assert w.store.intents() == []
    assert w.exchange.sent == []


def _services(w: World) -> tuple[BalanceMonitor, Balancer5050]:
    return (BalanceMonitor(w.deps, BalanceMonitorPolicy(), AntiHypePolicy()),
            Balancer5050(w.deps, Balancer5050Policy()))


async def test_a_global_pause_stops_every_runner() -> None:
    w = _world()
    PauseFlags(w.store).pause()

    for service in _services(w):
        with pytest.raises(TradingPaused):
            await service.tick()

    assert w.exchange.sent == []


async def test_a_runner_pause_stops_only_that_runner_until_resumed() -> None:
    w = _world()
    flags = PauseFlags(w.store)
    flags.pause("balance_monitor")
    monitor, balancer = _services(w)

    with pytest.raises(TradingPaused):
        await monitor.tick()
    await balancer.tick()
    flags.resume("balance_monitor")
    w.at(60)
    await monitor.tick()

    runners = [s.runner for s in w.exchange.sent]
    assert runners[0] == "balancer_5050"
    assert "balance_monitor" in runners
    assert not any(s.paused for s in w.exchange.sent)


async def test_resuming_one_runner_under_a_global_pause_keeps_it_paused() -> None:
    w = _world()
    flags = PauseFlags(w.store)
    flags.pause()
    flags.resume("balancer_5050")
    _, balancer = _services(w)

    with pytest.raises(TradingPaused):
        await balancer.tick()

    assert w.exchange.sent == []


class _StreamFillsBeforeTheAnswer(AuditedExchange):
    """The user stream journals the order FILLED while the REST answer (NEW) is on its way."""

    async def place_order(self, request: OrderRequest) -> Order:
        order = await super().place_order(request)
        intent = self.store.intent(request.client_order_id) if self.store else None
        assert intent is not None
        self.store.save_intent(attrs.evolve(intent, status=IntentStatus.FILLED))
        return attrs.evolve(order, status="NEW")


async def test_a_slower_answer_never_reopens_an_order_the_stream_saw_filled() -> None:
    w = world(flat_closes(SYMBOLS), {"USDC": "1000"}, exchange_class=_StreamFillsBeforeTheAnswer)

    await w.deps.executor.submit("tester", _buy(), "test")

    intent = w.store.intent(CID)
    assert intent is not None
    assert intent.status is IntentStatus.FILLED
    assert intent.order_id  # the answer's order id is still recorded
