"""A ControlPanel over plain data: for tests, demos and as the reference of its behaviour."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from mexcore.money import ZERO
from mexcore.panel import (
    AutobuyView,
    OrdersView,
    PnlView,
    PortfolioView,
    PriceHistory,
    RunnerStatus,
    UnknownAssetError,
    UnknownRunnerError,
)
from mexcore.values import PortfolioSnapshot


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
