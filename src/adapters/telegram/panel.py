"""What the Telegram commands may read and do: the ControlPanel port and its records.

The bot's commands see the running bot only through a `ControlPanel`. The runners' side
implements it over the real services; `StaticControlPanel` implements it from plain data
(for tests, demos and as the reference of the expected behaviour).
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
    """One runner: paused or running, its last and next tick (epoch ms), its last error."""

    name: str
    paused: bool = False
    last_tick_ms: int | None = None
    next_tick_ms: int | None = None
    last_error: str | None = None


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
class PortfolioView:
    """Every holding and the total value in USDT."""

    holdings: tuple[Holding, ...] = attrs.field(converter=_holdings)
    total_usdt: Decimal = money()

    def holding(self, asset: str) -> Holding | None:
        """Return the holding of `asset`, or None."""
        return next((h for h in self.holdings if h.asset == asset), None)


@attrs.frozen
class AssetPnl:
    """Average-cost position of one asset: quantity, average cost, realised and unrealised."""

    asset: str
    quantity: Decimal = money()
    average_cost: Decimal = money()
    realised: Decimal = money(default=ZERO)
    unrealised: Decimal = money(default=ZERO)


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
    """The running bot as the Telegram commands see it. Every read should answer fast."""

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


class StaticControlPanel:
    """A ControlPanel over plain data; pausing flips flags, selling only records the call."""

    def __init__(
        self,
        statuses: Sequence[RunnerStatus] = (),
        portfolio: PortfolioView | None = None,
        pnl: PnlView | None = None,
        autobuy: AutobuyView | None = None,
        orders: OrdersView | None = None,
        snapshots: Sequence[PortfolioSnapshot] = (),
    ) -> None:
        self.runner_statuses = {s.name: s for s in statuses}
        self.portfolio_view = portfolio or PortfolioView(holdings=(), total_usdt=ZERO)
        self.pnl_view = pnl or PnlView(assets=())
        self.autobuy_view = autobuy or AutobuyView()
        self.orders_view = orders or OrdersView()
        self.snapshots = list(snapshots)
        self.btc_history = PriceHistory("BTCUSDT")
        self.config = "mode = sim"
        self.version_text = "mexbot (static panel)"
        self.sold: list[str] = []
        self.rebalances = 0

    async def statuses(self) -> Sequence[RunnerStatus]:
        """Return the runners in the order given."""
        return list(self.runner_statuses.values())

    async def portfolio(self) -> PortfolioView:
        """Return the portfolio given."""
        return self.portfolio_view

    async def pnl(self) -> PnlView:
        """Return the PnL given."""
        return self.pnl_view

    async def autobuy(self) -> AutobuyView:
        """Return the auto-buy state given."""
        return self.autobuy_view

    async def orders(self) -> OrdersView:
        """Return the orders given."""
        return self.orders_view

    async def pause(self, runner: str | None = None) -> Sequence[str]:
        """Mark one runner (or all) paused."""
        return self._set_paused(runner, paused=True)

    async def resume(self, runner: str | None = None) -> Sequence[str]:
        """Mark one runner (or all) running."""
        return self._set_paused(runner, paused=False)

    async def sell(self, asset: str) -> str:
        """Record the sale of a held asset; refuse an asset with no free balance."""
        holding = self.portfolio_view.holding(asset)
        if holding is None or holding.free <= ZERO:
            raise UnknownAssetError(asset)
        self.sold.append(asset)
        return f"Sold {holding.free} {asset} (static panel: no order sent)."

    async def rebalance(self) -> str:
        """Record a rebalance."""
        self.rebalances += 1
        return "Rebalance done (static panel: no order sent)."

    async def config_text(self) -> str:
        """Return the configuration text given."""
        return self.config

    async def version(self) -> str:
        """Return the version text given."""
        return self.version_text

    async def portfolio_snapshots(self) -> Sequence[PortfolioSnapshot]:
        """Return the snapshots given, oldest first."""
        return list(self.snapshots)

    async def btc_price_history(self) -> PriceHistory:
        """Return the BTC candles given."""
        return self.btc_history

    def _set_paused(self, runner: str | None, paused: bool) -> list[str]:
        if runner is not None and runner not in self.runner_statuses:
            raise UnknownRunnerError(runner)
        names = [runner] if runner is not None else list(self.runner_statuses)
        for name in names:
            self.runner_statuses[name] = attrs.evolve(self.runner_statuses[name], paused=paused)
        return names
