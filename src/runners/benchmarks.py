"""Benchmarks as pure functions: buy-and-hold quantities, their value, return and drawdown.

A run is only worth something next to what a passive holder got: holding the start balances,
and putting all start funds into the balance targets (BTC/ETH 60/40) at the start and holding.
Money is exact `Decimal` USDT.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from mexcore.money import ONE, ZERO
from mexcore.values import SymbolRules
from runners.backtest_metrics import Point, max_drawdown, total_return

DEFAULT_TAKER_FEE = Decimal("0.0005")  # MEXC spot taker rate, as SymbolRules defaults


@attrs.frozen
class Benchmark:
    """One strategy over the run: its value at the start and end, and its deepest fall."""

    key: str  # "bot", "hold", "targets": stable names for JSON
    label: str
    start_value: Decimal
    final_value: Decimal
    drawdown: Decimal  # deepest fall from a running peak, a fraction in [-1, 0]
    series: tuple[Point, ...] = attrs.field(default=(), eq=False, repr=False)  # for charts

    @property
    def total_return(self) -> Decimal:
        return total_return(self.start_value, self.final_value)


def benchmark(key: str, label: str, points: Sequence[Point]) -> Benchmark:
    """Return the benchmark of a value series (time order; the first point is the start)."""
    if not points:
        raise ValueError(f"benchmark {key!r} needs at least one value")
    return Benchmark(key, label, points[0][1], points[-1][1], max_drawdown(points).fraction,
                     tuple(points))


def split_funds(
    funds: Decimal, weights: Mapping[str, Decimal], fee_rates: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Return the USDT value each asset holds after spending `funds` by `weights` less fees.

    >>> split_funds(Decimal(100), {"BTC": Decimal("0.6"), "ETH": Decimal("0.4")}, {})
    {'BTC': Decimal('60.0'), 'ETH': Decimal('40.0')}
    """
    if funds < ZERO:
        raise ValueError(f"funds to split must not be negative, got {funds}")
    if any(w < ZERO for w in weights.values()) or sum(weights.values(), ZERO) > ONE:
        raise ValueError(f"weights must be ≥ 0 and add up to at most 1, got {dict(weights)}")
    return {a: funds * w * (ONE - fee_rates.get(a, ZERO)) for a, w in weights.items()}


def buy_quantities(
    funds: Decimal, weights: Mapping[str, Decimal], prices: Mapping[str, Decimal],
    fee_rates: Mapping[str, Decimal],
) -> dict[str, Decimal]:
    """Return the quantity of each asset bought with `funds` by `weights` at `prices`."""
    missing = sorted(a for a in weights if prices.get(a, ZERO) <= ZERO)
    if missing:
        raise ValueError(f"no price to buy {', '.join(missing)} at")
    return {a: v / prices[a] for a, v in split_funds(funds, weights, fee_rates).items()}


def holding_value(quantities: Mapping[str, Decimal], prices: Mapping[str, Decimal]) -> Decimal:
    """Return the USDT value of `quantities` at `prices` (an asset without a price counts 0)."""
    return sum((q * prices[a] for a, q in quantities.items() if a in prices), ZERO)


def targets_label(weights: Mapping[str, Decimal]) -> str:
    """Name the buy-and-hold benchmark by its weights: `buy BTC/ETH 60/40 and hold`."""
    assets = "/".join(weights)
    split = "/".join(f"{w * 100:.0f}" for w in weights.values())
    return f"buy {assets} {split} and hold"


def target_assets(
    targets: Mapping[str, Decimal], rules: Mapping[str, SymbolRules]
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Return the weight and taker fee rate of each base asset of the target symbols."""
    weights: dict[str, Decimal] = {}
    fees: dict[str, Decimal] = {}
    for symbol, weight in targets.items():
        rule = rules.get(symbol)
        base = rule.base if rule is not None else symbol.removesuffix("USDC").removesuffix("USDT")
        weights[base] = weights.get(base, ZERO) + weight
        fees[base] = rule.taker_fee if rule is not None else DEFAULT_TAKER_FEE
    return weights, fees
