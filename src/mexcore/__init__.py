"""mexcore: the pure domain core of mexbot (money math, decisions, services over ports).

The names below are the public surface for writing a strategy (see docs/library.md): a
`Service` built from `ServiceDeps`, reading a `MarketView`, placing orders through
`MarketOrders` or `MakerBuyer`, spending inside the `FundsLedger`, and reading its position
from the fill journal. Anything not listed in `__all__` is internal and may change.

The names load on first use (as in `runners`), so importing one core module, as `mexbot --help`
does, does not import numpy, TA-Lib and every service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mexcore.lazy import lazy_attributes

if TYPE_CHECKING:
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

_HOMES = {
    "ONE": "money", "ZERO": "money", "Balance": "values", "BalanceMonitorPolicy": "policies",
    "BelowMinimum": "lots", "BotConfig": "policies", "Candle": "values", "Clock": "ports",
    "ConfigError": "errors", "Exchange": "ports", "Fees": "values", "Fill": "values",
    "FillSync": "services.fills", "FundsLedger": "services.funds",
    "IndicatorSnapshot": "indicators", "InsufficientFunds": "errors",
    "JournalPositions": "services.journal_positions", "Level": "ports",
    "MakerBuyer": "services.maker_orders", "MakerMiss": "services.maker_orders",
    "MakerResult": "services.maker_orders", "MarketOrders": "services.market_orders",
    "MarketView": "services.market", "MexbotError": "errors", "Notifier": "ports",
    "Order": "values", "OrderBook": "values", "OrderRejected": "errors", "OrderRequest": "values",
    "OrderStatus": "values", "OrderType": "values", "OutcomeUnknown": "errors",
    "Position": "positions", "Quiet": "quiet", "RetryLater": "errors", "Service": "ports",
    "ServiceDeps": "services.deps", "ServiceSpec": "policies", "Side": "values",
    "SkipSymbol": "errors", "Store": "ports", "SymbolRules": "values", "Ticker24h": "values",
    "TradingPaused": "errors", "apply_fill": "positions", "change_since": "indicators",
    "client_order_id": "client_ids", "format_decimal": "money", "format_step": "money",
    "load_config": "config", "position_from_fills": "positions",
    "positions_from_fills": "positions", "size_limit_order": "lots", "size_market_buy": "lots",
    "size_market_sell": "lots", "snapshot": "indicators", "to_decimal": "money",
    "went_through": "services.market_orders",
}

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


__getattr__ = lazy_attributes(__name__, _HOMES)
