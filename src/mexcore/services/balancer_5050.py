"""Active5050Balancer (SPEC §1.5): keep alts vs BTC/ETH at 50/50 by buying the lagging side."""

from __future__ import annotations

import logging

from mexcore.allocation import split_alts_majors
from mexcore.lots import BelowMinimum
from mexcore.money import CENT, format_step
from mexcore.planning import Skip, safe_amount
from mexcore.planning_5050 import Leg, Operation5050, plan_5050
from mexcore.policies import Balancer5050Policy
from mexcore.ports import Level
from mexcore.quiet import Quiet
from mexcore.services.deps import ServiceDeps
from mexcore.services.market import MarketView
from mexcore.services.market_orders import MarketOrders, went_through
from mexcore.services.refusals import REFUSED, SymbolRefusals
from mexcore.services.warnings import WarnOnce
from mexcore.state import Cooldowns
from mexcore.trade_side import may_trade
from mexcore.values import Side

log = logging.getLogger(__name__)
NAME = "balancer_5050"


class Balancer5050:
    """Every `interval_s`: if the split is off by more than `deviation`, buy the lagging side."""

    name = NAME

    def __init__(self, deps: ServiceDeps, policy: Balancer5050Policy) -> None:
        self._deps, self.policy = deps, policy
        self._orders = MarketOrders(NAME, deps)
        self._cooldowns = Cooldowns(deps.store)
        self._warn = WarnOnce(deps.store, deps.notifier, NAME)
        self._refusals = SymbolRefusals(deps.store, deps.notifier, NAME)
        self.quiet: Quiet | None = None

    async def tick(self) -> int:
        """Run one check; return the number of market buys placed."""
        self.quiet = None
        now = self._deps.clock.now_ms()
        async with self._deps.funds.spending(NAME, "USDC"):
            view = await MarketView.load(self._deps.exchange)
            await self._warn_untradeable(view)
            alts, majors = split_alts_majors(view.values_usdt())
            plan = plan_5050(alts, majors, view.free("USDC"),
                             self._cooldowns.ready(NAME, now), self._tradeable(view), self.policy)
            if isinstance(plan, Skip):
                log.debug("%s: %s", NAME, plan.reason)
                self.quiet = self._quiet(view, now)
                return 0
            # Started before placing, so a crash between the orders keeps the cooldown.
            self._deps.executor.check_not_paused(NAME)
            self._cooldowns.start(NAME, now, self.policy.cooldown_s)
            placed = [leg for leg in plan.legs if await self._buy(view, leg, plan)]
        if placed:
            await self._deps.notifier.send("balancer.5050", _report(plan, placed), Level.ALERT)
        return len(placed)

    def _quiet(self, view: MarketView, now: int) -> Quiet | None:
        """Quiet while cooling down, or while the free USDC cannot fund an operation."""
        if not all(_buyable(view, s) for s in self._symbols()):
            return None
        if not self._cooldowns.ready(NAME, now):
            return Quiet(until_ms=self._cooldowns.until_ms(NAME))
        p = self.policy
        spendable = safe_amount(view.free("USDC"), p.min_balance, p.max_operation, p.reserve)
        return Quiet() if isinstance(spendable, Skip) else None  # else: prices decide

    def _symbols(self) -> list[str]:
        return [*self.policy.btc_eth_targets, *self.policy.alts]

    def _tradeable(self, view: MarketView) -> set[str]:
        return {s for s in self._symbols() if _buyable(view, s) and view.price(s) is not None}

    async def _warn_untradeable(self, view: MarketView) -> None:
        for symbol in self._symbols():
            if not _buyable(view, symbol):
                await self._warn.once(symbol, f"{symbol} is not listed, not API-tradeable or "
                                              "not buyable now (tradeSideType); skipped")

    async def _buy(self, view: MarketView, leg: Leg, plan: Operation5050) -> bool:
        reason = f"{plan.action.value} (alts share {plan.decision.alts_share:.3f})"
        try:
            order = await self._orders.buy(view, leg.symbol, leg.quote_amount, reason)
        except REFUSED as e:  # the other legs go on
            await self._refusals.warn(leg.symbol, e, "50/50 buy")
            return False
        if not isinstance(order, BelowMinimum) and not went_through(order):
            log.warning("%s: %s ended %s with nothing bought", NAME, leg.symbol, order.status)
        return went_through(order)


def _buyable(view: MarketView, symbol: str) -> bool:
    rules = view.rules.get(symbol)
    return rules is not None and may_trade(rules, Side.BUY)


def _report(plan: Operation5050, placed: list[Leg]) -> str:
    legs = ", ".join(f"{leg.symbol} {format_step(leg.quote_amount, CENT)}"
                     for leg in placed)
    missed = [leg.symbol for leg in plan.legs if leg not in placed]
    text = (f"50/50 balancer: {plan.action.value} for "
            f"{format_step(plan.total, CENT)} USDC "
            f"(alts share {plan.decision.alts_share:.1%}): {legs}")
    return text + (f"; not bought: {', '.join(missed)}" if missed else "")
