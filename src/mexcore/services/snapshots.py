"""Record the portfolio's value over time, for charts and reports (SPEC §4)."""

from __future__ import annotations

from collections.abc import Iterable

from mexcore.money import ZERO
from mexcore.quiet import Quiet
from mexcore.services.deps import ServiceDeps
from mexcore.services.market import MarketView
from mexcore.services.portfolio_record import record_portfolio
from mexcore.values import PortfolioSnapshot

NAME = "snapshots"


class PortfolioSnapshots:
    """Every `interval_s`: store the USDT value of each asset and of the whole portfolio.

    It also keeps what is held with its prices: the last time, and the first time ever (the
    start the bot is compared with), priced in `start_assets` too (the balance targets).
    """

    name = NAME
    quiet: Quiet | None = None  # no promise: ticks every interval

    def __init__(self, deps: ServiceDeps, start_assets: Iterable[str] = ()) -> None:
        self._deps = deps
        self._assets = tuple(start_assets)

    async def tick(self) -> int:
        """Take one snapshot; snapshots are bookkeeping, not actions, so return 0."""
        view = await MarketView.load(self._deps.exchange)
        values, now_ms = view.values_usdt(), self._deps.clock.now_ms()
        self._deps.store.add_snapshot(PortfolioSnapshot(now_ms, sum(values.values(), ZERO), values))
        record_portfolio(self._deps.store, view, now_ms, self._assets)
        return 0
