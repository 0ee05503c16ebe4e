"""Telegram: the notifier, the bot's commands, the chart, and a fake Bot API server for tests.

`adapters.telegram.fake_server.FakeTelegramServer` is imported on its own (it needs uvicorn).
"""

from adapters.telegram.bot import BotSettings, build_application, set_menu, start_bot, stop_bot
from adapters.telegram.chart import render_portfolio_chart
from adapters.telegram.notifier import TelegramNotifier, render_notification
from adapters.telegram.outbox import OutboxLimits
from adapters.telegram.panel import (
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
    StaticControlPanel,
    UnknownAssetError,
    UnknownRunnerError,
)

__all__ = [
    "AssetPnl",
    "AutobuyView",
    "BotSettings",
    "ControlPanel",
    "Holding",
    "Opportunity",
    "OrdersView",
    "OutboxLimits",
    "PnlView",
    "PortfolioView",
    "PriceHistory",
    "Purchase",
    "RunnerStatus",
    "StaticControlPanel",
    "TelegramNotifier",
    "UnknownAssetError",
    "UnknownRunnerError",
    "build_application",
    "render_notification",
    "render_portfolio_chart",
    "set_menu",
    "start_bot",
    "stop_bot",
]
