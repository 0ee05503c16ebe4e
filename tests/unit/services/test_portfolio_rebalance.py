"""The hourly portfolio rebalance (SPEC §1.3): restore 60/40, blocked on negative PnL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.unit.services.support import World, buy_fill, flat_closes, world

from mexcore.policies import BalanceMonitorPolicy, PortfolioRebalancePolicy
from mexcore.ports import Level
from mexcore.services.portfolio_rebalance import PortfolioRebalancer
from mexcore.values import IntentStatus, OrderType, Side

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT")


def _world(btc_cost: str, usdc: str = "0") -> World:
    """Hold BTC 84 / ETH 16 (of 100) with the fills that bought them; ETH cost 15.20."""
    w = world(flat_closes(SYMBOLS), {"BTC": "0.0028", "ETH": "0.008",
                                     **({"USDC": usdc} if D(usdc) else {})})
    w.store.record_fills([buy_fill("BTCUSDC", "0.0028", btc_cost),
                          buy_fill("ETHUSDC", "0.008", "1900", trade_id="2")])
    return w


def _rebalancer(w: World, allow_negative_pnl: bool = False) -> PortfolioRebalancer:
    policy = PortfolioRebalancePolicy(allow_negative_pnl=allow_negative_pnl)
    return PortfolioRebalancer(w.deps, policy, BalanceMonitorPolicy())


async def test_rebalance_sells_the_overweight_and_buys_the_underweight() -> None:
    w = _world("29000", usdc="50")

    placed = await _rebalancer(w).tick()

    sell, buy = sorted(w.intents("portfolio_rebalance"), key=lambda i: i.side != Side.SELL)
    assert placed == 2
    assert (sell.symbol, sell.side, sell.type, sell.quantity) == (
        "BTCUSDC", Side.SELL, OrderType.MARKET, D("0.0008"))  # 84 − 60 = 24 of BTC
    assert (buy.symbol, buy.side, buy.quote_qty) == ("ETHUSDC", Side.BUY, D(24))
    assert "SELL BTCUSDC 24.00, BUY ETHUSDC 24.00" in w.texts("rebalance.done")[0]


async def test_rebalance_buys_with_what_the_sale_brought_in_when_usdc_is_short() -> None:
    w = _world("29000")  # no spare USDC: the sale's spread and fee leave under 24

    placed = await _rebalancer(w).tick()

    assert placed == 2
    assert all(i.status is IntentStatus.FILLED for i in w.intents())
    assert w.free("USDC") < D("0.05")  # one ETH step (0.00001 × 2000) and the fee


@pytest.mark.parametrize("btc_cost", ["31000", "30286.43"])  # total PnL −2.00 / −0.002
async def test_rebalance_is_blocked_and_notified_while_total_pnl_is_negative(
    btc_cost: str
) -> None:
    w = _world(btc_cost, usdc="50")

    await _rebalancer(w).tick()

    assert w.intents() == []
    [notice] = [m for m in w.notifier.messages if m.topic == "rebalance.blocked"]
    assert notice.level is Level.ALERT
    assert "negative" in notice.text


async def test_rebalance_runs_on_negative_pnl_when_allowed() -> None:
    w = _world("31000", usdc="50")

    await _rebalancer(w, allow_negative_pnl=True).tick()

    assert {i.symbol for i in w.intents()} == {"BTCUSDC", "ETHUSDC"}
    assert w.texts("rebalance.blocked") == []


async def test_rebalance_does_nothing_at_the_targets() -> None:
    w = world(flat_closes(SYMBOLS), {"BTC": "0.002", "ETH": "0.02", "USDC": "10"})  # 60 / 40

    assert await _rebalancer(w).tick() == 0
    assert w.intents() == []


async def test_a_block_that_did_not_change_is_notified_once() -> None:
    w = _world("31000", usdc="50")
    rebalancer = _rebalancer(w)

    first = await rebalancer.tick()
    second = await _rebalancer(w).tick()  # a restart remembers: the state is in the Store

    assert (first, second) == (1, 0)
    assert len(w.texts("rebalance.blocked")) == 1


async def test_a_block_is_notified_again_after_the_rebalance_was_allowed() -> None:
    w = _world("31000", usdc="50")
    await _rebalancer(w).tick()

    await _rebalancer(w, allow_negative_pnl=True).tick()  # not blocked: the state is cleared
    await _rebalancer(w).tick()

    assert len(w.texts("rebalance.blocked")) == 2


async def test_the_end_of_a_block_is_notified_once() -> None:
    w = _world("31000", usdc="50")
    await _rebalancer(w).tick()

    allowed = _rebalancer(w, allow_negative_pnl=True)
    await allowed.tick()
    await allowed.tick()

    assert len(w.texts("rebalance.unblocked")) == 1
