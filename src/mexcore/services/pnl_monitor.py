"""PnLMonitor (SPEC §1.3): sell BTC/ETH at profit by average cost, rebalance, summarise."""

from __future__ import annotations

import logging
from decimal import Decimal

from mexcore.allocation import redistribute
from mexcore.durations import every
from mexcore.lots import BelowMinimum
from mexcore.money import CENT, ZERO, format_decimal, format_step
from mexcore.policies import PnlMonitorPolicy
from mexcore.ports import Level
from mexcore.positions import Position
from mexcore.quiet import Quiet
from mexcore.services.deps import ServiceDeps
from mexcore.services.fills import FillSync
from mexcore.services.market import MarketView
from mexcore.services.market_orders import MarketOrders
from mexcore.services.profit import ProfitTaker, Sale
from mexcore.services.refusals import REFUSED, SymbolRefusals
from mexcore.services.warnings import WarnOnce
from mexcore.state import Throttle
from mexcore.trade_side import may_trade
from mexcore.values import Side

log = logging.getLogger(__name__)
NAME = "pnl_monitor"


class PnlMonitor:
    """Every `interval_s`: sync the fill journal, sell positions in profit, send summaries."""

    name = NAME

    def __init__(
        self, deps: ServiceDeps, policy: PnlMonitorPolicy,
        targets: dict[str, Decimal], reserve: Decimal,
    ) -> None:
        self._deps, self.policy = deps, policy
        self._targets, self._reserve = targets, reserve
        self._taker = ProfitTaker(NAME, deps)
        self._orders = MarketOrders(NAME, deps)
        self._sync = FillSync(deps.exchange, deps.store)
        self._throttle = Throttle(deps.store)
        self._warn = WarnOnce(deps.store, deps.notifier, NAME)
        self._refusals = SymbolRefusals(deps.store, deps.notifier, NAME)
        self.quiet: Quiet | None = None

    async def tick(self) -> int:
        """Run one check; return the number of sales, post-sale buys and summaries."""
        self.quiet = None
        view = await MarketView.load(self._deps.exchange)
        # An unlisted symbol has no fills to read: it is warned about below, not fatal here.
        await self._sync.sync([s for s in self.policy.symbols if s in view.rules])
        actions = 0
        for symbol in self.policy.symbols:
            if not view.tradeable(symbol):
                await self._warn.once(symbol, f"{symbol} is not listed, not API-tradeable or "
                                              "closed to trading")
                continue
            sale = await self._taker.take_or_warn(symbol, view, self.policy.profit_threshold,
                                                  self.policy.sell_price_factor)
            if sale is not None:
                actions += 1 + await self._post_sale(sale)
        if actions == 0:  # nothing sold: quiet until a profit level or the next summary
            summaries = await self._maybe_summary()
            self.quiet = self._quiet(view)
            return summaries
        return actions + await self._maybe_summary()

    def _quiet(self, view: MarketView) -> Quiet | None:
        """Quiet until a price reaches its profit level or the next summary is due."""
        symbols = self.policy.symbols
        if not all(view.tradeable(s) for s in symbols):
            return None
        levels = self._taker.wake_levels(symbols, view, self.policy.profit_threshold)
        if levels is None:
            return None
        return Quiet(self._throttle.next_ms("pnl.summary", self.policy.summary_interval_s),
                     levels)

    async def _post_sale(self, sale: Sale) -> int:
        if not self.policy.post_sale_rebalance or sale.order.cumm_quote_qty <= ZERO:
            return 0
        await self._sync.sync([sale.symbol])
        quote = sale.position.quote
        async with self._deps.funds.spending(NAME, quote):
            view = await MarketView.load(self._deps.exchange)
            plan = redistribute(sale.order.cumm_quote_qty, view.free(quote), self._reserve,
                                self._targets)
            placed = 0
            for symbol, amount in plan.items():
                placed += await self._buy(view, symbol, amount, sale)
        return placed

    async def _buy(self, view: MarketView, symbol: str, amount: Decimal, sale: Sale) -> int:
        rules = view.rules.get(symbol)
        if rules is None or not may_trade(rules, Side.BUY):
            return 0  # unlisted or not buyable now: the PnL loop warns about unlisted symbols
        try:
            # The sale in the reason: the rebuys after two sales are two decisions (two ids).
            reason = f"post-sale rebalance ({sale.symbol} sale)"
            order = await self._orders.buy(view, symbol, amount, reason)
        except REFUSED as e:
            await self._refusals.warn(symbol, e, "post-sale buy")
            return 0
        if isinstance(order, BelowMinimum):
            await self._refusals.warn(symbol, order, "post-sale buy")
            return 0
        return 1

    async def _maybe_summary(self) -> int:
        now = self._deps.clock.now_ms()
        if not self._throttle.allow("pnl.summary", now, self.policy.summary_interval_s):
            return 0
        if not self._deps.notifier.wants(Level.INFO):
            return 0  # due, but nobody would receive it: neither rendered nor counted
        view = await MarketView.load(self._deps.exchange)
        positions = {s: self._taker.position(s, view) for s in self.policy.symbols}
        text = pnl_summary(view, positions, self.policy.summary_interval_s)
        await self._deps.notifier.send("pnl.summary", text, Level.INFO)
        return 1


def pnl_summary(
    view: MarketView, positions: dict[str, Position | None], every_s: int | None = None
) -> str:
    """Render BTC/ETH value, the whole portfolio's value and PnL per asset (and how often)."""
    values = view.values_usdt()
    core = sum((values.get(a, ZERO) for a in ("BTC", "ETH")), ZERO)
    heading = "" if every_s is None else f"PnL summary, {every(every_s)}: "
    total = sum(values.values(), ZERO)
    lines = [f"{heading}BTC/ETH value {_usd(core)} USDT; portfolio {_usd(total)} "
             f"USDT (stablecoins {_usd(values.get('USDT', ZERO) + values.get('USDC', ZERO))})"]
    for symbol, position in positions.items():
        price = view.price(symbol)
        if position is None or price is None:
            continue
        tick = view.rules[symbol].price_tick if symbol in view.rules else CENT
        lines.append(
            f"  {position.base}: qty {format_decimal(position.quantity)}, avg cost "
            f"{format_step(position.avg_cost, tick)}, realised {_usd(position.realised_pnl)}, "
            f"unrealised {_usd(position.unrealised(price))} {position.quote}")
    return "\n".join(lines)


def _usd(value: Decimal) -> str:
    return format_step(value, CENT)
