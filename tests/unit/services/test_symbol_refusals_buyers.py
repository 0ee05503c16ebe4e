"""One symbol's refusal never stops another's buy (issue 13, item 7): the buying services.

The balance monitor, the 50/50 balancer and the portfolio rebalance warn once (per symbol and
reason) about a refused or skipped symbol, go on with the next one, and count or report only
the orders that went through.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest
from tests.unit.services.refusing import REFUSALS, refusing, refusing_world
from tests.unit.services.support import World, buy_fill, flat_closes

from mexcore.errors import MexbotError, OrderRejected
from mexcore.policies import (
    AntiHypePolicy,
    BalanceMonitorPolicy,
    Balancer5050Policy,
    PortfolioRebalancePolicy,
)
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.services.balancer_5050 import Balancer5050
from mexcore.services.portfolio_rebalance import PortfolioRebalancer
from mexcore.values import Side, TradeSide

D = Decimal
CORE = ("BTCUSDC", "ETHUSDC", "USDCUSDT")
ALTS_5050 = ("ADAUSDC", "DOTUSDC", "LINKUSDC", "AVAXUSDC")
SIDE_NOT_ALLOWED = OrderRejected("The current transaction direction is not allowed", 30001)


def _world(balances: Mapping[str, str], trade_sides: Mapping[str, TradeSide] | None = None,
           symbols: tuple[str, ...] = CORE) -> World:
    return refusing_world(flat_closes(symbols), balances, trade_sides)


def _monitor(w: World) -> BalanceMonitor:
    return BalanceMonitor(w.deps, BalanceMonitorPolicy(), AntiHypePolicy())


def _intents(w: World, runner: str, symbol: str) -> list[str]:
    return [i.client_order_id for i in w.intents(runner) if i.symbol == symbol]


def _sent(w: World, side: Side = Side.BUY) -> list[str]:
    return [o.request.symbol for o in w.exchange.sent if o.request.side is side]


@pytest.mark.parametrize("refusal", [*REFUSALS, SIDE_NOT_ALLOWED], ids=repr)
async def test_a_refused_btc_maker_buy_does_not_stop_the_eth_buy_and_warns_once(
    refusal: MexbotError
) -> None:
    w = _world({"USDC": "52"})
    refusing(w).refuse("BTCUSDC", refusal)
    monitor = _monitor(w)

    placed = await monitor.tick()
    w.at(301)  # after the cooldown: BTC is refused again, not warned again
    await monitor.tick()

    assert placed == 1
    assert _sent(w)[0] == "ETHUSDC"
    assert len(_intents(w, "balance_monitor", "BTCUSDC")) == 2  # one per tick, not retried
    [warning] = w.texts("warning.balance_monitor")
    assert "BTCUSDC" in warning
    assert "BTCUSDC" not in w.texts("balance.buy")[0]


async def test_the_balance_monitor_sends_no_buy_on_a_sell_only_symbol() -> None:
    w = _world({"USDC": "52"}, {"BTCUSDC": TradeSide.SELL_ONLY})

    await _monitor(w).tick()

    assert _sent(w) == ["ETHUSDC"]
    assert not _intents(w, "balance_monitor", "BTCUSDC")


@pytest.mark.parametrize("refusal", [*REFUSALS, SIDE_NOT_ALLOWED], ids=repr)
async def test_a_refused_usdc_top_up_does_not_end_the_tick_and_warns_once(
    refusal: MexbotError
) -> None:
    w = _world({"USDT": "100"})
    refusing(w).refuse("USDCUSDT", refusal)
    monitor = _monitor(w)

    assert await monitor.tick() == 0
    w.at(60)
    assert await monitor.tick() == 0

    [warning] = w.texts("warning.balance_monitor")
    assert "USDCUSDT" in warning


async def test_the_top_up_is_not_sent_when_usdcusdt_is_sell_only() -> None:
    w = _world({"USDT": "100"}, {"USDCUSDT": TradeSide.SELL_ONLY})

    assert await _monitor(w).tick() == 0

    assert _sent(w) == []


def _balancer_world() -> World:
    """Alts 400, majors 0: the balancer buys BTC for 60 and ETH for 40."""
    return _world({"USDC": "1000", "ADA": "1000"}, symbols=(*CORE, *ALTS_5050))


@pytest.mark.parametrize("refusal", [*REFUSALS, SIDE_NOT_ALLOWED], ids=repr)
async def test_a_refused_5050_leg_does_not_stop_the_next_leg_and_warns_once(
    refusal: MexbotError
) -> None:
    w = _balancer_world()
    refusing(w).refuse("BTCUSDC", refusal)
    balancer = Balancer5050(w.deps, Balancer5050Policy())

    bought = await balancer.tick()
    w.at(61)
    await balancer.tick()

    assert bought == 1
    assert "ETHUSDC" in _sent(w)
    assert len([t for t in w.texts("warning.balancer_5050") if "BTCUSDC" in t]) == 1
    assert "not bought: BTCUSDC" in w.texts("balancer.5050")[0]


def _overweight_btc(trade_sides: Mapping[str, TradeSide] | None = None) -> World:
    """Hold BTC 84 / ETH 16 (of 100) bought at a profit, and 50 USDC."""
    w = _world({"BTC": "0.0028", "ETH": "0.008", "USDC": "50"}, trade_sides)
    w.store.record_fills([buy_fill("BTCUSDC", "0.0028", "29000"),
                          buy_fill("ETHUSDC", "0.008", "1900", trade_id="2")])
    return w


def _rebalancer(w: World) -> PortfolioRebalancer:
    return PortfolioRebalancer(w.deps, PortfolioRebalancePolicy(), BalanceMonitorPolicy())


@pytest.mark.parametrize("refusal", [*REFUSALS, SIDE_NOT_ALLOWED], ids=repr)
async def test_a_refused_rebalance_sale_does_not_stop_the_buy_and_warns_once(
    refusal: MexbotError
) -> None:
    w = _overweight_btc()
    refusing(w).refuse("BTCUSDC", refusal, Side.SELL)
    rebalancer = _rebalancer(w)

    placed = await rebalancer.tick()
    w.at(3600)
    await rebalancer.tick()

    assert placed >= 1
    assert "ETHUSDC" in _sent(w)
    [warning] = w.texts("warning.portfolio_rebalance")
    assert "BTCUSDC" in warning


async def test_a_refused_rebalance_buy_is_not_reported_as_done() -> None:
    w = _overweight_btc()
    refusing(w).refuse("ETHUSDC", SIDE_NOT_ALLOWED, Side.BUY)

    placed = await _rebalancer(w).tick()

    assert placed == 1
    assert _sent(w, Side.SELL) == ["BTCUSDC"]
    assert "ETHUSDC" not in w.texts("rebalance.done")[0]
    assert len(w.texts("warning.portfolio_rebalance")) == 1


async def test_the_rebalance_sends_no_buy_on_a_sell_only_symbol() -> None:
    w = _overweight_btc({"ETHUSDC": TradeSide.SELL_ONLY})

    await _rebalancer(w).tick()

    assert _sent(w) == []
    assert _sent(w, Side.SELL) == ["BTCUSDC"]
    assert len(w.texts("warning.portfolio_rebalance")) == 1



async def test_the_5050_balancer_sends_no_buy_on_a_sell_only_symbol_and_warns_once() -> None:
    w = _world({"USDC": "1000", "ADA": "1000"}, {"BTCUSDC": TradeSide.SELL_ONLY},
               symbols=(*CORE, *ALTS_5050))
    balancer = Balancer5050(w.deps, Balancer5050Policy())

    await balancer.tick()
    w.at(61)
    await balancer.tick()

    assert "BTCUSDC" not in _sent(w)
    assert not _intents(w, "balancer_5050", "BTCUSDC")
    assert len([t for t in w.texts("warning.balancer_5050") if "BTCUSDC" in t]) == 1
