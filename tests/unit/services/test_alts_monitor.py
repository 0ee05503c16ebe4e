"""AltsMonitor (SPEC §1.4): the PnL monitor's sale over every alt position, threshold $0.15."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.unit.services.support import World, buy_fill, flat_closes, world

from mexcore.policies import AltsMonitorPolicy, PnlMonitorPolicy
from mexcore.services.alts_monitor import AltsMonitor
from mexcore.values import OrderType, Side

D = Decimal
SYMBOLS = ("ADAUSDT", "ADAUSDC", "BTCUSDC", "ETHUSDC", "USDCUSDT")


def _monitor(w: World) -> AltsMonitor:
    return AltsMonitor(w.deps, AltsMonitorPolicy(), PnlMonitorPolicy())


def _holding_ada(bought_at: str, symbol: str = "ADAUSDT") -> World:
    """Hold 100 ADA bought at `bought_at` in `symbol`; ADA trades flat at 0.4."""
    w = world(flat_closes(SYMBOLS), {"ADA": "100"})
    w.store.record_fills([buy_fill(symbol, "100", bought_at)])
    return w


@pytest.mark.parametrize(
    ("bought_at", "sold"),
    [("0.3984", True), ("0.3985", False), ("0.3986", False)],  # unrealised 0.16 / 0.15 / 0.14
)
async def test_alts_monitor_sells_an_alt_when_unrealised_pnl_is_over_fifteen_cents(
    bought_at: str, sold: bool
) -> None:
    w = _holding_ada(bought_at)

    await _monitor(w).tick()

    assert len(w.intents("alts_monitor")) == int(sold)


async def test_alts_monitor_sells_with_a_limit_at_price_times_0999_in_the_alts_market() -> None:
    w = _holding_ada("0.39", symbol="ADAUSDC")

    sales = await _monitor(w).tick()

    [sale] = w.intents("alts_monitor")
    assert sales == 1
    assert (sale.symbol, sale.side, sale.type) == ("ADAUSDC", Side.SELL, OrderType.LIMIT)
    assert (sale.quantity, sale.price) == (D(100), D("0.3996"))
    assert w.texts("sale.ADAUSDC")


async def test_alts_monitor_leaves_btc_eth_and_stablecoins_to_others() -> None:
    w = world(flat_closes(SYMBOLS), {"BTC": "0.01", "USDT": "10", "USDC": "10"})
    w.store.record_fills([buy_fill("BTCUSDC", "0.01", "20000")])

    assert await _monitor(w).tick() == 0
    assert w.intents() == []


async def test_alts_monitor_threshold_is_higher_than_the_pnl_monitors() -> None:
    w = _holding_ada("0.3992")  # unrealised 0.08: a BTC/ETH position would sell

    await _monitor(w).tick()

    assert w.intents() == []
