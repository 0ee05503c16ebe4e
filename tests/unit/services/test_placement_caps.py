"""Prices that move between plan and placement (issue 13, item 3): caps and reserves hold."""

from __future__ import annotations

from decimal import Decimal

import attrs
import numpy as np
import pytest
from tests.unit.services.hostile import CancelsPostOnly, MovesBeforeCall, World, hostile_world
from tests.unit.services.support import (
    NOW_MINUTE,
    PRICES,
    broken_reserves,
    buy_fill,
    buys,
    flat,
    flat_closes,
    order_value,
)

from mexcore.policies import (
    AntiHypePolicy,
    BalanceMonitorPolicy,
    Balancer5050Policy,
    PortfolioRebalancePolicy,
)
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.services.balancer_5050 import Balancer5050
from mexcore.services.portfolio_rebalance import PortfolioRebalancer
from mexcore.state import Cursors

D = Decimal
MAJORS = ("BTCUSDC", "ETHUSDC", "USDCUSDT")
ALTS = ("ADAUSDC", "DOTUSDC", "LINKUSDC", "AVAXUSDC")


class MovesAndCancels(MovesBeforeCall, CancelsPostOnly):
    """The price moves before one call, and the exchange cancels the first post-only orders."""


def _jumps(symbol: str, by: float) -> np.ndarray:
    closes = flat(PRICES[symbol])
    closes[NOW_MINUTE:] = PRICES[symbol] * (1 + by)  # seen from NOW + 60 s on
    return closes


def _closes(symbols: tuple[str, ...], by: float) -> dict[str, np.ndarray]:
    return {**flat_closes(symbols), **{s: _jumps(s, by) for s in symbols if s != "USDCUSDT"}}


def _planned(w: World) -> dict[str, Decimal]:
    plan = Cursors(w.store, "balance_monitor").get("last_plan")
    assert isinstance(plan, list)
    return {str(b["symbol"]): D(str(b["amount"])) for b in plan if isinstance(b, dict)}


def _monitor(w: World, **changes: object) -> BalanceMonitor:
    return BalanceMonitor(w.deps, attrs.evolve(BalanceMonitorPolicy(), **changes),
                          AntiHypePolicy())


async def test_a_maker_buy_stays_within_its_planned_amount_when_the_book_moves_up() -> None:
    w = hostile_world(MovesBeforeCall, _closes(MAJORS, 0.03), {"USDC": "52"}, nth=3)

    await _monitor(w).tick()

    planned, placed = _planned(w), buys(w.intents("balance_monitor"))
    assert {i.symbol for i in placed} == {"BTCUSDC", "ETHUSDC"}
    assert all(order_value(i) <= planned[i.symbol] for i in placed)
    assert broken_reserves(w.exchange.sent) == []


async def test_a_later_attempt_after_the_book_moved_stays_within_the_planned_amount() -> None:
    w = hostile_world(MovesAndCancels, _closes(MAJORS, 0.004), {"USDC": "30"}, nth=3, count=1)

    await _monitor(w, targets={"BTCUSDC": D(1)}).tick()

    first, second = buys(w.intents("balance_monitor"))
    assert second.price is not None
    assert first.price is not None
    assert second.price > first.price
    assert order_value(second) <= _planned(w)["BTCUSDC"]
    assert broken_reserves(w.exchange.sent) == []


async def test_a_usdc_top_up_spends_no_more_usdt_than_planned_when_the_price_moves() -> None:
    closes = {**flat_closes(MAJORS), "USDCUSDT": _jumps("USDCUSDT", 0.004)}
    w = hostile_world(MovesBeforeCall, closes, {"USDT": "100"}, method="place_order", nth=1)

    await _monitor(w).tick()

    top_up = buys(w.intents("balance_monitor"), "USDCUSDT")[0]
    assert top_up.quote_qty == D(13)
    assert w.free("USDT") >= D(87)


@pytest.mark.parametrize("usdc", ["35", "60", "119.5"])
async def test_the_5050_reserve_holds_when_prices_move_before_its_market_buys(usdc: str) -> None:
    closes = _closes((*MAJORS, *ALTS), 0.02)
    w = hostile_world(MovesBeforeCall, closes, {"USDC": usdc, "ADA": "1000"},
                      method="place_order", nth=1)

    await Balancer5050(w.deps, Balancer5050Policy()).tick()

    assert w.intents("balancer_5050")
    assert broken_reserves(w.exchange.sent) == []
    assert w.free("USDC") >= D(20)


async def test_a_rebalance_buy_spends_no_more_than_its_leg_when_prices_move() -> None:
    w = hostile_world(MovesBeforeCall, _closes(MAJORS, 0.01),
                      {"BTC": "0.0028", "ETH": "0.008", "USDC": "50"},
                      method="place_order", nth=1)
    w.store.record_fills([buy_fill("BTCUSDC", "0.0028", "29000"),
                          buy_fill("ETHUSDC", "0.008", "1900", trade_id="2")])

    await PortfolioRebalancer(w.deps, PortfolioRebalancePolicy(), BalanceMonitorPolicy()).tick()

    [buy] = buys(w.intents("portfolio_rebalance"))
    assert buy.quote_qty is not None
    assert buy.quote_qty <= D(24)
    assert w.free("USDC") >= D(50) - D(24)
