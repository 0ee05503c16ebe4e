"""MarketScanner (SPEC §1.1): scan USDT pairs, score them, report, auto-buy the best one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from decimal import Decimal

from mexcore.antihype import check_buy
from mexcore.durations import every
from mexcore.errors import MexbotError
from mexcore.lots import BelowMinimum
from mexcore.money import CENT, format_decimal, format_step
from mexcore.planning import scanner_buy_amount, scanner_min_free
from mexcore.policies import AntiHypePolicy, ScannerPolicy
from mexcore.ports import Level
from mexcore.quiet import Quiet
from mexcore.scanner_buy import scaled_buy_amount
from mexcore.scoring import PairScore, ScanLists, classify, score_pair
from mexcore.services.deps import ServiceDeps
from mexcore.services.market import MarketView
from mexcore.services.market_orders import MarketOrders
from mexcore.services.refusals import REFUSED, SymbolRefusals
from mexcore.services.scanner_advice import ScannerAdvice
from mexcore.services.signals import read_signals
from mexcore.state import Cursors
from mexcore.trade_side import may_trade
from mexcore.universe import select_universe
from mexcore.values import Order, Side

log = logging.getLogger(__name__)
NAME = "scanner"
BUY_TRIES = 3  # opportunities tried in one scan when the exchange refuses the better ones


class MarketScanner:
    """Every `interval_s`: select the universe, analyse it concurrently, report, auto-buy."""

    name = NAME

    def __init__(self, deps: ServiceDeps, policy: ScannerPolicy, antihype: AntiHypePolicy) -> None:
        self._exchange, self._notifier, self._clock = deps.exchange, deps.notifier, deps.clock
        self._funds = deps.funds
        self._orders = MarketOrders(NAME, deps)
        self.policy, self.antihype = policy, antihype
        self.last_lists = ScanLists()
        self._cursors = Cursors(deps.store, NAME)
        self._refusals = SymbolRefusals(deps.store, deps.notifier, NAME)
        self._advice = ScannerAdvice(deps.advisor, deps.store, deps.notifier, deps.clock)
        self.quiet: Quiet | None = None

    async def tick(self) -> int:
        """Run one scan cycle; return the number of actions (reports sent, orders placed)."""
        self.quiet = None
        view = await MarketView.load(self._exchange)
        symbols = select_universe(view.tickers, view.rules, self.policy)
        scores = await self._analyse_all(symbols, view)
        self.last_lists = classify(scores, self.policy.min_score)
        self._remember(self.last_lists)
        cycle = self._count_cycle()
        actions = await self._maybe_report(self.last_lists, len(symbols), cycle)
        if self.last_lists.buy_opportunities:
            bought = await self._auto_buy(self.last_lists.buy_opportunities)
            if bought:
                return actions + bought
        if scanner_buy_amount(view.free("USDT"), self.policy) is None:
            self.quiet = self._quiet_without_funds(cycle)
        return actions

    def _count_cycle(self) -> int:
        """Count scan intervals rather than scans, so that a skipped quiet scan still counts."""
        now, interval_ms = self._clock.now_ms(), self.policy.interval_s * 1000
        last = self._cursors.get_int("last_scan_ms")
        elapsed = 1 if last is None or now <= last else max(1, round((now - last) / interval_ms))
        cycle = (self._cursors.get_int("cycles") or 0) + elapsed
        self._cursors.set("cycles", cycle)
        self._cursors.set("last_scan_ms", now)
        return cycle

    def _quiet_without_funds(self, cycle: int) -> Quiet | None:
        """Without USDT to buy with, only reports matter: sleep to the next report cycle, or,
        when nobody would receive a report, until enough USDT is free to buy with."""
        if not self._notifier.wants(Level.INFO):
            return Quiet(funds={"USDT": scanner_min_free(self.policy)})
        every = self.policy.report_every_cycles
        ahead = every - cycle % every
        if ahead <= 1:
            return None
        return Quiet(until_ms=self._clock.now_ms() + ahead * self.policy.interval_s * 1000)

    async def _analyse_all(self, symbols: Sequence[str], view: MarketView) -> list[PairScore]:
        gate = asyncio.Semaphore(self.policy.concurrency)

        async def one(symbol: str) -> PairScore | None:
            async with gate:
                return await self._analyse(symbol, view)

        results = await asyncio.gather(*(one(s) for s in symbols))
        return [r for r in results if r is not None]

    async def _analyse(self, symbol: str, view: MarketView) -> PairScore | None:
        try:
            signals = await read_signals(self._exchange, view.tickers[symbol],
                                         self.policy.candle_interval, self.policy.candles)
        except MexbotError as e:
            log.warning("scanner: %s skipped: %s", symbol, e)
            return None
        verdict = check_buy(signals.antihype_inputs, self.antihype)
        return score_pair(symbol, signals.indicators, verdict)

    def _remember(self, lists: ScanLists) -> None:
        self._cursors.set("last_opportunities", [
            {"symbol": p.symbol, "score": p.score, "reasons": list(p.reasons)}
            for p in lists.buy_opportunities[:10]
        ])

    async def _maybe_report(self, lists: ScanLists, scanned: int, cycle: int) -> int:
        if cycle % self.policy.report_every_cycles != 0 or not self._notifier.wants(Level.INFO):
            return 0  # a report nobody would receive is neither rendered nor counted
        every_s = self.policy.interval_s * self.policy.report_every_cycles
        text = scan_report(lists, scanned, every_s)
        await self._notifier.send("scanner.report", text, Level.INFO)
        return 1

    async def _auto_buy(self, opportunities: Sequence[PairScore]) -> int:
        """Buy the best opportunity the exchange accepts, trying at most `BUY_TRIES` of them.

        The anti-hype multiplier scales the amount, then the cap and the minimum apply again.
        A candidate the advisor vetoes (`[advisor] veto_buys`) is passed over like a refused one.
        """
        bought: tuple[PairScore, Order, Decimal] | None = None
        async with self._funds.spending(NAME, "USDT"):
            view = await MarketView.load(self._exchange)
            for pair in opportunities[:BUY_TRIES]:
                amount = scaled_buy_amount(view.free("USDT"), self.policy, pair.multiplier)
                order = None if amount is None else await self._buy(view, pair, amount)
                if order is not None and amount is not None:
                    bought = pair, order, amount
                    break
        if bought is None:
            return 0
        pair, order, amount = bought
        await self._notifier.send(f"buy.{pair.symbol}", buy_text(pair, order, amount), Level.ALERT)
        self._advice.explain_buy(pair, amount, order)
        return 1

    async def _buy(self, view: MarketView, pair: PairScore, amount: Decimal) -> Order | None:
        """Market-buy `amount` of `pair`; a refusal (warned about once) or a veto gives None."""
        symbol = pair.symbol
        rules = view.rules.get(symbol)
        if rules is None or not may_trade(rules, Side.BUY):
            return None
        if await self._advice.veto(pair, amount) is not None:
            return None
        try:
            order = await self._orders.buy(view, symbol, amount, "scanner auto-buy")
        except REFUSED as e:
            await self._refusals.warn(symbol, e, "auto-buy")
            return None
        if isinstance(order, BelowMinimum):
            await self._refusals.warn(symbol, order, "auto-buy")
            return None
        return order


def scan_report(lists: ScanLists, scanned: int, every_s: int | None = None) -> str:
    """Render the scan lists as plain text (and how often the report comes)."""
    reported = "" if every_s is None else f", reported {every(every_s)}"
    found = len(lists.buy_opportunities)
    lines = [f"Scan of {scanned} USDT pairs{reported}: {found} opportunities, "
             f"{len(lists.neutral)} neutral, {len(lists.blocked)} blocked"]
    for pair in lists.buy_opportunities[:10]:
        lines.append(f"  {pair.symbol} score {pair.score}: {'; '.join(pair.reasons)}")
    for pair in lists.blocked[:5]:
        lines.append(f"  blocked {pair.symbol}: {'; '.join(pair.reasons)}")
    return "\n".join(lines)


def buy_text(best: PairScore, order: Order, amount: Decimal) -> str:
    """Render a successful auto-buy with price, quantity, amount and reasons."""
    price = order.avg_price
    price_text = format_decimal(price.quantize(Decimal("0.00000001"))) if price else "pending"
    return (f"BUY {order.symbol} (score {best.score}): {format_decimal(order.executed_qty)} @ "
            f"{price_text} for {format_step(order.cumm_quote_qty, CENT)} of planned "
            f"{format_step(amount, CENT)} USDT ({order.status}). "
            f"Reasons: {'; '.join(best.reasons)}")
