"""A StaticControlPanel filled with plausible data: for tests, demos and the docs' examples."""

from __future__ import annotations

from decimal import Decimal
from decimal import Decimal as D

from adapters.telegram.panel import (
    AssetPnl,
    AutobuyView,
    Holding,
    Opportunity,
    OrdersView,
    PnlView,
    PortfolioView,
    PriceHistory,
    Purchase,
    RunnerStatus,
    StaticControlPanel,
)
from mexcore.values import Candle, Fill, Order, OrderStatus, OrderType, PortfolioSnapshot, Side

RUNNERS = ("scanner", "balance_monitor", "pnl_monitor", "alts_monitor", "balancer_5050")


def demo_panel(now_ms: int) -> StaticControlPanel:
    """Return five runners, a BTC/ETH/alts portfolio, orders, 48 h of snapshots and BTC candles."""
    panel = StaticControlPanel(
        statuses=[_status(name, now_ms, index) for index, name in enumerate(RUNNERS)],
        portfolio=_portfolio(),
        pnl=PnlView(
            assets=[
                AssetPnl("BTC", D("0.0031"), D("61250.5"), D("1.25"), D("0.84")),
                AssetPnl("ETH", D("0.052"), D("3050.1"), D("0"), D("-0.37")),
            ]
        ),
        autobuy=_autobuy(now_ms),
        orders=_orders(now_ms),
        snapshots=_snapshots(now_ms),
    )
    panel.btc_history = PriceHistory("BTCUSDT", _btc_candles(now_ms))
    panel.config = 'mode = "sim"\n[telegram]\nbase_url = "https://api.telegram.org/bot"\n'
    panel.version_text = "mexbot 0.1.0 (demo)"
    return panel


def _status(name: str, now_ms: int, index: int) -> RunnerStatus:
    error = "RetryLater: MEXC 503 on /api/v3/depth <html> & co" if name == "alts_monitor" else None
    return RunnerStatus(
        name, last_tick_ms=now_ms - 12_000 * (index + 1), next_tick_ms=now_ms + 48_000,
        last_error=error,
    )  # fmt: skip


def _portfolio() -> PortfolioView:
    return PortfolioView(
        holdings=[
            Holding("USDT", D("210.5"), D("0"), D("210.5"), D("0.3508")),
            Holding("BTC", D("0.0031"), D("0"), D("190.24"), D("0.3171"), target_weight=D("0.6")),
            Holding("ETH", D("0.052"), D("0.01"), D("158.6"), D("0.2643"), target_weight=D("0.4")),
            Holding("USDC", D("40.66"), D("0"), D("40.66"), D("0.0678")),
        ],
        total_usdt=D("600"),
    )


def _autobuy(now_ms: int) -> AutobuyView:
    return AutobuyView(
        opportunities=[
            Opportunity("SOLUSDT", D("4"), ["RSI 27 < 30 (oversold)", "MACD bullish cross"]),
            Opportunity("BTC_USDC", D("3"), ["close under the lower band", "volume ×2.4 & rising"]),
        ],
        plan_lines=["BTCUSDC: 12.00 USDC → 0.000195 BTC @ 61500 (×1, normal)",
                    "ETHUSDC: 8.00 USDC → 0.0026 ETH @ 3070 (×2 DCA boost: dip 5.2% < high)"],
        purchases=[
            Purchase(now_ms - 3_600_000, "scanner", "SOLUSDT", D("0.21"), D(30), D("142.5"))
        ],
    )  # fmt: skip


def _orders(now_ms: int) -> OrdersView:
    order = Order(
        "BTCUSDC", "101", "mx-bm-1", Side.BUY, OrderType.LIMIT_MAKER, OrderStatus.NEW,
        price=D("61400"), orig_qty=D("0.0002"), time_ms=now_ms - 20_000,
    )  # fmt: skip
    fill = Fill(
        "ETHUSDC", "t9", "99", Side.BUY, D("3050.1"), D("0.0026"), D("7.93026"), D("0.0079"),
        fee_asset="USDC", is_maker=True, time_ms=now_ms - 600_000,
    )  # fmt: skip
    return OrdersView(open_orders=[order], recent_fills=[fill])


def _snapshots(now_ms: int) -> list[PortfolioSnapshot]:
    hour_ms = 3_600_000
    snapshots = []
    for hour in range(48):
        drift = Decimal(hour * 3 - (hour % 7) * 5) / 10
        snapshots.append(
            PortfolioSnapshot(
                now_ms - (47 - hour) * hour_ms,
                Decimal(590) + drift,
                {"USDT": Decimal("210.5"), "BTC": Decimal(185) + drift, "ETH": Decimal("158.6")},
            )
        )
    return snapshots


def _btc_candles(now_ms: int) -> list[Candle]:
    hour_ms = 3_600_000
    candles = []
    for hour in range(24):
        close = Decimal(61000) + Decimal((hour * 37) % 500)
        candles.append(
            Candle(now_ms - (24 - hour) * hour_ms, close - 20, close + 40, close - 60, close,
                   Decimal("12.5"))
        )  # fmt: skip
    return candles
