"""Backtest metrics as pure functions: returns, drawdown, Sharpe/Sortino, win rate, exposure.

Values are exact `Decimal` USDT amounts; only the risk ratios (Sharpe, Sortino) are floats,
since they are statistics, not money.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import pairwise

import attrs

from mexcore.money import ZERO

DAY_MS = 86_400_000
DAYS_PER_YEAR = 365  # crypto trades every day
STABLE_ASSETS = frozenset({"USDT", "USDC"})
IN_MARKET_SHARE = Decimal("0.01")

Point = tuple[int, Decimal]  # (time in ms, portfolio value in USDT)


@attrs.frozen
class Drawdown:
    """The deepest fall from a running peak: as a fraction (≤ 0), in USDT (≤ 0), and when."""

    fraction: Decimal = ZERO
    value: Decimal = ZERO
    peak_ms: int | None = None
    trough_ms: int | None = None


def total_return(start: Decimal, final: Decimal) -> Decimal:
    """Return the fractional change from `start` to `final`: 600 → 612 is 0.02 (zero if no start).

    >>> total_return(Decimal(600), Decimal(612))
    Decimal('0.02')
    """
    return (final - start) / start if start > ZERO else ZERO


def drawdowns(values: Sequence[Decimal]) -> list[Decimal]:
    """Return each value's fall from its running peak as a fraction ≤ 0.

    >>> drawdowns([Decimal(100), Decimal(90), Decimal(120)])
    [Decimal('0'), Decimal('-0.1'), Decimal('0')]
    """
    result: list[Decimal] = []
    peak = ZERO
    for value in values:
        peak = max(peak, value)
        result.append((value - peak) / peak if peak > ZERO else ZERO)
    return result


def max_drawdown(points: Sequence[Point]) -> Drawdown:
    """Return the deepest drawdown of a value series (time order), with its peak and trough.

    100 → 120 → 90 → 130: the deepest fall is 120 → 90, -30 USDT, -25 %.
    """
    worst = Drawdown()
    peak_ms, peak = None, ZERO
    for time_ms, value in points:
        if value > peak or peak_ms is None:
            peak_ms, peak = time_ms, value
        fraction = (value - peak) / peak if peak > ZERO else ZERO
        if fraction < worst.fraction:
            worst = Drawdown(fraction, value - peak, peak_ms, time_ms)
    return worst


def daily_values(points: Iterable[Point]) -> list[Point]:
    """Return the last value of each UTC day (time order in, time order out).

    A point at exactly midnight closes the day before: a run from 00:00 of day 1 to 00:00 of
    day 31 gives 31 values (its start, then the close of each of its 30 days).
    """
    last: dict[int, Point] = {}
    for time_ms, value in points:
        last[(time_ms - 1) // DAY_MS] = (time_ms, value)
    return [last[day] for day in sorted(last)]


def period_returns(values: Sequence[Decimal]) -> list[Decimal]:
    """Return the fractional change between consecutive values: [100, 110, 99] → [0.1, -0.1].

    >>> period_returns([Decimal(100), Decimal(110), Decimal(99)])
    [Decimal('0.1'), Decimal('-0.1')]
    """
    return [(b - a) / a if a > ZERO else ZERO for a, b in pairwise(values)]


def sharpe(returns: Sequence[Decimal], periods_per_year: int = DAYS_PER_YEAR) -> float | None:
    """Return the annualised Sharpe ratio (risk-free rate 0): mean / stdev × √periods.

    None with fewer than two returns or no variation.
    """
    if len(returns) < 2:
        return None
    xs = [float(r) for r in returns]
    mean = sum(xs) / len(xs)
    stdev = math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - 1))
    return mean / stdev * math.sqrt(periods_per_year) if stdev > 0 else None


def sortino(returns: Sequence[Decimal], periods_per_year: int = DAYS_PER_YEAR) -> float | None:
    """Return the annualised Sortino ratio: mean / downside deviation × √periods (target 0).

    The downside deviation is √(Σ min(r, 0)² / n); None without any losing period.
    """
    if len(returns) < 2:
        return None
    xs = [float(r) for r in returns]
    downside = math.sqrt(sum(min(x, 0.0) ** 2 for x in xs) / len(xs))
    return sum(xs) / len(xs) / downside * math.sqrt(periods_per_year) if downside > 0 else None


def win_rate(realised: Iterable[Decimal]) -> Decimal | None:
    """Return the share of sells with realised PnL > 0 (None without sells): 3 of 4 → 0.75.

    >>> win_rate([Decimal(1), Decimal(2), Decimal("0.5"), Decimal(-1)])
    Decimal('0.75')
    """
    outcomes = list(realised)
    if not outcomes:
        return None
    return Decimal(sum(1 for r in outcomes if r > ZERO)) / Decimal(len(outcomes))


def in_market(values: Mapping[str, Decimal], share: Decimal = IN_MARKET_SHARE) -> bool:
    """Tell whether non-stable assets exceed `share` of the total value of one snapshot."""
    total = sum(values.values(), ZERO)
    exposed = sum((v for a, v in values.items() if a not in STABLE_ASSETS), ZERO)
    return total > ZERO and exposed > share * total


def time_in_market(snapshots: Sequence[Mapping[str, Decimal]]) -> Decimal:
    """Return the share of snapshots in the market (see `in_market`); zero without snapshots.

    >>> time_in_market([{"USDT": Decimal(99), "BTC": Decimal(2)}, {"USDT": Decimal(100)}])
    Decimal('0.5')
    """
    if not snapshots:
        return ZERO
    return Decimal(sum(1 for s in snapshots if in_market(s))) / Decimal(len(snapshots))
