"""mexcore: the pure domain core of mexbot (money math, decisions, services over ports).

The names below are the public surface for writing a strategy (see docs/library.md): a
`Service` built from `ServiceDeps`, reading a `MarketView`, placing orders through
`MarketOrders` or `MakerBuyer`, spending inside the `FundsLedger`, and reading its position
from the fill journal. Anything not listed in `__all__` is internal and may change.
"""

from mexcore.client_ids import client_order_id
from mexcore.config import load_config
from mexcore.errors import (
    ConfigError,
    InsufficientFunds,
    MexbotError,
    OrderRejected,
    OutcomeUnknown,
    RetryLater,
    SkipSymbol,
    TradingPaused,
)
from mexcore.indicators import IndicatorSnapshot, change_since, snapshot
from mexcore.lots import BelowMinimum, size_limit_order, size_market_buy, size_market_sell
from mexcore.money import ONE, ZERO, format_decimal, format_step, to_decimal
from mexcore.policies import BalanceMonitorPolicy, BotConfig, ServiceSpec
from mexcore.ports import Clock, Exchange, Level, Notifier, Service, Store
from mexcore.positions import Position, apply_fill, position_from_fills, positions_from_fills
from mexcore.quiet import Quiet
from mexcore.services.deps import ServiceDeps
from mexcore.services.fills import FillSync
from mexcore.services.funds import FundsLedger
from mexcore.services.journal_positions import JournalPositions
from mexcore.services.maker_orders import MakerBuyer, MakerMiss, MakerResult
from mexcore.services.market import MarketView
from mexcore.services.market_orders import MarketOrders, went_through
from mexcore.values import (
    Balance,
    Candle,
    Fees,
    Fill,
    Order,
    OrderBook,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    SymbolRules,
    Ticker24h,
)

__all__ = [
    "ONE",
    "ZERO",
    "Balance",
    "BalanceMonitorPolicy",
    "BelowMinimum",
    "BotConfig",
    "Candle",
    "Clock",
    "ConfigError",
    "Exchange",
    "Fees",
    "Fill",
    "FillSync",
    "FundsLedger",
    "IndicatorSnapshot",
    "InsufficientFunds",
    "JournalPositions",
    "Level",
    "MakerBuyer",
    "MakerMiss",
    "MakerResult",
    "MarketOrders",
    "MarketView",
    "MexbotError",
    "Notifier",
    "Order",
    "OrderBook",
    "OrderRejected",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "OutcomeUnknown",
    "Position",
    "Quiet",
    "RetryLater",
    "Service",
    "ServiceDeps",
    "ServiceSpec",
    "Side",
    "SkipSymbol",
    "Store",
    "SymbolRules",
    "Ticker24h",
    "TradingPaused",
    "apply_fill",
    "change_since",
    "client_order_id",
    "format_decimal",
    "format_step",
    "load_config",
    "position_from_fills",
    "positions_from_fills",
    "size_limit_order",
    "size_market_buy",
    "size_market_sell",
    "snapshot",
    "to_decimal",
    "went_through",
]
