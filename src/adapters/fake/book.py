"""A synthetic order book around the last price: a tight spread and depth from recent volume."""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal

import attrs

from mexcore.values import BookLevel, OrderBook


@attrs.frozen
class BookModel:
    """How the fake exchange shapes its books and fills resting orders.

    `spread_bps`: full spread in basis points of the price (at least one tick each side);
    `level_gap_bps`: distance between levels (at least one tick); `depth_share`: the first
    level holds this share of the mean 1-minute volume of the last hour, each further level
    `level_growth` more; `min_level_quote`: a level's value never goes under this (quote units);
    `participation`: share of a minute's volume that can fill one resting order.
    """

    spread_bps: float = 1.0
    level_gap_bps: float = 0.5
    depth_share: float = 0.05
    level_growth: float = 0.25
    min_level_quote: float = 200.0
    levels: int = 50
    participation: float = 0.25


def _ticks(value: float, decimals: int) -> int:
    return math.floor(value * 10.0**decimals + 0.5)


def _level_qty(model: BookModel, base_qty: float, level: int, qty_dp: int) -> Decimal:
    steps = math.floor(base_qty * (1 + model.level_growth * level) * 10**qty_dp)
    return Decimal(max(1, steps)).scaleb(-qty_dp)


def _half_spread_ticks(price_ticks: int, model: BookModel) -> int:
    return max(1, math.ceil(price_ticks * model.spread_bps / 20_000))


def best_prices(price: float, price_dp: int, model: BookModel) -> tuple[Decimal | None, Decimal]:
    """Return the best bid (None when it would not be positive) and best ask of the book.

    The same prices as the first levels of `synthesise_book`, without building the book.
    """
    p = _ticks(price, price_dp)
    half = _half_spread_ticks(p, model)
    bid = Decimal(p - half).scaleb(-price_dp) if p - half > 0 else None
    return bid, Decimal(p + half).scaleb(-price_dp)


def synthesise_book(
    symbol: str,
    price: float,
    avg_volume: float,
    decimals: tuple[int, int],
    model: BookModel,
    limit: int = 20,
) -> OrderBook:
    """Return a book of `limit` levels a side around `price` (decimals = (price, quantity)).

    Example with price 100.00, tick 0.01, spread 1 bp: half-spread = max(1, ceil(0.5)) = 1 tick,
    so the best bid is 99.99 and the best ask 100.01.
    """
    shape = (price, avg_volume, decimals, model)
    return OrderBook(symbol=symbol, bids=tuple(book_side(shape, asks=False, limit=limit)),
                     asks=tuple(book_side(shape, asks=True, limit=limit)))


BookShape = tuple[float, float, tuple[int, int], BookModel]
"""The price, mean 1-minute volume, (price, quantity) decimals and model of a book."""


def book_side(shape: BookShape, *, asks: bool, limit: int) -> Iterator[BookLevel]:
    """Yield the levels of one side of `synthesise_book`, best first, each only when asked for.

    A bid that would not be positive ends the side.
    """
    price, avg_volume, (price_dp, qty_dp), model = shape
    p = _ticks(price, price_dp)
    half = _half_spread_ticks(p, model)
    gap = max(1, round(p * model.level_gap_bps / 10_000))
    base_qty = max(avg_volume * model.depth_share, model.min_level_quote / max(price, 1e-12))
    for i in range(max(1, min(limit, model.levels))):
        ticks = p + half + i * gap if asks else p - half - i * gap
        if ticks <= 0:
            return
        yield BookLevel(Decimal(ticks).scaleb(-price_dp), _level_qty(model, base_qty, i, qty_dp))
