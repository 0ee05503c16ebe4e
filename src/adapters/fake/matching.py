"""Matching rules: an incoming order walks the book; a resting order fills on the candle path.

Path model: within one minute the price moves open → low → high → close when the candle closes
up (close ≥ open) and open → high → low → close when it closes down, each leg taking a third of
the minute. A resting buy fills when the path reaches its price (low ≤ price), a resting sell
when high ≥ price, at its own limit price, at most `participation` × the minute's volume.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal

import attrs

from mexcore.money import ONE, ZERO
from mexcore.values import BookLevel


@attrs.frozen
class Trade:
    """One taker execution against a book level."""

    price: Decimal
    qty: Decimal


def crosses(price: Decimal, limit: Decimal | None, is_buy: bool) -> bool:
    """Tell whether a level at `price` is acceptable to an order limited at `limit`."""
    if limit is None:
        return True
    return price <= limit if is_buy else price >= limit


def walk_by_qty(
    levels: Iterable[BookLevel], qty: Decimal, limit: Decimal | None, is_buy: bool
) -> tuple[list[Trade], bool]:
    """Take up to `qty` from the best levels within `limit`; return the trades and if all filled."""
    trades: list[Trade] = []
    left = qty
    for level in levels:
        if left <= ZERO or not crosses(level.price, limit, is_buy):
            break
        take = min(left, level.qty)
        trades.append(Trade(level.price, take))
        left -= take
    return trades, left <= ZERO


def walk_by_budget(
    asks: Iterable[BookLevel], budget: Decimal, fee_rate: Decimal, qty_step: Decimal
) -> tuple[list[Trade], bool]:
    """Buy with at most `budget` quote, fees included; return the trades and if the budget ran out.

    Example: budget 10, ask 3.00 × 100, fee 0.1 %: affordable = floor(10 / 3.003) = 3 units
    (step 1), costing 9.009 with the fee, leaving 0.991 — less than one more unit, so done.
    """
    trades: list[Trade] = []
    left = budget
    for level in asks:
        unit_cost = level.price * (ONE + fee_rate)
        affordable = (left / unit_cost).quantize(qty_step, rounding=ROUND_DOWN)
        take = min(affordable, level.qty)
        if take <= ZERO:
            return trades, True
        trades.append(Trade(level.price, take))
        left -= take * unit_cost
        if take < level.qty:
            return trades, True
    return trades, False


def touch_fraction(
    candle: tuple[float, float, float, float], price: float, is_buy: bool
) -> float | None:
    """Return when (0 … 1 of the minute) the path first reaches `price`, or None if never.

    >>> touch_fraction((10.0, 13.0, 7.0, 12.0), 8.5, True)  # up candle: 10 → 7 first
    0.16666666666666666
    """
    o, h, low, c = candle
    path = (o, low, h, c) if c >= o else (o, h, low, c)
    for leg in range(3):
        a, b = path[leg], path[leg + 1]
        start_ok = a <= price if is_buy else a >= price
        if start_ok:
            return leg / 3
        end_ok = b <= price if is_buy else b >= price
        if end_ok:
            return (leg + (a - price) / (a - b)) / 3
    return None
