"""Fills are journaled by whoever sees them (issue 13, item 10), PnL monitor or not."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from tests.unit.services.support import NOW_MINUTE, flat, flat_closes, world

from mexcore.policies import AntiHypePolicy, BalanceMonitorPolicy
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.values import IntentStatus

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT")


def _dips_after_now(price: float) -> np.ndarray:
    closes = flat(price)
    closes[NOW_MINUTE + 1:] = price * 0.999  # a minute later, trades go through a resting bid
    return closes


async def test_a_maker_fill_reaches_the_journal_without_the_pnl_monitor() -> None:
    closes = {**flat_closes(SYMBOLS), "BTCUSDC": _dips_after_now(30000.0),
              "ETHUSDC": _dips_after_now(2000.0)}
    w = world(closes, {"USDC": "52"})
    monitor = BalanceMonitor(w.deps, BalanceMonitorPolicy(), AntiHypePolicy())  # alone
    await monitor.tick()
    resting = [i.status for i in w.intents()]

    w.at(150)  # the dip minute has passed: both bids filled; the monitor looks after them
    await monitor.tick()

    assert resting == [IntentStatus.ACKNOWLEDGED] * 2
    assert [i.status for i in w.intents()] == [IntentStatus.FILLED] * 2
    journaled = {f.symbol: f for f in w.store.fills()}
    assert sorted(journaled) == ["BTCUSDC", "ETHUSDC"]
    assert all(f.is_maker for f in journaled.values())
    [btc] = [i for i in w.intents() if i.symbol == "BTCUSDC"]
    assert journaled["BTCUSDC"].qty == btc.quantity


async def test_an_order_refreshed_after_it_filled_has_its_fills_journaled() -> None:
    closes = {**flat_closes(SYMBOLS), "BTCUSDC": _dips_after_now(30000.0)}
    w = world(closes, {"USDC": "52"})
    monitor = BalanceMonitor(w.deps, BalanceMonitorPolicy(), AntiHypePolicy())
    await monitor.tick()
    [btc, *_] = [i for i in w.intents() if i.symbol == "BTCUSDC"]

    w.at(150)
    order = await w.deps.executor.refresh("BTCUSDC", btc.client_order_id)

    assert order.executed_qty > 0
    assert sum((f.qty for f in w.store.fills("BTCUSDC")), D(0)) == order.executed_qty
