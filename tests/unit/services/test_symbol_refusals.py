"""One symbol's refusal never stops another's sale or buy (issue 13, item 7).

A refused or skipped symbol is warned about once (per symbol and reason), and the runner goes
on to the next symbol; a symbol's `tradeSideType` is respected before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest
from tests.unit.services.refusing import REFUSALS, refusing, refusing_world
from tests.unit.services.support import World, buy_fill, flat_closes

from mexcore.errors import MexbotError, OrderRejected
from mexcore.policies import AltsMonitorPolicy, BalanceMonitorPolicy, PnlMonitorPolicy
from mexcore.services.alts_monitor import AltsMonitor
from mexcore.services.pnl_monitor import PnlMonitor
from mexcore.values import Side, TradeSide

D = Decimal
CORE = ("BTCUSDC", "ETHUSDC", "USDCUSDT")
ALTS = ("ADAUSDT", "DOTUSDT", "BTCUSDC", "ETHUSDC", "USDCUSDT")


def _world(symbols: tuple[str, ...], balances: Mapping[str, str],
           trade_sides: Mapping[str, TradeSide] | None = None) -> World:
    return refusing_world(flat_closes(symbols), balances, trade_sides)


def _holding_btc_and_eth(trade_sides: Mapping[str, TradeSide] | None = None) -> World:
    """Hold 0.001 BTC (bought at 29000) and 0.01 ETH (at 1900): both in profit."""
    w = _world(CORE, {"BTC": "0.001", "ETH": "0.01"}, trade_sides)
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "29000", "1"),
                          buy_fill("ETHUSDC", "0.01", "1900", "2")])
    return w


def _pnl(w: World, post_sale_rebalance: bool = False) -> PnlMonitor:
    bm = BalanceMonitorPolicy()
    policy = PnlMonitorPolicy(post_sale_rebalance=post_sale_rebalance)
    return PnlMonitor(w.deps, policy, dict(bm.targets), bm.reserve)


def _sent(w: World, side: Side) -> list[str]:
    return [o.request.symbol for o in w.exchange.sent if o.request.side is side]


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda e: type(e).__name__)
async def test_a_refused_btc_sale_does_not_stop_the_eth_sale_and_warns_once(
    refusal: MexbotError
) -> None:
    w = _holding_btc_and_eth()
    refusing(w).refuse("BTCUSDC", refusal)
    monitor = _pnl(w)

    await monitor.tick()
    w.at(60)
    await monitor.tick()

    assert _sent(w, Side.SELL) == ["ETHUSDC"]
    assert w.texts("sale.ETHUSDC")
    [warning] = w.texts("warning.pnl_monitor")
    assert "BTCUSDC" in warning


async def test_the_pnl_monitor_sends_no_sale_on_a_buy_only_symbol() -> None:
    w = _holding_btc_and_eth({"BTCUSDC": TradeSide.BUY_ONLY})
    monitor = _pnl(w)

    await monitor.tick()
    w.at(60)
    await monitor.tick()

    assert _sent(w, Side.SELL) == ["ETHUSDC"]
    assert len(w.texts("warning.pnl_monitor")) == 1


async def test_the_post_sale_rebalance_skips_a_sell_only_symbol_and_buys_the_other() -> None:
    w = _holding_btc_and_eth({"BTCUSDC": TradeSide.SELL_ONLY})
    w.exchange.deposit("USDC", "20")

    await _pnl(w, post_sale_rebalance=True).tick()

    assert sorted(_sent(w, Side.SELL)) == ["BTCUSDC", "ETHUSDC"]
    assert "ETHUSDC" in _sent(w, Side.BUY)
    assert "BTCUSDC" not in _sent(w, Side.BUY)


async def test_a_refused_post_sale_buy_does_not_stop_the_next_buy() -> None:
    w = _holding_btc_and_eth({"ETHUSDC": TradeSide.BUY_ONLY})  # only BTC is sold
    w.exchange.deposit("USDC", "20")
    refusing(w).refuse("BTCUSDC", OrderRejected("Oversold", 30005), Side.BUY)

    await _pnl(w, post_sale_rebalance=True).tick()

    buys = [i.symbol for i in w.intents("pnl_monitor") if i.side is Side.BUY]
    assert _sent(w, Side.SELL) == ["BTCUSDC"]
    assert sorted(buys) == ["BTCUSDC", "ETHUSDC"]  # the refused BTC buy and the ETH one
    assert _sent(w, Side.BUY) == ["ETHUSDC"]
    assert len(w.texts("warning.pnl_monitor")) == 2  # ETH not sellable, BTC buy refused


def _holding_ada_and_dot(trade_sides: Mapping[str, TradeSide] | None = None) -> World:
    """Hold 100 ADA (bought at 0.39) and 10 DOT (at 5.8): both over $0.15 in profit."""
    w = _world(ALTS, {"ADA": "100", "DOT": "10"}, trade_sides)
    w.store.record_fills([buy_fill("ADAUSDT", "100", "0.39", "1"),
                          buy_fill("DOTUSDT", "10", "5.8", "2")])
    return w


def _alts(w: World) -> AltsMonitor:
    return AltsMonitor(w.deps, AltsMonitorPolicy(), PnlMonitorPolicy())


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda e: type(e).__name__)
async def test_a_refused_alt_sale_does_not_stop_the_next_alt_and_warns_once(
    refusal: MexbotError
) -> None:
    w = _holding_ada_and_dot()
    refusing(w).refuse("ADAUSDT", refusal)
    monitor = _alts(w)

    sales = await monitor.tick()
    w.at(60)
    await monitor.tick()

    assert sales == 1
    assert _sent(w, Side.SELL) == ["DOTUSDT"]
    [warning] = w.texts("warning.alts_monitor")
    assert "ADAUSDT" in warning


@pytest.mark.parametrize("side", [TradeSide.BUY_ONLY, TradeSide.NONE])
async def test_the_alts_monitor_sends_no_sale_where_selling_is_not_allowed(
    side: TradeSide
) -> None:
    w = _holding_ada_and_dot({"ADAUSDT": side})

    assert await _alts(w).tick() == 1

    assert _sent(w, Side.SELL) == ["DOTUSDT"]
