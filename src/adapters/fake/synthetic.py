"""Seeded synthetic 1-minute candles: a geometric random walk and a tight stablecoin peg."""

from __future__ import annotations

import zlib

import numpy as np

from adapters.fake.series import Floats, stack_rows

#: Start prices (in USDT) of the synthetic walk, near April 2023 levels; others start at 1.
START_PRICES = {
    "BTC": 28000.0, "ETH": 1900.0, "ADA": 0.4, "DOT": 6.0, "LINK": 7.0, "MATIC": 1.0,
    "AVAX": 18.0, "SOL": 22.0, "XRP": 0.48, "DOGE": 0.085, "MX": 3.0,
}


def symbol_rng(symbol: str, seed: int) -> np.random.Generator:
    """Return a generator seeded by `seed` and the symbol name (independent per symbol)."""
    return np.random.default_rng([seed, zlib.crc32(symbol.encode())])


def random_walk(
    n: int, start_price: float, rng: np.random.Generator, sigma: float = 0.0008
) -> Floats:
    """Return (n, 6) candles of a geometric random walk with per-minute log-volatility `sigma`.

    Each candle opens at the previous close; high/low extend beyond open/close by a half-normal
    wiggle; the base volume is log-normal around 2,000 quote units per minute.
    """
    closes = start_price * np.exp(np.cumsum(rng.normal(0.0, sigma, n)))
    opens = np.concatenate(([start_price], closes[:-1]))
    wiggle = np.abs(rng.normal(0.0, sigma / 2, (2, n)))
    highs = np.maximum(opens, closes) * (1 + wiggle[0])
    lows = np.minimum(opens, closes) * (1 - wiggle[1])
    volumes = rng.lognormal(np.log(2000.0), 0.8, n) / closes
    return stack_rows(opens, highs, lows, closes, volumes)


def stable_peg(n: int, rng: np.random.Generator, tick: float = 0.0001) -> Floats:
    """Return (n, 6) candles of a stablecoin pegged near 1.0000 (mean-reverting, ±0.2 %)."""
    deviation = np.empty(n)
    level = 0.0
    for i, shock in enumerate(rng.normal(0.0, 0.00004, n).tolist()):
        level = min(0.002, max(-0.002, 0.97 * level + shock))
        deviation[i] = level
    closes = np.round((1.0 + deviation) / tick) * tick
    opens = np.concatenate(([closes[0]], closes[:-1]))
    highs = np.maximum(opens, closes) + tick * (rng.random(n) < 0.3)
    lows = np.minimum(opens, closes) - tick * (rng.random(n) < 0.3)
    volumes = rng.lognormal(np.log(50_000.0), 0.5, n)
    return stack_rows(opens, highs, lows, closes, volumes)
