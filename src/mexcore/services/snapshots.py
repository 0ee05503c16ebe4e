"""Record the portfolio's value over time, for charts and reports (SPEC §4)."""

from __future__ import annotations

from mexcore.money import ZERO
from mexcore.quiet import Quiet
from mexcore.services.deps import ServiceDeps
from mexcore.services.market import MarketView
from mexcore.values import PortfolioSnapshot

NAME = "snapshots"


class PortfolioSnapshots:
    """Every `interval_s`: store the USDT value of each asset and of the whole portfolio."""

    name = NAME
    quiet: Quiet | None = None  # no promise: ticks every interval

    def __init__(self, deps: ServiceDeps) -> None:
        self._deps = deps

    async def tick(self) -> int:
        """Take one snapshot; snapshots are bookkeeping, not actions, so return 0."""
        view = await MarketView.load(self._deps.exchange)
        values = view.values_usdt()
        self._deps.store.add_snapshot(PortfolioSnapshot(
            self._deps.clock.now_ms(), sum(values.values(), ZERO), values))
        return 0
