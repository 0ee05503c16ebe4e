"""The ControlPanel port and its records, re-exported where the Telegram commands import them.

They live in `mexcore.panel` (the port) and `adapters.fake.panel` (StaticControlPanel).
"""

from __future__ import annotations

from adapters.fake.panel import StaticControlPanel
from mexcore.panel import (
    AssetPnl,
    AutobuyView,
    ControlPanel,
    Holding,
    Opportunity,
    OrdersView,
    PnlView,
    PortfolioView,
    PriceHistory,
    Purchase,
    RunnerStatus,
    UnknownAssetError,
    UnknownRunnerError,
)

__all__ = [
    "AssetPnl",
    "AutobuyView",
    "ControlPanel",
    "Holding",
    "Opportunity",
    "OrdersView",
    "PnlView",
    "PortfolioView",
    "PriceHistory",
    "Purchase",
    "RunnerStatus",
    "StaticControlPanel",
    "UnknownAssetError",
    "UnknownRunnerError",
]
