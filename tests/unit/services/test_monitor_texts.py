"""What the PnL monitor tells a person: each figure once, prices to the tick, money to cents."""

from __future__ import annotations

from decimal import Decimal

from tests.unit.services.support import World, buy_fill, flat_closes, world

from mexcore.policies import BalanceMonitorPolicy, PnlMonitorPolicy
from mexcore.services.pnl_monitor import PnlMonitor

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT")


def _holding_btc(usdc: str = "0") -> World:
    """Hold 0.003 BTC bought at 29000.00666… on average; BTCUSDC trades flat at 30000."""
    w = world(flat_closes(SYMBOLS), {"BTC": "0.003", **({"USDC": usdc} if D(usdc) else {})})
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "29000"),
                          buy_fill("BTCUSDC", "0.002", "29000.01", trade_id="2")])
    return w


def _monitor(w: World, **policy: object) -> PnlMonitor:
    bm = BalanceMonitorPolicy()
    return PnlMonitor(w.deps, PnlMonitorPolicy(**policy),  # type: ignore[arg-type]
                      dict(bm.targets), bm.reserve)


async def test_a_profit_sale_alert_names_each_figure_once_at_its_precision() -> None:
    w = _holding_btc()

    await _monitor(w, post_sale_rebalance=False).tick()

    [text] = w.texts("sale.BTCUSDC")
    assert text.count("average cost") == 1
    assert text.count("unrealised PnL") == 1
    assert text.count("last 30000") == 1
    assert "average cost 29000.01," in text  # the tick of BTCUSDC, not 29000.00666667


async def test_the_pnl_summary_shows_money_in_cents_and_the_average_cost_to_the_tick() -> None:
    w = _holding_btc(usdc="50")

    await _monitor(w, profit_threshold=D(1000)).tick()

    [summary] = w.texts("pnl.summary")
    assert summary.startswith("PnL summary, every 10 min: BTC/ETH value 90.00 USDT; "
                              "portfolio 140.00 USDT "
                              "(stablecoins 50.00)")
    assert "BTC: qty 0.003, avg cost 29000.01, realised 0.00, unrealised 3.00 USDC" in summary
