"""FundsLedger (SPEC §1.10, §4): runners spending one currency cannot race past a reserve."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import attrs
from tests.unit.services.support import (
    World,
    broken_reserves,
    flat_closes,
    order_value,
    world,
)

from adapters.fake import Faults
from mexcore.policies import AntiHypePolicy, BalanceMonitorPolicy, Balancer5050Policy
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.services.balancer_5050 import Balancer5050
from mexcore.services.deps import ServiceDeps
from mexcore.services.funds import FundsLedger

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT", "ADAUSDC", "DOTUSDC", "LINKUSDC", "AVAXUSDC")


async def test_one_asset_is_spent_by_one_runner_at_a_time() -> None:
    ledger = FundsLedger()
    events: list[str] = []

    async def spend(runner: str) -> None:
        async with ledger.spending(runner, "USDC"):
            events.append(f"{runner} in ({ledger.holders['USDC']})")
            await asyncio.sleep(0)
            events.append(f"{runner} out")

    await asyncio.gather(spend("a"), spend("b"))

    assert events == ["a in (a)", "a out", "b in (b)", "b out"]
    assert ledger.holders == {}


async def test_runners_locking_the_same_assets_in_any_order_do_not_deadlock() -> None:
    ledger = FundsLedger()
    done: list[str] = []

    async def spend(runner: str, *assets: str) -> None:
        async with ledger.spending(runner, *assets):
            await asyncio.sleep(0)
            done.append(runner)

    await asyncio.wait_for(asyncio.gather(
        spend("a", "USDC", "USDT"), spend("b", "USDT", "USDC"), spend("c", "USDT")), 10)

    assert sorted(done) == ["a", "b", "c"]


async def test_different_assets_are_spent_concurrently() -> None:
    ledger = FundsLedger()
    inside: list[set[str]] = []

    async def spend(runner: str, asset: str) -> None:
        async with ledger.spending(runner, asset):
            await asyncio.sleep(0)
            inside.append(set(ledger.holders))

    await asyncio.gather(spend("a", "USDC"), spend("b", "USDT"))

    assert {"USDC", "USDT"} in inside


class NoLedger(FundsLedger):
    """A ledger that locks nothing: what the reserves would face without one."""

    @asynccontextmanager
    async def spending(self, runner: str, *assets: str) -> AsyncIterator[None]:
        yield


def _racing_world(usdc: str, ledger: FundsLedger) -> World:
    w = world(flat_closes(SYMBOLS), {"USDC": usdc, "ADA": "1000"})
    for symbol in SYMBOLS:  # no fee held on top of a limit order: each leg checks exactly
        w.exchange.rules[symbol] = attrs.evolve(w.exchange.rules[symbol], taker_fee=D(0))
    w.deps = ServiceDeps(w.exchange, w.store, w.notifier, w.clock, w.deps.executor, ledger)
    w.exchange.faults = Faults(latency_s=0.001)  # every call yields: the two ticks interleave
    return w


async def _race(w: World) -> None:
    monitor = BalanceMonitor(w.deps, BalanceMonitorPolicy(), AntiHypePolicy())
    balancer = Balancer5050(w.deps, Balancer5050Policy())
    await asyncio.gather(monitor.tick(), balancer.tick(), return_exceptions=True)


async def test_two_runners_spending_usdc_at_once_keep_their_reserves() -> None:
    w = _racing_world("60", FundsLedger())

    await _race(w)

    assert {s.runner for s in w.exchange.sent} >= {"balance_monitor"}
    assert broken_reserves(w.exchange.sent) == []
    assert all(order_value(i) > 0 for i in w.intents())


async def test_without_the_ledger_the_same_race_breaks_a_reserve() -> None:
    w = _racing_world("60", NoLedger())

    await _race(w)

    assert broken_reserves(w.exchange.sent) != []
