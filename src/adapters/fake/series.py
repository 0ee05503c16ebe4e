"""One symbol's 1-minute candles on the shared minute grid, as float64 numpy arrays."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


class MinuteSeries:
    """OHLCV arrays indexed by minute (index = (open_time_ms - t0) // 60000), plus running sums.

    Prices are floats rounded to the market's tick; Decimals are built only at the port boundary.
    """

    __slots__ = (
        "close", "cum_quote", "cum_volume", "high", "low", "open", "quote_volume", "volume",
    )

    def __init__(self, rows: Floats) -> None:
        """Take an (n, 6) array: open, high, low, close, volume, quote volume (NaN → c × v)."""
        ohlcv = rows
        self.open: Floats = np.ascontiguousarray(ohlcv[:, 0])
        self.high: Floats = np.ascontiguousarray(ohlcv[:, 1])
        self.low: Floats = np.ascontiguousarray(ohlcv[:, 2])
        self.close: Floats = np.ascontiguousarray(ohlcv[:, 3])
        self.volume: Floats = np.ascontiguousarray(ohlcv[:, 4])
        qv = rows[:, 5] if rows.shape[1] > 5 else np.full(len(rows), np.nan)
        qv = np.where(np.isnan(qv), self.close * self.volume, qv)
        self.quote_volume: Floats = np.ascontiguousarray(qv)
        self.cum_volume: Floats = np.concatenate(([0.0], np.cumsum(self.volume)))
        self.cum_quote: Floats = np.concatenate(([0.0], np.cumsum(self.quote_volume)))

    def __len__(self) -> int:
        return len(self.close)

    def volume_between(self, first: int, stop: int) -> float:
        """Return the base volume of minutes `first` .. `stop - 1`."""
        return float(self.cum_volume[stop] - self.cum_volume[first])

    def quote_volume_between(self, first: int, stop: int) -> float:
        """Return the quote volume of minutes `first` .. `stop - 1`."""
        return float(self.cum_quote[stop] - self.cum_quote[first])


def stack_rows(o: Floats, h: Floats, low: Floats, c: Floats, v: Floats) -> Floats:
    """Return an (n, 6) row array from five columns (quote volume NaN: computed later)."""
    return np.column_stack((o, h, low, c, v, np.full(len(c), np.nan))).astype(np.float64)


def fill_gaps(rows: Floats) -> Floats:
    """Fill NaN minutes with flat zero-volume candles at the previous close (leading: next open).

    This is what an exchange shows for a minute without trades.
    """
    missing = np.isnan(rows[:, 3])
    if not missing.any():
        return rows
    if missing.all():
        raise ValueError("no candle inside the requested period")
    positions = np.where(~missing, np.arange(len(rows)), -1)
    last_seen = np.maximum.accumulate(positions)
    first = int(np.argmax(~missing))
    fill_price = np.where(last_seen >= 0, rows[np.maximum(last_seen, 0), 3], rows[first, 0])
    out = rows.copy()
    out[missing, 0:4] = fill_price[missing, None]
    out[missing, 4:] = 0.0
    return out
