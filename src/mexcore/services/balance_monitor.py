"""BalanceMonitor (SPEC §1.2): buy BTC/ETH with USDC as a maker, 60/40, with anti-hype filters."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal

from mexcore.allocation import allocation_state
from mexcore.antihype import FilterResult, check_buy, check_rebalance
from mexcore.errors import MexbotError, SkipSymbol
from mexcore.lots import round_quote
from mexcore.money import CENT, ZERO, format_decimal, format_step
from mexcore.planning import (
    MarketInputs,
    PlannedBuy,
    PurchasePlan,
    Skip,
    plan_balance_purchase,
    safe_amount,
)
from mexcore.planning_5050 import plan_usdc_top_up
from mexcore.policies import AntiHypePolicy, BalanceMonitorPolicy
from mexcore.ports import Level
from mexcore.pricing import MAKER_BOOK_LEVELS, maker_buy_price
from mexcore.quiet import Quiet
from mexcore.services.deps import ServiceDeps
from mexcore.services.fees import with_account_fees
from mexcore.services.maker_orders import MakerBuyer, MakerMiss, MakerResult
from mexcore.services.market import MarketView
from mexcore.services.market_orders import MarketOrders, went_through
from mexcore.services.refusals import REFUSED, SymbolRefusals
from mexcore.services.signals import read_signals
from mexcore.state import Cooldowns, Cursors
from mexcore.trade_side import may_trade
from mexcore.values import Side, SymbolRules, Ticker24h

log = logging.getLogger(__name__)
NAME = "balance_monitor"
SIGNAL_INTERVAL, SIGNAL_CANDLES = "15m", 100


class BalanceMonitor:
    """Every `interval_s`: look after resting orders, then plan and place one purchase."""

    name = NAME

    def __init__(
        self, deps: ServiceDeps, policy: BalanceMonitorPolicy, antihype: AntiHypePolicy
    ) -> None:
        self._deps, self.policy, self._antihype = deps, policy, antihype
        self._maker = MakerBuyer(NAME, deps, policy)
        self._market_orders = MarketOrders(NAME, deps)
        self._cooldowns = Cooldowns(deps.store)
        self._memory = Cursors(deps.store, NAME)
        self._refusals = SymbolRefusals(deps.store, deps.notifier, NAME)
        self.quiet: Quiet | None = None

    async def tick(self) -> int:
        """Run one check; return the number of orders placed, requoted or cancelled."""
        self.quiet = None
        rules = dict(await self._deps.exchange.symbol_rules())
        actions, still_open = await self._maker.look_after(rules)
        now = self._deps.clock.now_ms()
        if still_open:
            return actions
        if not self._cooldowns.ready(NAME, now):
            if not actions:
                self.quiet = Quiet(until_ms=self._cooldowns.until_ms(NAME))
            return actions
        async with self._deps.funds.spending(NAME, "USDC", "USDT"):
            view = await MarketView.load(self._deps.exchange)
            if self.policy.top_up_from_usdt and view.free("USDC") < self.policy.min_balance:
                actions += await self._top_up(view)
                view = await MarketView.load(self._deps.exchange)
            plan = await self._plan(view)
            if plan.buys:  # before placing: a crash in between must not lose the cooldown
                self._deps.executor.check_not_paused(NAME)
                self._cooldowns.start(NAME, now, self.policy.cooldown_s)
            results = [await self._place(view, buy) for buy in plan.buys]
        self._remember(plan)
        if not actions and not plan.buys and self._nothing_to_spend(view):
            self.quiet = Quiet()  # until the account changes: no price makes USDC spendable
        return actions + await self._report(plan, results)

    async def _report(self, plan: PurchasePlan, results: list[MakerResult | MakerMiss]) -> int:
        """Notify what was bought and what the exchange ended unfilled; return orders placed."""
        placed = [r for r in results if isinstance(r, MakerResult)]
        missed = [r for r in results if isinstance(r, MakerMiss) and r.attempts and not r.refused]
        if placed or missed:
            await self._deps.notifier.send("balance.buy", purchase_report(plan, placed, missed),
                                           Level.ALERT)
        return len(placed)

    async def _plan(self, view: MarketView) -> PurchasePlan:
        free, p = view.free("USDC"), self.policy
        nothing = safe_amount(free, p.min_balance, p.max_purchase, p.reserve)
        if isinstance(nothing, Skip):  # skip reading books and candles: nothing to spend
            return PurchasePlan(reason=nothing.reason)
        return plan_balance_purchase(free, self._held(view), await self._inputs(view), p)

    def _nothing_to_spend(self, view: MarketView) -> bool:
        """Tell whether neither the USDC nor a top-up from USDT could fund a purchase."""
        p = self.policy
        if not isinstance(safe_amount(view.free("USDC"), p.min_balance, p.max_purchase,
                                      p.reserve), Skip):
            return False
        if not p.top_up_from_usdt or view.free("USDC") >= p.min_balance:
            return True
        rules = view.rules.get("USDCUSDT")
        return (rules is None or not may_trade(rules, Side.BUY)
                or round_quote(view.free("USDT"), rules) < rules.min_notional_market)

    def _held(self, view: MarketView) -> dict[str, Decimal]:
        values = {}
        for symbol in self.policy.targets:
            rules, price = view.rules.get(symbol), view.price(symbol)
            values[symbol] = view.total(rules.base) * price if rules and price else ZERO
        return values

    async def _inputs(self, view: MarketView) -> MarketInputs:
        state = allocation_state(self._held(view), self.policy.targets,
                                 self.policy.rebalance_deviation)
        prices, verdicts = {}, {}
        for symbol in self.policy.targets:
            rules, ticker = view.rules.get(symbol), view.tickers.get(symbol)
            if rules is None or ticker is None or not await self._may_buy(rules):
                continue
            book = await self._deps.exchange.order_book(symbol, MAKER_BOOK_LEVELS)
            price = maker_buy_price(book, rules, ticker.last_price)
            if price is not None:
                prices[symbol] = price
                verdicts[symbol] = await self._verdict(ticker, state.rebalance_mode)
        return MarketInputs(prices, view.rules, verdicts)

    async def _may_buy(self, rules: SymbolRules) -> bool:
        """Tell whether `rules.symbol` may be bought now; warn once when it may not."""
        if may_trade(rules, Side.BUY):
            return True
        await self._refusals.warn(rules.symbol, SkipSymbol(rules.symbol, (
            f"buying is not allowed now (tradeSideType {rules.trade_side.value}, status "
            f"{rules.status.value})")), "maker buy")
        return False

    async def _verdict(self, ticker: Ticker24h, rebalance: bool) -> FilterResult:
        try:
            signals = await read_signals(self._deps.exchange, ticker, SIGNAL_INTERVAL,
                                         SIGNAL_CANDLES)
        except MexbotError as e:
            return FilterResult(ZERO, f"no signals: {e}")
        check = check_rebalance if rebalance else check_buy
        return check(signals.antihype_inputs, self._antihype)

    async def _place(self, view: MarketView, buy: PlannedBuy) -> MakerResult | MakerMiss:
        # The order's reason names its client id (its purpose): kept as it was, so a decision
        # retried across an upgrade keeps its id.
        reason = f"{buy.filter_reason} (×{format_decimal(buy.multiplier)})"
        # Capped at the planned amount: the book may have moved up since the plan read it.
        return await self._maker.place(view.rules[buy.symbol], buy.quantity, reason,
                                       max_value=buy.amount)

    async def _top_up(self, view: MarketView) -> int:
        """Buy the USDC the next purchase needs with USDT, one small market step per tick."""
        rules, price = view.rules.get("USDCUSDT"), view.price("USDCUSDT")
        if rules is None or price is None or not await self._may_buy(rules):
            return 0
        required = self.policy.min_balance + self.policy.reserve
        balances = {"USDC": view.free("USDC"), "USDT": view.free("USDT")}
        rules = await with_account_fees(self._deps.exchange, rules)
        top_up = plan_usdc_top_up(required, balances, price, rules)
        if isinstance(top_up, Skip):
            return 0
        try:
            order = await self._market_orders.buy(view, "USDCUSDT", top_up.quote_qty,
                                                  "USDC top-up from USDT")
        except REFUSED as e:  # the purchase goes on with the USDC there is
            await self._refusals.warn("USDCUSDT", e, "USDC top-up from USDT")
            return 0
        return 1 if went_through(order) else 0

    def _remember(self, plan: PurchasePlan) -> None:
        self._memory.set("last_plan", [
            {"symbol": b.symbol, "amount": str(b.amount), "quantity": str(b.quantity),
             "price": str(b.price), "reason": b.filter_reason, "multiplier": str(b.multiplier)}
            for b in plan.buys
        ] or plan.reason)


def purchase_report(
    plan: PurchasePlan, placed: list[MakerResult], missed: Sequence[MakerMiss] = ()
) -> str:
    """Render what was bought and why: maker/taker, order type, book snapshot, multipliers.

    A buy whose every order ended without a fill is listed as not bought, with the reason.
    """
    mode = "rebalance mode, lagging " + str(plan.lagging) if plan.rebalance_mode else "60/40"
    currency = plan.buys[0].currency if plan.buys else "USDC"
    lines = [f"Balance monitor {_verb(placed)} ({mode}); safe amount "
             f"{format_step(plan.safe_amount, CENT)} {currency}"]
    for result in placed:
        order, book = result.order, result.book
        buy = next(b for b in plan.buys if b.symbol == order.symbol)
        status = order.status if order.status.is_open else (
            f"{order.status} with {format_decimal(order.executed_qty)} filled")
        lines.append(
            f"  {order.symbol}: {format_decimal(order.orig_qty)} @ "
            f"{format_decimal(order.price or ZERO)} LIMIT_MAKER (maker, attempt "
            f"{result.attempts}), {status}; book bid {book.best_bid} / ask "
            f"{book.best_ask}; {buy_reason(buy)}")
    lines.extend(f"  {m.symbol}: not bought after {m.attempts} attempt(s): {m.reason}"
                 for m in missed)
    return "\n".join(lines)


def _verb(placed: Sequence[MakerResult]) -> str:
    """Say 'placed' for orders resting on the book, 'bought' only for what filled."""
    resting = sum(1 for r in placed if r.order.status.is_open)
    filled = len(placed) - resting
    said = [f"placed {resting} maker buy{'s' if resting > 1 else ''}"] if resting else []
    if filled:
        said.insert(0, "bought")
    return " and ".join(said) or "bought nothing"


def buy_reason(buy: PlannedBuy) -> str:
    """Return the filter's reason with its multiplier, named once."""
    factor = f"×{format_decimal(buy.multiplier)}"
    return buy.filter_reason if factor in buy.filter_reason else f"{buy.filter_reason} {factor}"
