"""AltsMonitor (SPEC §1.4): the PnL monitor's logic over every alt position, threshold $0.15."""

from __future__ import annotations

from mexcore.policies import AltsMonitorPolicy, PnlMonitorPolicy
from mexcore.quiet import Quiet
from mexcore.services.deps import ServiceDeps
from mexcore.services.fills import FillSync
from mexcore.services.market import CORE_ASSETS, MarketView
from mexcore.services.profit import ProfitTaker

NAME = "alts_monitor"


class AltsMonitor:
    """Every `interval_s`: sell any alt position (USDT or USDC market) in profit."""

    name = NAME

    def __init__(self, deps: ServiceDeps, policy: AltsMonitorPolicy, pnl: PnlMonitorPolicy) -> None:
        self._deps, self.policy, self._factor = deps, policy, pnl.sell_price_factor
        self._taker = ProfitTaker(NAME, deps)
        self._sync = FillSync(deps.exchange, deps.store)
        self.quiet: Quiet | None = None

    async def tick(self) -> int:
        """Run one check; return the number of sales placed."""
        self.quiet = None
        view = await MarketView.load(self._deps.exchange)
        symbols = alt_symbols(view)
        await self._sync.sync(symbols)
        sales = 0
        for symbol in symbols:
            sale = await self._taker.take_or_warn(symbol, view, self.policy.profit_threshold,
                                                  self._factor)
            sales += sale is not None
        if not sales:  # quiet until an alt reaches its profit level (or the account moves)
            levels = self._taker.wake_levels(symbols, view, self.policy.profit_threshold)
            self.quiet = None if levels is None else Quiet(rises_to=levels)
        return sales


def alt_symbols(view: MarketView) -> list[str]:
    """Return the USDT and USDC markets of every alt held, when the exchange trades them."""
    symbols = []
    for asset, balance in sorted(view.balances.items()):
        if asset in CORE_ASSETS or balance.total <= 0:
            continue
        symbols += [s for s in (f"{asset}USDT", f"{asset}USDC") if view.tradeable(s)]
    return symbols
