"""The backtest report: every number of a finished run, built from the journal and the market."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from adapters.fake.market import MarketData
from mexcore.money import ZERO
from mexcore.ports import Store
from mexcore.positions import Position, apply_fill
from mexcore.services.scanner_advice import veto_count
from mexcore.values import Fill, Side
from runners.backtest_metrics import (
    Drawdown,
    daily_values,
    max_drawdown,
    period_returns,
    sharpe,
    sortino,
    time_in_market,
    total_return,
    win_rate,
)
from runners.benchmark_run import hold_value, usdt_price_at
from runners.benchmarks import Benchmark
from runners.sim import SimRun

CHARTED_MARKETS = ("BTCUSDT", "BTCUSDC")  # the trades chart draws the first one there is


@attrs.frozen
class Trade:
    """One fill of the run, with the runner that placed it and, for a sell, its realised PnL."""

    fill: Fill
    runner: str
    realised: Decimal | None  # in the quote; None for a buy


@attrs.frozen
class ComponentReport:
    """What one runner did and earned (USDT; realised PnL of its sells net of fees)."""

    name: str
    actions: int
    orders: int
    trades: int
    sells: int
    win_rate: Decimal | None
    bought: Decimal
    sold: Decimal
    fees: Decimal
    realised: Decimal


@attrs.frozen
class AssetReport:
    """One symbol's position at the end: quantity, average cost and PnL in its quote."""

    symbol: str
    quote: str
    quantity: Decimal
    avg_cost: Decimal
    realised: Decimal
    unrealised: Decimal | None
    price_tick: Decimal | None = attrs.field(default=None, kw_only=True)  # for display

    @property
    def pnl(self) -> Decimal:
        return self.realised + (self.unrealised or ZERO)


@attrs.frozen
class ValuePoint:
    """The portfolio at one moment: its value, the value of holding, each asset's value."""

    time_ms: int
    value: Decimal
    hold: Decimal
    assets: Mapping[str, Decimal] = attrs.field(factory=dict)


@attrs.frozen
class BacktestReport:
    """Every number of a backtest; money in USDT unless a field says otherwise."""

    start_ms: int
    end_ms: int
    start_value: Decimal
    final_value: Decimal
    hold_value: Decimal
    fees: Decimal
    components: Sequence[ComponentReport]
    assets: Sequence[AssetReport]
    drawdown: Drawdown
    sharpe: float | None
    sortino: float | None
    time_in_market: Decimal
    trades: Sequence[Trade]
    series: Sequence[ValuePoint]
    benchmarks: Sequence[Benchmark] = ()  # the bot, holding, buying the targets and holding
    vetoes: int = 0  # scanner buys the advisor withheld ([advisor] veto_buys)
    explanation: str | None = None  # the advisor's paragraph about the period ([advisor])

    @property
    def pnl(self) -> Decimal:
        return self.final_value - self.start_value

    @property
    def total_return(self) -> Decimal:
        return total_return(self.start_value, self.final_value)

    @property
    def hold_return(self) -> Decimal:
        return total_return(self.start_value, self.hold_value)


def trades_of(store: Store) -> list[Trade]:
    """Return every journaled fill with its runner and, for sells, the PnL it realised."""
    runner_of = {i.client_order_id: i.runner for i in store.intents()}
    running: dict[str, Position] = {}
    trades = []
    for fill in store.fills():
        base, quote = _base_quote(fill.symbol)
        before = running.get(fill.symbol, Position(base, quote))
        after = running[fill.symbol] = apply_fill(before, fill)
        realised = after.realised_pnl - before.realised_pnl if fill.side is Side.SELL else None
        trades.append(Trade(fill, runner_of.get(fill.client_order_id, "unknown"), realised))
    return trades


def _base_quote(symbol: str) -> tuple[str, str]:
    for quote in ("USDT", "USDC"):
        if symbol.endswith(quote) and symbol != quote:
            return symbol.removesuffix(quote), quote
    return symbol, ""


def value_series(
    run: SimRun, store: Store, market: MarketData, start_balances: Mapping[str, Decimal]
) -> list[ValuePoint]:
    """Return the start, every snapshot inside the run, and the end, in time order."""
    summary = run.summary
    points = [ValuePoint(run.start_ms, summary.start_value,
                         hold_value(market, start_balances, run.start_ms), {})]
    for snap in store.snapshots(run.start_ms):
        if run.start_ms < snap.time_ms < run.end_ms:
            points.append(ValuePoint(snap.time_ms, snap.total_value,
                                     hold_value(market, start_balances, snap.time_ms),
                                     dict(snap.values)))
    if len(points) > 1:  # the allocation at the start is the first snapshot's
        points[0] = attrs.evolve(points[0], assets=points[1].assets)
    end_assets = {a: v for a, v in _end_values(run, market).items() if v > ZERO}
    points.append(ValuePoint(run.end_ms, summary.final_value,
                             hold_value(market, start_balances, run.end_ms), end_assets))
    return points


def _end_values(run: SimRun, market: MarketData) -> dict[str, Decimal]:
    done = market.completed(run.end_ms)
    prices = {a: usdt_price_at(market, a, done) for a in run.summary.balances}
    return {a: q * p for a, q in run.summary.balances.items() if (p := prices[a]) is not None}


def components_of(run: SimRun, trades: Sequence[Trade]) -> list[ComponentReport]:
    """Return one report per runner: the summary's totals plus sells and win rate."""
    outcomes: dict[str, list[Decimal]] = defaultdict(list)
    for trade in trades:
        if trade.realised is not None:
            outcomes[trade.runner].append(trade.realised)
    return [
        ComponentReport(name, s.actions, s.orders, s.fills, len(outcomes[name]),
                        win_rate(outcomes[name]), s.bought, s.sold, s.fees, s.realised)
        for name, s in sorted(run.summary.components.items())
    ]


def assets_of(run: SimRun) -> list[AssetReport]:
    """Return each traded symbol's final position and PnL (in its quote currency)."""
    result = []
    for symbol, p in run.summary.positions.items():
        price = run.summary.prices.get(symbol)
        rules = run.summary.rules.get(symbol)
        result.append(AssetReport(symbol, p.quote, p.quantity, p.avg_cost, p.realised_pnl,
                                  p.unrealised(price) if price is not None else None,
                                  price_tick=rules.price_tick if rules else None))
    return result


def build_report(
    run: SimRun, store: Store, market: MarketData, start_balances: Mapping[str, Decimal]
) -> BacktestReport:
    """Compute every number of the report from a finished run, its Store and its market."""
    trades = trades_of(store)
    series = value_series(run, store, market, start_balances)
    returns = period_returns([v for _, v in daily_values((p.time_ms, p.value) for p in series)])
    return BacktestReport(
        start_ms=run.start_ms, end_ms=run.end_ms, start_value=run.summary.start_value,
        final_value=run.summary.final_value, hold_value=series[-1].hold,
        fees=run.summary.fees_usdt, components=components_of(run, trades),
        assets=assets_of(run), drawdown=max_drawdown([(p.time_ms, p.value) for p in series]),
        sharpe=sharpe(returns), sortino=sortino(returns),
        time_in_market=time_in_market([p.assets for p in series[1:-1]]),
        trades=trades, series=series, benchmarks=run.summary.benchmarks,
        vetoes=veto_count(store),
    )
