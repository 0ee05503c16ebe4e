"""What an interface to a running bot may read and do: the ControlPanel port and its records.

Telegram's commands, the web dashboard, `/metrics` and `/healthz` see the running bot only
through a `ControlPanel`: read models as frozen values, commands as methods. The runners
implement it once over the real services (`runners.panel.ServicePanel`); `adapters.fake.panel`
has `StaticControlPanel` over plain data (tests, demos, the reference of the behaviour).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol

import attrs

from mexcore.money import ZERO
from mexcore.values import Candle, Fill, Order, PortfolioSnapshot, money, optional_money


def _holdings(items: Iterable[Holding]) -> tuple[Holding, ...]:
    return tuple(items)


def _pnls(items: Iterable[AssetPnl]) -> tuple[AssetPnl, ...]:
    return tuple(items)


def _strings(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _opportunities(items: Iterable[Opportunity]) -> tuple[Opportunity, ...]:
    return tuple(items)


def _purchases(items: Iterable[Purchase]) -> tuple[Purchase, ...]:
    return tuple(items)


def _orders(items: Iterable[Order]) -> tuple[Order, ...]:
    return tuple(items)


def _fills(items: Iterable[Fill]) -> tuple[Fill, ...]:
    return tuple(items)


def _candles(items: Iterable[Candle]) -> tuple[Candle, ...]:
    return tuple(items)


class UnknownRunnerError(ValueError):
    """A runner name that the bot does not have."""


class UnknownAssetError(ValueError):
    """An asset that the bot cannot act on (not held, or not sellable)."""


@attrs.frozen
class RunnerStatus:
    """One runner: paused or running, its last and next tick (epoch ms), its last error.

    `interval_s` is how often it ticks (None: not known), which `/healthz` judges it by;
    `ticks`, `actions` and `errors` count since the journal began.
    """

    name: str
    paused: bool = False
    last_tick_ms: int | None = None
    next_tick_ms: int | None = None
    last_error: str | None = None
    interval_s: float | None = None
    ticks: int = 0
    actions: int = 0
    errors: int = 0
    last_error_ms: int | None = None


@attrs.frozen
class Holding:
    """One asset of the portfolio; `weight` and `target_weight` are fractions (0.6 = 60 %)."""

    asset: str
    free: Decimal = money()
    locked: Decimal = money(default=ZERO)
    value_usdt: Decimal = money(default=ZERO)
    weight: Decimal = money(default=ZERO)
    target_weight: Decimal | None = optional_money()


@attrs.frozen
class VsHolding:
    """The bot's value next to holding the start balances and buying the targets at the start.

    All in USDT since `since_ms`; `targets_now` is None when the targets had no start price.
    """

    since_ms: int
    start_value: Decimal = money()
    hold_now: Decimal = money()
    targets_now: Decimal | None = optional_money()
    targets_label: str = ""

    def change(self, value: Decimal | None) -> Decimal | None:
        """Return the return of `value` against the start value, a fraction (None: unknown)."""
        if value is None or self.start_value <= ZERO:
            return None
        return (value - self.start_value) / self.start_value


@attrs.frozen
class PortfolioView:
    """Every holding and the total value in USDT; `vs_holding` when a start is known."""

    holdings: tuple[Holding, ...] = attrs.field(converter=_holdings)
    total_usdt: Decimal = money()
    vs_holding: VsHolding | None = None

    def holding(self, asset: str) -> Holding | None:
        """Return the holding of `asset`, or None."""
        return next((h for h in self.holdings if h.asset == asset), None)


@attrs.frozen
class AssetPnl:
    """Average-cost position of one asset: quantity, average cost, realised and unrealised.

    `asset` is the text shown ("BTC (BTCUSDC)"); `symbol` the market, when known; `fees`
    what its fills paid, in the quote.
    """

    asset: str
    quantity: Decimal = money()
    average_cost: Decimal = money()
    realised: Decimal = money(default=ZERO)
    unrealised: Decimal = money(default=ZERO)
    symbol: str = ""
    fees: Decimal = money(default=ZERO)


@attrs.frozen
class PnlView:
    """PnL of every tracked asset, in the quote currency of its market."""

    assets: tuple[AssetPnl, ...] = attrs.field(converter=_pnls)

    @property
    def total_realised(self) -> Decimal:
        return sum((a.realised for a in self.assets), ZERO)

    @property
    def total_unrealised(self) -> Decimal:
        return sum((a.unrealised for a in self.assets), ZERO)


@attrs.frozen
class Opportunity:
    """One scanner candidate: its score and the reasons behind it."""

    symbol: str
    score: Decimal = money()
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_strings)


@attrs.frozen
class Purchase:
    """A purchase a runner made: what, when, how much and at what price."""

    time_ms: int
    runner: str
    symbol: str
    base_qty: Decimal = money()
    quote_qty: Decimal = money()
    price: Decimal = money()


@attrs.frozen
class AutobuyView:
    """The scanner's last opportunities, the balance monitor's last plan, last purchases."""

    opportunities: tuple[Opportunity, ...] = attrs.field(default=(), converter=_opportunities)
    plan_lines: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    purchases: tuple[Purchase, ...] = attrs.field(default=(), converter=_purchases)


@attrs.frozen
class OrdersView:
    """Open orders and recent fills, newest last."""

    open_orders: tuple[Order, ...] = attrs.field(default=(), converter=_orders)
    recent_fills: tuple[Fill, ...] = attrs.field(default=(), converter=_fills)


@attrs.frozen
class PriceHistory:
    """Recent candles of one market, oldest first: what /chart shows without portfolio history."""

    symbol: str
    candles: tuple[Candle, ...] = attrs.field(default=(), converter=_candles)


class ControlPanel(Protocol):
    """The running bot as its interfaces see it. Every read should answer fast."""

    async def statuses(self) -> Sequence[RunnerStatus]: ...

    async def portfolio(self) -> PortfolioView: ...

    async def pnl(self) -> PnlView: ...

    async def autobuy(self) -> AutobuyView: ...

    async def orders(self) -> OrdersView: ...

    async def pause(self, runner: str | None = None) -> Sequence[str]:
        """Stop new orders of one runner (None: all); return the names paused.

        Raises UnknownRunnerError for a name the bot does not have.
        """
        ...

    async def resume(self, runner: str | None = None) -> Sequence[str]:
        """Allow new orders again (None: all runners); return the names resumed."""
        ...

    async def sell(self, asset: str) -> str:
        """Sell the free balance of `asset` now; return a one-paragraph plain-text result."""
        ...

    async def rebalance(self) -> str:
        """Run the portfolio rebalance now; return a plain-text result."""
        ...

    async def config_text(self) -> str:
        """Return the effective configuration as plain text, secrets already redacted."""
        ...

    async def version(self) -> str: ...

    async def portfolio_snapshots(self) -> Sequence[PortfolioSnapshot]: ...

    async def btc_price_history(self) -> PriceHistory:
        """Return BTC's recent candles from the exchange (empty if it has no BTC market)."""
        ...
