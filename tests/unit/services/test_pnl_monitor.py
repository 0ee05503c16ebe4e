"""PnLMonitor (SPEC §1.3): profit sales by average cost, post-sale rebalance, throttled summary."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from tests.unit.services.support import (
    NOW_MINUTE,
    World,
    buy_fill,
    flat,
    flat_closes,
    order_value,
    world,
)

from mexcore.policies import BalanceMonitorPolicy, PnlMonitorPolicy
from mexcore.services.pnl_monitor import PnlMonitor
from mexcore.values import OrderRequest, OrderType, Side

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT")


def _monitor(w: World, **changes: object) -> PnlMonitor:
    bm = BalanceMonitorPolicy()
    policy = attrs.evolve(PnlMonitorPolicy(), **changes)
    return PnlMonitor(w.deps, policy, dict(bm.targets), bm.reserve)


def _holding_btc(bought_at: str, usdc: str = "0") -> World:
    """Hold 0.001 BTC bought at `bought_at`; BTCUSDC trades flat at 30000."""
    w = world(flat_closes(SYMBOLS), {"BTC": "0.001", **({"USDC": usdc} if D(usdc) else {})})
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", bought_at)])
    return w


def _sales(w: World) -> list[object]:
    return [i for i in w.intents("pnl_monitor") if i.side is Side.SELL]


@pytest.mark.parametrize(
    ("bought_at", "sold"),
    [("29920", True), ("29930", False), ("29940", False)],  # unrealised 0.08 / 0.07 / 0.06
)
async def test_pnl_monitor_sells_when_unrealised_pnl_is_over_seven_cents(
    bought_at: str, sold: bool
) -> None:
    w = _holding_btc(bought_at)

    await _monitor(w).tick()

    assert len(_sales(w)) == int(sold)
    assert len(w.texts("sale.BTCUSDC")) == int(sold)


async def test_pnl_monitor_sells_the_position_with_a_limit_at_price_times_0999() -> None:
    w = _holding_btc("29000")

    await _monitor(w, post_sale_rebalance=False).tick()

    [sale] = w.intents("pnl_monitor")
    assert (sale.side, sale.type) == (Side.SELL, OrderType.LIMIT)
    assert sale.quantity == D("0.001")
    assert sale.price == D("29970.00")  # 30000 × 0.999
    assert "unrealised PnL" in w.texts("sale.BTCUSDC")[0]


async def test_pnl_monitor_counts_fees_in_the_average_cost() -> None:
    w = world(flat_closes(SYMBOLS), {"BTC": "0.001"})
    # 29.92 + a 0.02 fee = 29.94 cost: unrealised 0.06, under the threshold.
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "29920", fee="0.02")])

    await _monitor(w).tick()

    assert _sales(w) == []


async def test_pnl_monitor_sells_no_more_than_the_free_balance() -> None:
    w = world(flat_closes(SYMBOLS), {"BTC": "0.0006"})
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "29000")])

    await _monitor(w, post_sale_rebalance=False).tick()

    [sale] = _sales(w)
    assert sale.quantity == D("0.0006")


async def test_pnl_monitor_puts_the_freed_usdc_back_to_work_60_40_above_the_reserve() -> None:
    w = _holding_btc("29000")

    await _monitor(w).tick()

    rebuys = [i for i in w.intents("pnl_monitor") if i.side is Side.BUY]
    assert sorted(i.symbol for i in rebuys) == ["BTCUSDC", "ETHUSDC"]
    assert all(i.type is OrderType.MARKET for i in rebuys)
    btc, eth = sorted(rebuys, key=lambda i: i.symbol)
    assert order_value(btc) / (order_value(btc) + order_value(eth)) == pytest.approx(
        D("0.6"), abs=D("0.001"))
    assert w.free("USDC") >= D(2)
    assert w.free("USDC") < D("2.05")


async def test_pnl_monitor_without_post_sale_rebalance_only_sells() -> None:
    w = _holding_btc("29000")

    await _monitor(w, post_sale_rebalance=False).tick()

    assert [i.side for i in w.intents()] == [Side.SELL]
    assert w.free("USDC") > D(29)


async def test_pnl_monitor_learns_its_fills_from_the_exchange() -> None:
    closes = flat_closes(SYMBOLS)
    closes["BTCUSDC"] = flat(30000.0)
    closes["BTCUSDC"][NOW_MINUTE + 1:] = 30300.0  # +1 % a minute after the purchase
    w = world(closes, {"USDC": "40"})
    await w.exchange.place_order(OrderRequest(
        "BTCUSDC", Side.BUY, OrderType.MARKET, "earlier-buy", quote_qty=D(30)))
    monitor = _monitor(w, post_sale_rebalance=False)

    await monitor.tick()
    held = _sales(w)
    w.at(120)
    await monitor.tick()

    assert held == []
    [sale] = _sales(w)
    assert sale.quantity == w.store.fills("BTCUSDC")[0].qty


async def test_pnl_monitor_summary_goes_out_at_most_every_600_seconds() -> None:
    w = _holding_btc("30000", usdc="50")
    monitor = _monitor(w)
    sent = []

    for second in (0, 60, 599, 600, 1199, 1200):
        w.at(second)
        await monitor.tick()
        sent.append(len(w.texts("pnl.summary")))

    assert sent == [1, 1, 1, 2, 2, 3]
    summary = w.texts("pnl.summary")[0]
    assert summary.startswith(
        "PnL summary, every 10 min: BTC/ETH value 30.00 USDT; portfolio 80.00 USDT "
        "(stablecoins 50.00)")
    assert "BTC: qty 0.001, avg cost 30000.00, realised 0.00, unrealised 0.00 USDC" in summary


async def test_pnl_monitor_warns_once_about_an_unlisted_symbol() -> None:
    w = world(flat_closes(("BTCUSDC", "USDCUSDT")))
    monitor = _monitor(w)

    for second in (0, 60, 120):
        w.at(second)
        await monitor.tick()

    [warning] = w.texts("warning.pnl_monitor")
    assert "ETHUSDC" in warning
