"""Build `MarketData` for tests and research: from closes, from OHLCV rows, from candle folders.

Prices arrive as floats or Decimals and are rounded to each symbol's tick (from its rules),
as the loader does with recorded candles; the exchange turns them into exact Decimals again.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import numpy as np

from adapters.fake.loader import load_market_data
from adapters.fake.market import MINUTE_MS, MarketData
from adapters.fake.rules import default_rules
from adapters.fake.series import Floats, MinuteSeries
from mexcore.money import decimals_of
from mexcore.values import SymbolRules

#: Default first minute of a built market (2023-11-15 00:00 UTC, a 15-minute boundary).
START_MS = 1_700_006_400_000
#: Quote units traded per minute when no volume is given (2.88 M a day: a liquid market).
VOLUME_QUOTE = 2000.0
Number = float | int | Decimal


def market_from_closes(
    closes: Mapping[str, Sequence[Number]],
    start_ms: int = START_MS,
    rules: Mapping[str, SymbolRules] | None = None,
    volume_quote: Number = VOLUME_QUOTE,
) -> MarketData:
    """Build 1-minute candles from closes per symbol: each opens at the previous close, no wicks.

    Every symbol needs the same number of closes; each minute trades `volume_quote` quote
    units. `rules` (default: the fake exchange's) give each symbol's tick and step.
    """
    arrays = {s: _column(s, "close", c) for s, c in closes.items()}
    table: dict[str, Floats] = {}
    for symbol, c in arrays.items():
        opens = np.concatenate((c[:1], c[:-1]))
        volume = np.full(len(c), float(volume_quote)) / c
        table[symbol] = np.column_stack((opens, np.maximum(opens, c), np.minimum(opens, c), c,
                                         volume, np.full(len(c), np.nan)))
    return _market(table, start_ms, rules)


def market_from_ohlcv(
    rows: Mapping[str, Sequence[Sequence[Number]]],
    start_ms: int = START_MS,
    rules: Mapping[str, SymbolRules] | None = None,
) -> MarketData:
    """Build a market from rows per symbol: (open, high, low, close, base volume[, quote vol]).

    Row i is the minute starting at `start_ms + i × 60 000`; a high under the open or close,
    a low above them, a non-positive price or a negative volume is refused.
    """
    table = {s: _ohlcv(s, r) for s, r in rows.items()}
    return _market(table, start_ms, rules)


def bundled_market(symbols: Iterable[str] | None = None, seed: int = 1) -> MarketData:
    """Return the 8 days of real candles shipped with the package (cached; USDC ones derived).

    `symbols` None means every symbol of the default rules. The market is shared between
    callers: treat it as read-only (the fake exchange does).
    """
    return _bundled(None if symbols is None else tuple(symbols), seed)


@functools.cache
def _bundled(symbols: tuple[str, ...] | None, seed: int) -> MarketData:
    return load_market_data(symbols=symbols, seed=seed)


def market_from_folder(
    folder: str | Path,
    symbols: Iterable[str] | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    rules: Mapping[str, SymbolRules] | None = None,
) -> MarketData:
    """Load a folder of `SYMBOL-1m.csv[.gz]` candle files (as `mexbot sim --data` does)."""
    path = Path(folder)
    if not path.is_dir():
        raise ValueError(f"market folder {path} is not a directory")
    chosen = None if symbols is None else list(symbols)
    return load_market_data(path, chosen, start_ms, end_ms, rules=rules)


def _market(
    table: Mapping[str, Floats], start_ms: int, rules: Mapping[str, SymbolRules] | None
) -> MarketData:
    if not table:
        raise ValueError("a market needs at least one symbol")
    lengths = {len(r) for r in table.values()}
    if len(lengths) > 1:
        raise ValueError(f"every symbol needs as many minutes: {_lengths(table)}")
    if start_ms % MINUTE_MS:
        raise ValueError(f"start_ms {start_ms} is not aligned to a minute")
    rules = default_rules() if rules is None else rules
    price_dp = {s: decimals_of(rules[s].price_tick) for s in table if s in rules}
    qty_dp = {s: decimals_of(rules[s].qty_step) for s in table if s in rules}
    series = {s: MinuteSeries(_on_tick(r, price_dp.get(s, 8))) for s, r in table.items()}
    return MarketData(start_ms, series, price_dp, qty_dp)


def _lengths(table: Mapping[str, Floats]) -> str:
    return ", ".join(f"{s} {len(r)}" for s, r in table.items())


def _column(symbol: str, what: str, values: Sequence[Number]) -> Floats:
    array = np.asarray([float(v) for v in values], dtype=np.float64)
    if len(array) == 0:
        raise ValueError(f"{symbol}: no {what}s")
    bad = [i for i, v in enumerate(array.tolist()) if not math.isfinite(v) or v <= 0]
    if bad:
        raise ValueError(f"{symbol}: {what} {values[bad[0]]} at minute {bad[0]} is not a "
                         "positive number")
    return array


def _ohlcv(symbol: str, rows: Sequence[Sequence[Number]]) -> Floats:
    if len(rows) == 0:
        raise ValueError(f"{symbol}: no rows")
    if any(len(r) not in (5, 6) for r in rows):
        raise ValueError(f"{symbol}: each row is open, high, low, close, volume[, quote volume]")
    wide = [[*map(float, r), *([math.nan] if len(r) == 5 else [])] for r in rows]
    table = np.asarray(wide, dtype=np.float64)
    for column, what in enumerate(("open", "high", "low", "close")):
        _column(symbol, what, table[:, column].tolist())
    o, h, low, c, v = (table[:, i] for i in range(5))
    for problem, where in (("a high under its open or close", h < np.maximum(o, c)),
                           ("a low above its open or close", low > np.minimum(o, c)),
                           ("a negative or missing volume", ~(v >= 0))):
        if where.any():
            raise ValueError(f"{symbol}: minute {int(np.argmax(where))} has {problem}")
    return table


def _on_tick(rows: Floats, decimals: int) -> Floats:
    out = rows.copy()
    out[:, 0:4] = np.round(out[:, 0:4], decimals)
    return out
