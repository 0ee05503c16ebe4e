"""The benchmarks of a simulated run, priced on its market data at the bot's snapshot times."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from adapters.fake.market import MarketData
from mexcore.money import ONE
from mexcore.ports import Store
from mexcore.values import SymbolRules
from runners.benchmarks import (
    Benchmark,
    benchmark,
    buy_quantities,
    holding_value,
    target_assets,
    targets_label,
)


@attrs.frozen
class RunWindow:
    """Where a run starts and ends, and the bot's portfolio value (USDT) at both ends."""

    start_ms: int
    end_ms: int
    start_value: Decimal
    final_value: Decimal


def usdt_price_at(market: MarketData, asset: str, done: int) -> Decimal | None:
    """Return the USDT price of `asset` after `done` minutes: direct, or through USDC."""
    if asset == "USDT":
        return ONE
    peg = market.last_price("USDCUSDT", done) if market.has("USDCUSDT") else ONE
    if asset == "USDC":
        return peg
    if market.has(f"{asset}USDT"):
        return market.last_price(f"{asset}USDT", done)
    if market.has(f"{asset}USDC"):
        return market.last_price(f"{asset}USDC", done) * peg
    return None


def prices_at(market: MarketData, assets: Iterable[str], time_ms: int) -> dict[str, Decimal]:
    """Return the USDT price at `time_ms` of each asset that has one."""
    done = market.completed(time_ms)
    prices = {a: usdt_price_at(market, a, done) for a in assets}
    return {a: p for a, p in prices.items() if p is not None}


def hold_value(market: MarketData, balances: Mapping[str, Decimal], time_ms: int) -> Decimal:
    """Return the USDT value at `time_ms` of simply holding `balances`."""
    return holding_value(balances, prices_at(market, balances, time_ms))


def sample_times(store: Store, window: RunWindow) -> list[int]:
    """Return the start, the time of every snapshot inside the run, and the end."""
    inside = [t for t, _ in store.snapshot_totals(window.start_ms)
              if window.start_ms < t < window.end_ms]
    return [window.start_ms, *inside, window.end_ms]


def targets_quantities(
    market: MarketData, window: RunWindow, targets: Mapping[str, Decimal],
    rules: Mapping[str, SymbolRules],
) -> dict[str, Decimal] | None:
    """Return what all start funds buy at the start by `targets` (None: no targets or prices)."""
    weights, fees = target_assets(targets, rules)
    if not weights:
        return None
    try:
        return buy_quantities(window.start_value, weights,
                              prices_at(market, weights, window.start_ms), fees)
    except ValueError:
        return None


def run_benchmarks(
    market: MarketData, store: Store, window: RunWindow, start_balances: Mapping[str, Decimal],
    targets: Mapping[str, Decimal], rules: Mapping[str, SymbolRules],
) -> tuple[Benchmark, ...]:
    """Return the bot, holding the start balances, and buying the targets at the start."""
    times = sample_times(store, window)
    values = dict(store.snapshot_totals(window.start_ms))
    bot = [(window.start_ms, window.start_value),
           *((t, values[t]) for t in times[1:-1]), (window.end_ms, window.final_value)]
    hold = [(window.start_ms, window.start_value),
            *((t, hold_value(market, start_balances, t)) for t in times[1:])]
    result = [benchmark("bot", "bot", bot), benchmark("hold", "hold the start balances", hold)]
    quantities = targets_quantities(market, window, targets, rules)
    if quantities is not None:
        series = [(window.start_ms, window.start_value),
                  *((t, hold_value(market, quantities, t)) for t in times)]
        result.append(benchmark("targets", targets_label(target_assets(targets, rules)[0]),
                                series))
    return tuple(result)


def benchmark_of(benchmarks: Sequence[Benchmark], key: str) -> Benchmark | None:
    """Return the benchmark named `key`, or None."""
    return next((b for b in benchmarks if b.key == key), None)
