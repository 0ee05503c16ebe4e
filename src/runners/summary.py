"""The end-of-run summary of sim and backtests: trades, fees, PnL by component and asset."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from mexcore.money import ZERO, format_decimal, format_step
from mexcore.ports import Store
from mexcore.positions import Position, apply_fill, position_from_fills, third_asset_fee
from mexcore.services.market import STABLES, MarketView
from mexcore.values import Fill, Side, SymbolRules
from runners.benchmarks import Benchmark

CENT = Decimal("0.01")


@attrs.frozen
class ComponentStats:
    """What one runner did: actions, orders, fills, volumes, fees, realised PnL of its sells."""

    actions: int = 0
    orders: int = 0
    fills: int = 0
    bought: Decimal = ZERO
    sold: Decimal = ZERO
    fees: Decimal = ZERO
    realised: Decimal = ZERO


@attrs.frozen
class RunSummary:
    """Numbers of a finished run, all in USDT unless the field says otherwise."""

    start_value: Decimal
    final_value: Decimal
    trades: int
    fees_usdt: Decimal
    components: Mapping[str, ComponentStats]
    positions: Mapping[str, Position]
    prices: Mapping[str, Decimal]
    balances: Mapping[str, Decimal]
    rules: Mapping[str, SymbolRules] = attrs.field(factory=dict)  # of the positions' symbols
    benchmarks: tuple[Benchmark, ...] = ()  # the bot first, then what a passive holder got

    @property
    def pnl(self) -> Decimal:
        return self.final_value - self.start_value


def summarise(
    store: Store, view: MarketView, start_value: Decimal, actions: Mapping[str, int]
) -> RunSummary:
    """Build the summary from the Store's journal and the final market view."""
    fills = list(store.fills())
    runner_of = {i.client_order_id: i.runner for i in store.intents()}
    positions = positions_by_symbol(fills, view)
    prices = {s: p for s in positions if (p := view.price(s)) is not None}
    components = _components(fills, runner_of, actions, view, store)
    fees = sum((view.usdt_value(f.fee_asset, f.fee) for f in fills), ZERO)
    balances = {a: b.total for a, b in sorted(view.balances.items()) if b.total > 0}
    final = sum(view.values_usdt().values(), ZERO)
    rules = {s: view.rules[s] for s in positions}
    return RunSummary(start_value, final, len(fills), fees, components, positions, prices,
                      balances, rules=rules)


def positions_by_symbol(fills: Sequence[Fill], view: MarketView) -> dict[str, Position]:
    """Return the average-cost position of every symbol with fills; stablecoins are cash."""
    by_symbol: dict[str, list[Fill]] = defaultdict(list)
    for fill in fills:
        by_symbol[fill.symbol].append(fill)
    positions = {}
    for symbol, group in sorted(by_symbol.items()):
        rules = view.rules.get(symbol)
        if rules is not None and rules.base not in STABLES:
            positions[symbol] = position_from_fills(group, rules.base, rules.quote,
                                                    view.fee_prices(rules.quote))
    return positions


def _components(
    fills: Sequence[Fill], runner_of: Mapping[str, str], actions: Mapping[str, int],
    view: MarketView, store: Store,
) -> dict[str, ComponentStats]:
    stats = {name: ComponentStats(actions=count) for name, count in actions.items()}
    for intent in store.intents():
        current = stats.get(intent.runner, ComponentStats())
        stats[intent.runner] = attrs.evolve(current, orders=current.orders + 1)
    realised = _realised_by_fill(fills, view)
    for fill in fills:
        name = runner_of.get(fill.client_order_id, "unknown")
        s = stats.get(name, ComponentStats())
        quote_value = view.usdt_value(_quote(view, fill.symbol), fill.quote_qty)
        stats[name] = attrs.evolve(
            s, fills=s.fills + 1,
            bought=s.bought + (quote_value if fill.side is Side.BUY else ZERO),
            sold=s.sold + (quote_value if fill.side is Side.SELL else ZERO),
            fees=s.fees + view.usdt_value(fill.fee_asset, fill.fee),
            realised=s.realised + realised.get(fill.trade_id, ZERO))
    return stats


def _realised_by_fill(fills: Sequence[Fill], view: MarketView) -> dict[str, Decimal]:
    """Attribute each sell's realised PnL (average cost) to the fill that realised it."""
    result: dict[str, Decimal] = {}
    running: dict[str, Position] = {}
    for fill in fills:  # the journal's order: oldest first, as position_from_fills folds
        rules = view.rules.get(fill.symbol)
        if rules is None:
            continue
        before = running.get(fill.symbol) or Position(rules.base, rules.quote)
        third = third_asset_fee(fill, rules.base, rules.quote)
        prices = view.fee_prices(rules.quote) if third else {}
        after = running[fill.symbol] = apply_fill(before, fill, prices)
        if fill.side is Side.SELL:
            result[fill.trade_id] = after.realised_pnl - before.realised_pnl
    return result


def _quote(view: MarketView, symbol: str) -> str:
    rules = view.rules.get(symbol)
    return rules.quote if rules is not None else "USDT"


def render_summary(summary: RunSummary) -> str:
    """Render the summary as a plain-text report."""
    c = CENT
    change = summary.pnl / summary.start_value if summary.start_value else ZERO
    lines = [
        "=== mexbot run summary ===",
        f"Portfolio value: {summary.start_value.quantize(c)} → {summary.final_value.quantize(c)}"
        f" USDT ({summary.pnl.quantize(c):+} USDT, {change:+.2%})",
        f"Trades (fills): {summary.trades}; fees paid: {summary.fees_usdt.quantize(c)} USDT",
        "By component (actions / orders / fills / bought / sold / fees / realised PnL, USDT):",
    ]
    for name, s in sorted(summary.components.items()):
        lines.append(f"  {name:<20} {s.actions:>5} {s.orders:>5} {s.fills:>5} "
                     f"{s.bought.quantize(c):>10} {s.sold.quantize(c):>10} "
                     f"{s.fees.quantize(c):>7} {s.realised.quantize(c):>8}")
    lines.append("By asset (quantity, average cost, realised, unrealised, in the quote):")
    for symbol, p in summary.positions.items():
        price = summary.prices.get(symbol)
        unreal = p.unrealised(price).quantize(c) if price is not None else "n/a"
        rules = summary.rules.get(symbol)
        qty = format_step(p.quantity, rules.qty_step) if rules else format_decimal(p.quantity)
        cost = format_step(p.avg_cost, rules.price_tick if rules else c)
        lines.append(f"  {symbol:<10} {qty:>14} {cost:>12}"
                     f" {p.realised_pnl.quantize(c):>9} {unreal!s:>9}")
    lines.append("Final balances: " + balances_text(summary.balances))
    return "\n".join(lines + render_benchmarks(summary.benchmarks))


def render_benchmarks(benchmarks: Sequence[Benchmark]) -> list[str]:
    """Render the bot next to its benchmarks: final value, return and max drawdown."""
    if not benchmarks:
        return []
    lines = ["Compared with (final value USDT / return / max drawdown):"]
    width = max(len(b.label) for b in benchmarks)
    for b in benchmarks:
        lines.append(f"  {b.label:<{width}} {b.final_value.quantize(CENT):>12} "
                     f"{b.total_return:>+8.2%} {b.drawdown:>+8.2%}")
    return lines


def balances_text(balances: Mapping[str, Decimal]) -> str:
    """Render balances for a person: 'USDT 300.00, BTC 0.001' (no Decimal reprs)."""
    return ", ".join(f"{a} {_balance(a, v)}" for a, v in balances.items())


def _balance(asset: str, value: Decimal) -> str:
    """Cash to cents; other assets exactly (the exchange's steps are their precision)."""
    return format_step(value, CENT) if asset in STABLES else format_decimal(value)
