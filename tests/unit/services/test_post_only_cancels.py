"""Post-only orders the exchange ends unfilled (issue 13, item 4): not a purchase; re-priced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.unit.services.hostile import CancelsPostOnly, EmptyMarketOrders, World, hostile_world
from tests.unit.services.support import buys, flat_closes

from mexcore.policies import AntiHypePolicy, BalanceMonitorPolicy, Balancer5050Policy
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.services.balancer_5050 import Balancer5050
from mexcore.values import IntentStatus, OrderIntent, OrderStatus

D = Decimal
MAJORS = ("BTCUSDC", "ETHUSDC", "USDCUSDT")
ALTS = ("ADAUSDC", "DOTUSDC", "LINKUSDC", "AVAXUSDC")
ENDED = [OrderStatus.CANCELED, OrderStatus.EXPIRED]


def _world(**settings: object) -> World:
    return hostile_world(CancelsPostOnly, flat_closes(MAJORS), {"USDC": "52"}, **settings)


def _btc_chain(w: World) -> list[OrderIntent]:
    """Return the BTCUSDC buys in the order they were sent."""
    return sorted(buys(w.intents(), "BTCUSDC"), key=lambda i: int(str(i.order_id)[5:]))


def _monitor(w: World) -> BalanceMonitor:
    return BalanceMonitor(w.deps, BalanceMonitorPolicy(), AntiHypePolicy())


@pytest.mark.parametrize("status", ENDED)
async def test_a_post_only_order_ended_in_the_ack_is_re_priced_by_the_next_attempt(
    status: OrderStatus,
) -> None:
    w = _world(count=1, status=status)

    placed = await _monitor(w).tick()

    first, second = _btc_chain(w)
    assert placed == 2
    assert first.status is IntentStatus.CANCELLED
    assert second.status is IntentStatus.ACKNOWLEDGED
    assert "BTCUSDC: 0.001 @ 29998.51 LIMIT_MAKER (maker, attempt 2), NEW" in w.texts(
        "balance.buy")[0]


@pytest.mark.parametrize("status", ENDED)
async def test_a_buy_whose_every_attempt_the_exchange_ended_is_not_reported_as_bought(
    status: OrderStatus,
) -> None:
    w = _world(count=3, status=status)

    placed = await _monitor(w).tick()

    [report] = w.texts("balance.buy")
    assert placed == 1  # ETH only
    assert len(_btc_chain(w)) == 3
    assert all(i.status is IntentStatus.CANCELLED for i in _btc_chain(w))
    assert "BTCUSDC: not bought after 3 attempt(s)" in report
    assert "BTCUSDC: 0.001 @" not in report


async def test_a_resting_post_only_order_the_exchange_expires_is_re_priced_at_next_look() -> None:
    w = _world(count=1, status=OrderStatus.EXPIRED, in_ack=False)
    monitor = _monitor(w)
    await monitor.tick()

    w.at(10)
    await monitor.tick()

    first, second = _btc_chain(w)
    assert first.status is IntentStatus.CANCELLED
    assert second.status is IntentStatus.ACKNOWLEDGED
    assert second.reason.startswith("requote (attempt 2/3)")


async def test_an_order_that_ended_after_every_attempt_is_not_re_placed_again() -> None:
    w = _world(count=1, status=OrderStatus.EXPIRED, in_ack=False)
    monitor = _monitor(w)
    await monitor.tick()
    w.exchange.count = 10  # type: ignore[attr-defined]  # every later post-only ends in its ack

    for second in (10, 20, 30):
        w.at(second)
        await monitor.tick()

    assert len(_btc_chain(w)) == 3  # order_attempts over the whole chain


async def test_5050_market_buys_that_expire_unfilled_are_not_reported_as_bought() -> None:
    w = hostile_world(EmptyMarketOrders, flat_closes((*MAJORS, *ALTS)),
                      {"USDC": "1000", "ADA": "1000"}, count=1, status=OrderStatus.EXPIRED)

    bought = await Balancer5050(w.deps, Balancer5050Policy()).tick()

    [report] = w.texts("balancer.5050")
    assert bought == 1
    assert "ETHUSDC 40" in report
    assert "BTCUSDC 60" not in report
    assert "not bought: BTCUSDC" in report
