"""Unknown outcomes are resolved while running (issue 13, item 5): look up, back off, decide."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import attrs
import pytest
from tests.unit.services.support import NOW, AuditedExchange, World, flat_closes, world

from adapters.fake import Faults
from mexcore.client_ids import client_order_id
from mexcore.errors import OrderUnresolved, OutcomeUnknown, RetryLater
from mexcore.policies import AntiHypePolicy, BalanceMonitorPolicy
from mexcore.quiet import Quiet
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.services.pending import PendingOrders
from mexcore.services.reconcile import Reconciler
from mexcore.values import IntentStatus, Order, OrderIntent, OrderRequest, OrderType, Side
from runners.loop import RunnerLoop

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT")


class AnswerFails(AuditedExchange):
    """Places the order, then fails the answer with `error` (a 5xx, a cancelled task)."""

    error: BaseException | None = None

    async def place_order(self, request: OrderRequest) -> Order:
        order = await super().place_order(request)
        error, self.error = self.error, None
        if error is not None:
            raise error
        return order


def _world(usdc: str = "1000") -> World:
    return world(flat_closes(SYMBOLS), {"USDC": usdc}, exchange_class=AnswerFails)


def _fail_answer(w: World, error: BaseException) -> None:
    assert isinstance(w.exchange, AnswerFails)
    w.exchange.error = error


def _buy(symbol: str = "BTCUSDC", quote: str = "20", purpose: str = "a") -> OrderRequest:
    cid = client_order_id("tester", symbol, NOW, side=Side.BUY, purpose=purpose)
    return OrderRequest(symbol, Side.BUY, OrderType.MARKET, cid, quote_qty=D(quote))


def _only(w: World, runner: str = "tester") -> OrderIntent:
    [intent] = w.intents(runner)
    return intent


@pytest.mark.parametrize(
    "error", [RetryLater("502 Bad Gateway"), asyncio.CancelledError(), ValueError("bad JSON")])
async def test_any_failure_after_the_request_left_leaves_the_intent_unknown(
    error: BaseException,
) -> None:
    w = _world()
    _fail_answer(w, error)

    with pytest.raises(type(error)):
        await w.deps.executor.submit("tester", _buy(), "test")

    assert _only(w).status is IntentStatus.UNKNOWN  # not SENT-and-forgotten


async def test_a_failure_before_the_request_left_is_looked_up_then_taken_as_never_placed() -> None:
    w = _world()
    w.exchange.faults = Faults(fail_next=1)  # a 503 before the order reaches the engine
    with pytest.raises(RetryLater):
        await w.deps.executor.submit("tester", _buy(), "test")
    pending = PendingOrders(w.store)

    seen = []
    for seconds in (1, 3, 10, 50, 61, 70):
        w.at(seconds)
        await w.deps.executor.follow_up("tester")
        seen.append((seconds, _only(w).status, pending.lookups(_only(w)).missing))

    unknown = IntentStatus.UNKNOWN
    assert seen == [
        (1, unknown, 1),  # not found; next look-up 5 s later
        (3, unknown, 1),  # backing off
        (10, unknown, 2),  # not found; next 10 s later
        (50, unknown, 3),  # three misses, but under a minute since it was sent; next at 70 s
        (61, unknown, 3),  # backing off
        (70, IntentStatus.REJECTED, 0),  # four misses over a minute: never placed (forgotten)
    ]
    assert "never placed" in _only(w).reason


async def test_a_failed_look_up_keeps_the_intent_unknown_and_backs_off() -> None:
    w = _world()
    _fail_answer(w, RetryLater("timeout"))
    with pytest.raises(RetryLater):
        await w.deps.executor.submit("tester", _buy(), "test")
    w.exchange.faults = Faults(fail_next=1)

    w.at(1)
    left = await w.deps.executor.follow_up("tester")
    pending = PendingOrders(w.store).lookups(_only(w))
    w.at(3)  # before the 5 s backoff is over: no look-up
    await w.deps.executor.follow_up("tester")
    still = _only(w).status
    w.at(6)
    await w.deps.executor.follow_up("tester")

    assert left == 1
    assert (pending.count, pending.missing, pending.next_ms) == (1, 0, NOW + 6_000)
    assert still is IntentStatus.UNKNOWN
    assert _only(w).status is IntentStatus.FILLED  # found at last, as the exchange has it
    assert w.store.fills("BTCUSDC")  # and its fills journaled


async def test_no_second_order_on_a_symbol_while_one_there_is_unresolved() -> None:
    w = _world()
    _fail_answer(w, RetryLater("timeout"))
    with pytest.raises(RetryLater):
        await w.deps.executor.submit("tester", _buy(purpose="first"), "first")
    w.exchange.faults = Faults(fail_next=1)  # the look-up at the next submit fails too

    with pytest.raises(OrderUnresolved, match="BTCUSDC"):
        await w.deps.executor.submit("tester", _buy(purpose="second"), "second")
    await w.deps.executor.submit("tester", _buy("ETHUSDC"), "another symbol")
    await w.deps.executor.submit("other", _buy(purpose="other"), "another runner")

    assert [s.request.symbol for s in w.exchange.sent] == ["BTCUSDC", "ETHUSDC", "BTCUSDC"]
    assert [s.runner for s in w.exchange.sent] == ["tester", "tester", "other"]


async def test_a_submit_resolves_the_unknown_order_first_then_places_the_new_one() -> None:
    w = _world()
    _fail_answer(w, RetryLater("timeout"))
    with pytest.raises(RetryLater):
        await w.deps.executor.submit("tester", _buy(purpose="first"), "first")

    await w.deps.executor.submit("tester", _buy(purpose="second"), "second")

    assert [i.status for i in w.intents("tester")] == [IntentStatus.FILLED] * 2


def _monitor_loop(w: World) -> RunnerLoop:
    monitor = BalanceMonitor(w.deps, BalanceMonitorPolicy(), AntiHypePolicy())
    return RunnerLoop(monitor, 10, w.clock, w.notifier, follow_up=w.deps.executor.follow_up)


async def test_a_lost_maker_order_is_found_at_the_next_tick_and_joins_the_cancel_cycle() -> None:
    w = _world(usdc="52")
    loop = _monitor_loop(w)
    w.exchange.faults = Faults(lose_next_answers=1)  # the BTC maker order's answer is lost

    first = await loop.tick_once()
    lost = w.intents("balance_monitor")
    w.at(10)
    await loop.tick_once()
    found = w.intents("balance_monitor")
    w.at(130)  # unfilled on a flat market for over 120 s: cancelled, as any maker order
    await loop.tick_once()

    assert first.error is not None
    assert first.error.startswith(OutcomeUnknown.__name__)
    assert [i.status for i in lost] == [IntentStatus.UNKNOWN]
    btc = [i for i in found if i.symbol == "BTCUSDC"]
    assert [i.status for i in btc] == [IntentStatus.ACKNOWLEDGED]  # one order, not two
    after = [i for i in w.intents("balance_monitor") if i.symbol == "BTCUSDC"]
    assert after[0].status is IntentStatus.CANCELLED


class QuietService:
    name = "quiet"
    quiet: Quiet | None = None

    async def tick(self) -> int:
        self.quiet = Quiet(until_ms=NOW + 3_600_000)
        return 0


async def test_a_runner_with_an_unresolved_order_makes_no_quiet_promise() -> None:
    w = _world()
    unresolved = {"quiet": 1}

    async def follow_up(runner: str) -> int:
        return unresolved[runner]

    loop = RunnerLoop(QuietService(), 10, w.clock, w.notifier, follow_up=follow_up)
    waiting = await loop.tick_once()
    unresolved["quiet"] = 0
    resolved = await loop.tick_once()

    assert waiting.quiet is None
    assert resolved.quiet == Quiet(until_ms=NOW + 3_600_000)


async def test_an_intent_reconciliation_left_unresolved_is_followed_while_running() -> None:
    w = _world()
    w.exchange.faults = Faults(fail_next=1)  # the 503 comes before the order is placed
    with pytest.raises(RetryLater):
        await w.deps.executor.submit("tester", _buy(), "test")
    w.store.save_intent(_with_status(_only(w), IntentStatus.SENT))  # as a crash leaves it
    reconciler = Reconciler(w.exchange, w.store, w.notifier, w.clock)

    report = await reconciler.reconcile()
    for seconds in (40, 60, 100, 200):
        w.at(seconds)
        await w.deps.executor.follow_up("tester")

    assert report.unresolved == (_only(w).client_order_id,)
    assert _only(w).status is IntentStatus.REJECTED


def _with_status(intent: OrderIntent, status: IntentStatus) -> OrderIntent:
    return attrs.evolve(intent, status=status)
