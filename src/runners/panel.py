"""The one ControlPanel of a running bot (Telegram, dashboard, metrics) over its services."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version

from mexcore.lots import BelowMinimum
from mexcore.money import CENT, ZERO, format_decimal, format_step
from mexcore.panel import (
    AssetPnl,
    AutobuyView,
    Opportunity,
    OrdersView,
    PnlView,
    PortfolioView,
    PriceHistory,
    Purchase,
    RunnerStatus,
    UnknownAssetError,
    UnknownRunnerError,
)
from mexcore.policies import BotConfig
from mexcore.ports import Store
from mexcore.services.deps import ServiceDeps
from mexcore.services.market import STABLES, MarketView
from mexcore.services.market_orders import MarketOrders
from mexcore.services.portfolio_rebalance import PortfolioRebalancer
from mexcore.services.portfolio_record import held_portfolio, target_bases
from mexcore.state import Cursors, PauseFlags, RunnerStatuses
from mexcore.state import RunnerStatus as StoredStatus
from mexcore.values import PortfolioSnapshot, Side
from runners.loop import RunnerLoop
from runners.panel_vs import portfolio_view
from runners.summary import positions_by_symbol

MANUAL = "telegram"
RECENT = 20
BTC_MARKETS = ("BTCUSDT", "BTCUSDC")
HISTORY_WHOLE_MS = 2 * 86_400_000  # the value history's last two days, every snapshot
HISTORY_STRETCHES = 360  # older snapshots: the low and the high of each of these stretches


class ServicePanel:
    """What `/status`, `/portfolio`, `/pnl`, `/sell` … read and do, for one bot process."""

    def __init__(
        self, deps: ServiceDeps, config: BotConfig, loops: Sequence[RunnerLoop], config_text: str
    ) -> None:
        self._deps, self._config, self._config_text = deps, config, config_text
        self._names = [loop.name for loop in loops]
        self._intervals = {loop.name: loop.interval_s for loop in loops}
        self._pauses = PauseFlags(deps.store)
        self._statuses = RunnerStatuses(deps.store)

    async def statuses(self) -> Sequence[RunnerStatus]:
        """Return every runner: paused or not, its last and next tick, its last error."""
        pauses = self._pauses.state()
        return [self._status(name, pauses.is_paused(name)) for name in self._names]

    def _status(self, name: str, paused: bool) -> RunnerStatus:
        return panel_status(self._statuses.get(name), paused, self._intervals[name])

    async def portfolio(self) -> PortfolioView:
        """Return balances, USDT values, weights and the BTC/ETH target weights."""
        view = await MarketView.load(self._deps.exchange)
        targets = self._config.balance_monitor.targets
        now = held_portfolio(view, self._deps.clock.now_ms(), target_bases(targets))
        return portfolio_view(now, self._deps.store, targets, view.rules)

    async def pnl(self) -> PnlView:
        """Return the average-cost position of every symbol in the fill journal."""
        view = await MarketView.load(self._deps.exchange)
        rows = []
        for symbol, p in positions_by_symbol(list(self._deps.store.fills()), view).items():
            price, rules = view.price(symbol), view.rules[symbol]
            unrealised = p.unrealised(price) if price is not None else ZERO
            rows.append(AssetPnl(f"{p.base} ({symbol})", _to(p.quantity, rules.qty_step),
                                 _to(p.avg_cost, rules.price_tick), p.realised_pnl, unrealised,
                                 symbol, p.fees_paid))
        return PnlView(rows)

    async def autobuy(self) -> AutobuyView:
        """Return the scanner's last opportunities, the last plan and the last purchases."""
        return autobuy_view(self._deps.store)

    async def orders(self) -> OrdersView:
        """Return the open orders and the journal's recent fills."""
        open_orders = await self._deps.exchange.open_orders()
        return OrdersView(open_orders, list(self._deps.store.fills())[-RECENT:])

    async def pause(self, runner: str | None = None) -> Sequence[str]:
        """Pause new orders of one runner or of all."""
        self._check(runner)
        self._pauses.pause(runner)
        return [runner] if runner else list(self._names)

    async def resume(self, runner: str | None = None) -> Sequence[str]:
        """Allow new orders of one runner or of all again."""
        self._check(runner)
        self._pauses.resume(runner)
        return [runner] if runner else list(self._names)

    def _check(self, runner: str | None) -> None:
        if runner is not None and runner not in self._names:
            raise UnknownRunnerError(runner)

    async def sell(self, asset: str) -> str:
        """Sell the free balance of `asset` at market in its USDT (else USDC) market."""
        view = await MarketView.load(self._deps.exchange)
        symbol = next((s for s in (f"{asset}USDT", f"{asset}USDC") if view.tradeable(s)), None)
        price = view.price(symbol) if symbol else None
        if asset in STABLES or symbol is None or price is None or view.free(asset) <= ZERO:
            raise UnknownAssetError(asset)
        value = view.free(asset) * price
        async with self._deps.funds.spending(MANUAL, asset):
            order = await MarketOrders(MANUAL, self._deps).sell_value(
                view, symbol, value, f"/sell {asset} from Telegram")
        if isinstance(order, BelowMinimum):
            return f"Not sold: {order}."
        return (f"Sold {format_decimal(order.executed_qty)} {asset} on {symbol} for "
                f"{format_decimal(order.cumm_quote_qty)} ({order.status}).")

    async def rebalance(self) -> str:
        """Run the portfolio rebalance once, now."""
        rebalancer = PortfolioRebalancer(self._deps, self._config.portfolio_rebalance,
                                         self._config.balance_monitor)
        orders = await rebalancer.tick()
        return f"Rebalance ran: {orders} action(s); see the notifications for the details."

    async def config_text(self) -> str:
        """Return the effective configuration, secrets redacted."""
        return self._config_text

    async def version(self) -> str:
        """Return the installed mexbot version and the mode."""
        try:
            installed = version("mexbot")
        except PackageNotFoundError:
            installed = "unknown"
        return f"mexbot {installed} ({self._config.mode} mode)"

    async def portfolio_snapshots(self) -> Sequence[PortfolioSnapshot]:
        """Return the stored portfolio snapshots, oldest first, older ones thinned (bounded)."""
        return thinned_history(self._deps.store.snapshots())

    async def btc_price_history(self) -> PriceHistory:
        """Return the last 24 hourly candles of BTCUSDT (else BTCUSDC); none if neither is."""
        rules = await self._deps.exchange.symbol_rules()
        symbol = next((s for s in BTC_MARKETS if s in rules), None)
        if symbol is None:
            return PriceHistory(BTC_MARKETS[0])
        return PriceHistory(symbol, await self._deps.exchange.candles(symbol, "60m", 24))


def panel_status(s: StoredStatus, paused: bool, interval_s: float | None) -> RunnerStatus:
    """Return the panel's record of a runner from its stored status."""
    return RunnerStatus(s.runner, paused, s.last_tick_ms, s.next_tick_ms, s.last_error or None,
                        interval_s, s.ticks, s.actions, s.errors, s.last_error_ms)


def autobuy_view(store: Store) -> AutobuyView:
    """Return the scanner's last opportunities, the last plan and the last purchases."""
    raw = Cursors(store, "scanner").get("last_opportunities") or []
    assert isinstance(raw, list)
    opportunities = [Opportunity(str(o["symbol"]), Decimal(str(o["score"])),
                                 tuple(str(r) for r in o["reasons"]))
                     for o in raw if isinstance(o, dict) and isinstance(o["reasons"], list)]
    plan = Cursors(store, "balance_monitor").get("last_plan")
    return AutobuyView(opportunities, _plan_lines(plan), _purchases(store))


def _purchases(store: Store) -> list[Purchase]:
    runner_of = {i.client_order_id: i.runner for i in store.intents()}
    buys = [f for f in store.fills() if f.side is Side.BUY][-RECENT:]
    return [Purchase(f.time_ms, runner_of.get(f.client_order_id, "unknown"), f.symbol,
                     f.qty, f.quote_qty, f.price) for f in buys]


def thinned_history(snapshots: Sequence[PortfolioSnapshot]) -> list[PortfolioSnapshot]:
    """Keep the last two days whole; thin older ones to the first and each stretch's extremes.

    A year of 15-minute snapshots is 35,040; the charts and today's change get at most
    1 + 2 × HISTORY_STRETCHES older ones, with every low and high a chart would draw.
    """
    if not snapshots:
        return []
    cut = bisect.bisect_left(snapshots, snapshots[-1].time_ms - HISTORY_WHOLE_MS, key=_time)
    if cut <= 2 * HISTORY_STRETCHES:
        return list(snapshots)
    kept = {0}
    bounds = [cut * k // HISTORY_STRETCHES for k in range(HISTORY_STRETCHES + 1)]
    for lo, hi in itertools.pairwise(bounds):
        stretch = range(lo, hi)
        kept.add(min(stretch, key=lambda i: snapshots[i].total_value))
        kept.add(max(stretch, key=lambda i: snapshots[i].total_value))
    return [snapshots[i] for i in sorted(kept)] + list(snapshots[cut:])


def _time(snapshot: PortfolioSnapshot) -> int:
    return snapshot.time_ms


def _plan_lines(plan: object) -> list[str]:
    if isinstance(plan, str):
        return [plan]
    if not isinstance(plan, list):
        return []
    return [_plan_line(p) for p in plan if isinstance(p, dict)]


def _plan_line(p: dict[str, object]) -> str:
    """One planned buy: the amount in cents of its quote, the filter's multiplier named once."""
    reason, factor = str(p["reason"]), f"×{format_decimal(Decimal(str(p['multiplier'])))}"
    why = reason if factor in reason else f"{reason}, {factor}"
    symbol = str(p["symbol"])
    quote = next((f" {q}" for q in sorted(STABLES) if symbol.endswith(q)), "")
    amount = format_step(Decimal(str(p["amount"])), CENT)
    return f"{symbol}: {p['quantity']} @ {p['price']} = {amount}{quote} ({why})"


def _to(value: Decimal, step: Decimal) -> Decimal:
    """Round half-even to the places of `step`: what the exchange's precision means."""
    return Decimal(format_step(value, step))
