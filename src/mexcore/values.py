"""Frozen value objects of the domain: market data, symbol rules, orders, fills, balances.

Every money field is a `Decimal`; building one from a float raises `TypeError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import attrs

from mexcore.money import ZERO, to_decimal, to_optional_decimal
from mexcore.trade_side import TradeSide as TradeSide


def money(**kwargs: Any) -> Any:
    """An attrs field that holds exact money (Decimal; int/str converted; float refused)."""
    return attrs.field(converter=to_decimal, **kwargs)


def optional_money(**kwargs: Any) -> Any:
    """An attrs field that holds exact money or None."""
    return attrs.field(converter=to_optional_decimal, default=None, **kwargs)


def _frozen_money_map(value: Mapping[str, Any]) -> Mapping[str, Decimal]:
    return MappingProxyType({str(k): to_decimal(v) for k, v in value.items()})


def money_map(**kwargs: Any) -> Any:
    """An attrs field holding a read-only {name: Decimal} mapping."""
    return attrs.field(converter=_frozen_money_map, eq=False, hash=False, **kwargs)


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    MARKET = "MARKET"
    LIMIT_MAKER = "LIMIT_MAKER"
    IMMEDIATE_OR_CANCEL = "IMMEDIATE_OR_CANCEL"
    FILL_OR_KILL = "FILL_OR_KILL"


class OrderStatus(StrEnum):
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    PARTIALLY_CANCELED = "PARTIALLY_CANCELED"
    EXPIRED = "EXPIRED"  # not in MEXC's documented list; taken as "ended, nothing more fills"

    @property
    def is_open(self) -> bool:
        return self in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)


class SymbolStatus(StrEnum):
    ONLINE = "1"
    PAUSED = "2"
    OFFLINE = "3"


@attrs.frozen
class Symbol:
    """A market: `name` is MEXC's spelling (BTCUSDC), base BTC, quote USDC."""

    name: str
    base: str
    quote: str


@attrs.frozen
class Balance:
    """Free and locked amounts of one asset."""

    asset: str
    free: Decimal = money()
    locked: Decimal = money(default=ZERO)

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@attrs.frozen
class Candle:
    """One OHLCV candle; `open_time_ms` is the open time in epoch milliseconds (UTC)."""

    open_time_ms: int
    open: Decimal = money()
    high: Decimal = money()
    low: Decimal = money()
    close: Decimal = money()
    volume: Decimal = money()
    quote_volume: Decimal = money(default=ZERO)
    # Float copies for the indicator math (TA-Lib works in float64), converted once per candle.
    close_float: float = attrs.field(init=False, eq=False, repr=False, default=attrs.Factory(
        lambda self: float(self.close), takes_self=True))
    volume_float: float = attrs.field(init=False, eq=False, repr=False, default=attrs.Factory(
        lambda self: float(self.volume), takes_self=True))


@attrs.frozen
class Ticker24h:
    """The rolling 24 h statistics of a symbol; `change_pct` is a fraction (0.0173 = 1.73 %)."""

    symbol: str
    last_price: Decimal = money()
    open_price: Decimal = money()
    high: Decimal = money()
    low: Decimal = money()
    volume: Decimal = money()
    quote_volume: Decimal = money()
    bid: Decimal | None = optional_money()
    ask: Decimal | None = optional_money()

    @property
    def change_pct(self) -> Decimal:
        if self.open_price == ZERO:
            return ZERO
        return (self.last_price - self.open_price) / self.open_price


@attrs.frozen
class BookLevel:
    price: Decimal = money()
    qty: Decimal = money()


@attrs.frozen
class OrderBook:
    """Bids best (highest) first, asks best (lowest) first."""

    symbol: str
    bids: tuple[BookLevel, ...]
    asks: tuple[BookLevel, ...]
    time_ms: int = 0

    @property
    def best_bid(self) -> Decimal | None:
        return self.bids[0].price if self.bids else None

    @property
    def best_ask(self) -> Decimal | None:
        return self.asks[0].price if self.asks else None


@attrs.frozen
class SymbolRules:
    """What the exchange allows on one symbol (MEXC exchangeInfo, parsed).

    `qty_step` = 10^-baseAssetPrecision, `price_tick` = 10^-quotePrecision,
    `min_qty` = baseSizePrecision, `min_notional*` = quoteAmountPrecision(Market),
    `max_notional*` = maxQuoteAmount(Market); the price band is PERCENT_PRICE_BY_SIDE.
    """

    symbol: str
    base: str
    quote: str
    qty_step: Decimal = money()
    price_tick: Decimal = money()
    min_qty: Decimal = money(default=ZERO)
    min_notional: Decimal = money(default=ZERO)
    min_notional_market: Decimal = money(default=ZERO)
    max_notional: Decimal | None = optional_money()
    max_notional_market: Decimal | None = optional_money()
    bid_multiplier_up: Decimal | None = optional_money()
    ask_multiplier_down: Decimal | None = optional_money()
    order_types: frozenset[OrderType] = attrs.field(
        default=frozenset(OrderType), converter=frozenset
    )
    api_tradeable: bool = True
    status: SymbolStatus = SymbolStatus.ONLINE
    maker_fee: Decimal = money(default=ZERO)
    taker_fee: Decimal = money(default=Decimal("0.0005"))
    trade_side: TradeSide = TradeSide.ALL

    @property
    def tradeable(self) -> bool:
        return self.api_tradeable and self.status is SymbolStatus.ONLINE and self.trade_side.is_open

    @property
    def quote_amount_step(self) -> Decimal:
        return self.price_tick


@attrs.frozen
class Fees:
    """Maker and taker fee rates as fractions (0.0005 = 0.05 %)."""

    maker: Decimal = money()
    taker: Decimal = money()


@attrs.frozen
class OrderRequest:
    """An order to send. MARKET buys may give `quote_qty` instead of `quantity`."""

    symbol: str
    side: Side
    type: OrderType
    client_order_id: str
    quantity: Decimal | None = optional_money()
    quote_qty: Decimal | None = optional_money()
    price: Decimal | None = optional_money()


@attrs.frozen
class Order:
    """An order as the exchange knows it."""

    symbol: str
    order_id: str
    client_order_id: str
    side: Side
    type: OrderType
    status: OrderStatus
    price: Decimal | None = optional_money()
    orig_qty: Decimal = money(default=ZERO)
    executed_qty: Decimal = money(default=ZERO)
    cumm_quote_qty: Decimal = money(default=ZERO)
    orig_quote_qty: Decimal | None = optional_money()
    time_ms: int = 0
    update_time_ms: int = 0

    @property
    def avg_price(self) -> Decimal | None:
        if self.executed_qty == ZERO:
            return None
        return self.cumm_quote_qty / self.executed_qty


@attrs.frozen
class Fill:
    """One trade of the account: price, quantity, fee in `fee_asset`, maker or taker."""

    symbol: str
    trade_id: str
    order_id: str
    side: Side
    price: Decimal = money()
    qty: Decimal = money()
    quote_qty: Decimal = money()
    fee: Decimal = money()
    fee_asset: str = attrs.field(kw_only=True)
    is_maker: bool = attrs.field(kw_only=True)
    time_ms: int = attrs.field(kw_only=True)
    client_order_id: str = attrs.field(default="", kw_only=True)


class IntentStatus(StrEnum):
    INTENDED = "intended"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    UNKNOWN = "unknown"

    @property
    def is_final(self) -> bool:
        return self in (IntentStatus.FILLED, IntentStatus.CANCELLED, IntentStatus.REJECTED)


@attrs.frozen
class OrderIntent:
    """An order the bot decided to send, journaled before it is sent."""

    client_order_id: str
    runner: str
    symbol: str
    side: Side
    type: OrderType
    status: IntentStatus
    created_ms: int
    quantity: Decimal | None = optional_money()
    quote_qty: Decimal | None = optional_money()
    price: Decimal | None = optional_money()
    order_id: str | None = None
    updated_ms: int = 0
    reason: str = ""


@attrs.frozen
class PortfolioSnapshot:
    """The portfolio's value in USDT at one moment, with each asset's value."""

    time_ms: int
    total_value: Decimal = money()
    values: Mapping[str, Decimal] = money_map(factory=dict)
