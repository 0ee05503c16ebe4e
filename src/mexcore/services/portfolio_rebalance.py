"""The hourly portfolio rebalance (SPEC §1.3): restore BTC/ETH 60/40, blocked on negative PnL."""

from __future__ import annotations

import logging
from decimal import Decimal

from mexcore.allocation import RebalanceLeg, plan_portfolio_rebalance, rebalance_block_reason
from mexcore.errors import SkipSymbol
from mexcore.lots import BelowMinimum
from mexcore.money import ZERO, format_decimal
from mexcore.policies import BalanceMonitorPolicy, PortfolioRebalancePolicy
from mexcore.ports import Level
from mexcore.positions import position_from_fills
from mexcore.quiet import Quiet
from mexcore.services.deps import ServiceDeps
from mexcore.services.journal_positions import JournalPositions
from mexcore.services.market import MarketView
from mexcore.services.market_orders import MarketOrders, went_through
from mexcore.services.refusals import REFUSED, SymbolRefusals
from mexcore.state import Cursors
from mexcore.trade_side import may_trade
from mexcore.values import Order, Side

log = logging.getLogger(__name__)
NAME = "portfolio_rebalance"
MIN_LEG = Decimal("5")
BLOCKED_KEY = "blocked"  # set while the block has been notified


class PortfolioRebalancer:
    """Every `interval_s`: sell the overweight of BTC/ETH into USDC and buy the underweight."""

    name = NAME
    quiet: Quiet | None = None  # no promise: ticks every interval

    def __init__(
        self, deps: ServiceDeps, policy: PortfolioRebalancePolicy, targets: BalanceMonitorPolicy
    ) -> None:
        self._deps, self.policy, self._targets = deps, policy, dict(targets.targets)
        self._orders = MarketOrders(NAME, deps)
        self._journal = JournalPositions(deps.store)
        self._refusals = SymbolRefusals(deps.store, deps.notifier, NAME)
        self._memory = Cursors(deps.store, NAME)

    async def tick(self) -> int:
        """Rebalance once; return the number of orders placed (or 1 for a new block notice)."""
        async with self._deps.funds.spending(NAME, "USDC", "BTC", "ETH"):
            view = await MarketView.load(self._deps.exchange)
            blocked = rebalance_block_reason(self._total_pnl(view), self.policy)
            if blocked is not None:
                return await self._notify_block(blocked)
            await self._notify_unblock()
            legs = plan_portfolio_rebalance(self._values(view), self._targets, MIN_LEG)
            placed = [leg for leg in legs if await self._execute(view, leg)]
        if placed:
            await self._deps.notifier.send("rebalance.done", _report(placed), Level.ALERT)
        return len(placed)

    async def _notify_block(self, reason: str) -> int:
        """Alert that the rebalance is blocked, once per block: an unchanged state is no news."""
        if self._memory.get(BLOCKED_KEY):
            return 0
        self._memory.set(BLOCKED_KEY, True)
        await self._deps.notifier.send("rebalance.blocked",
                                       f"Portfolio rebalance blocked: {reason}", Level.ALERT)
        return 1

    async def _notify_unblock(self) -> None:
        """Tell once that a notified block has ended; the next block is news again."""
        if not self._memory.get(BLOCKED_KEY):
            return
        self._memory.set(BLOCKED_KEY, None)
        await self._deps.notifier.send("rebalance.unblocked",
                                       "Portfolio rebalance no longer blocked", Level.INFO)

    def _values(self, view: MarketView) -> dict[str, Decimal]:
        values = {}
        for symbol in self._targets:
            rules, price = view.rules.get(symbol), view.price(symbol)
            values[symbol] = view.total(rules.base) * price if rules and price else ZERO
        return values

    def _total_pnl(self, view: MarketView) -> Decimal:
        total = ZERO
        for symbol in self._targets:
            rules, price = view.rules.get(symbol), view.price(symbol)
            folded = self._journal.folded(symbol, rules) if rules and price else None
            if rules is None or price is None or folded is None:
                continue
            position = folded.position
            if folded.third_asset_fee:  # the fee asset's price, now (MissingFeePrice if none)
                position = position_from_fills(self._deps.store.fills(symbol), rules.base,
                                               rules.quote, view.fee_prices(rules.quote))
            total += position.total_pnl(price)
        return total

    async def _execute(self, view: MarketView, leg: RebalanceLeg) -> bool:
        rules = view.rules.get(leg.symbol)
        if rules is None:
            return False
        reason = f"portfolio rebalance {leg.side} {format_decimal(leg.quote_amount)}"
        try:
            if not may_trade(rules, leg.side):
                raise SkipSymbol(leg.symbol, f"{leg.side} is not allowed now (tradeSideType "
                                 f"{rules.trade_side.value}, status {rules.status.value})")
            if leg.side is Side.SELL:
                order = await self._orders.sell_value(view, leg.symbol, leg.quote_amount, reason)
            else:
                order = await self._buy(leg, reason)
        except REFUSED as e:  # the other legs go on
            await self._refusals.warn(leg.symbol, e, f"rebalance {leg.side}")
            return False
        return went_through(order)

    async def _buy(self, leg: RebalanceLeg, reason: str) -> Order | BelowMinimum:
        # The sells brought in less than planned (spread, fees): buy with what is there.
        view = await MarketView.load(self._deps.exchange)
        free = view.free(view.rules[leg.symbol].quote)
        return await self._orders.buy(view, leg.symbol, min(leg.quote_amount, free), reason)


def _report(legs: list[RebalanceLeg]) -> str:
    parts = [f"{leg.side} {leg.symbol} {leg.quote_amount.quantize(Decimal('0.01'))}"
             for leg in legs]
    return "Portfolio rebalanced to the BTC/ETH targets: " + ", ".join(parts)
