"""One symbol's 1-minute candles on the shared minute grid, as float64 numpy arrays."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import talib

Floats = npt.NDArray[np.float64]
DAY_MINUTES = 1440
DAY_BLOCK = 2048  # the 24 h highs and lows are computed for this many minutes at a time


Window = tuple[Floats, Floats, Floats, Floats]
"""Open, high, low and close of a run of minutes."""


class MinuteSeries:
    """OHLCV arrays indexed by minute (index = (open_time_ms - t0) // 60000), plus running sums.

    Prices are floats rounded to the market's tick; Decimals are built only at the port boundary.
    Hot paths read minutes through `window` and the `*_at` methods, which `DerivedSeries`
    answers without holding arrays of its own.
    """

    __slots__ = ("_close", "_day", "_high", "_low", "_open", "_quote", "_volume", "cum_quote",
                 "cum_volume")

    def __init__(self, rows: Floats) -> None:
        """Take an (n, 6) array: open, high, low, close, volume, quote volume (NaN → c × v)."""
        self._open: Floats = np.ascontiguousarray(rows[:, 0])
        self._high: Floats = np.ascontiguousarray(rows[:, 1])
        self._low: Floats = np.ascontiguousarray(rows[:, 2])
        self._close: Floats = np.ascontiguousarray(rows[:, 3])
        self._volume: Floats = np.ascontiguousarray(rows[:, 4])
        given = rows[:, 5] if rows.shape[1] > 5 else np.full(len(rows), np.nan)
        missing = np.isnan(given)
        qv = np.where(missing, self._close * self._volume, given)
        # Only quote volumes that were given are kept; close × volume is recomputed on demand.
        self._quote: Floats | None = None if missing.all() else np.ascontiguousarray(qv)
        self.cum_volume, self.cum_quote = running_sums(self._volume, qv)
        self._day: tuple[int, Floats, Floats] | None = None

    def __len__(self) -> int:
        return len(self.cum_volume) - 1

    @property
    def open(self) -> Floats:
        """Return the open of every minute."""
        return self._open

    @property
    def high(self) -> Floats:
        """Return the high of every minute."""
        return self._high

    @property
    def low(self) -> Floats:
        """Return the low of every minute."""
        return self._low

    @property
    def close(self) -> Floats:
        """Return the close of every minute."""
        return self._close

    @property
    def volume(self) -> Floats:
        """Return the base volume of every minute."""
        return self._volume

    @property
    def quote_volume(self) -> Floats:
        """Return the quote volume per minute (close × volume where none was given)."""
        return self.close * self.volume if self._quote is None else self._quote

    def window(self, first: int, stop: int) -> Window:
        """Return (open, high, low, close) of minutes `first` .. `stop - 1`."""
        return (self._open[first:stop], self._high[first:stop], self._low[first:stop],
                self._close[first:stop])

    def open_at(self, index: int) -> float:
        """Return the open of minute `index`."""
        return float(self._open[index])

    def close_at(self, index: int) -> float:
        """Return the close of minute `index`."""
        return float(self._close[index])

    def volume_at(self, index: int) -> float:
        """Return the base volume of minute `index`."""
        return float(self._volume[index])

    def day_high(self, minutes: int) -> Floats:
        """Return, per minute i, the highest high of the `minutes` minutes ending at i."""
        return _trailing(self.high, minutes, talib.MAX, np.maximum)

    def day_low(self, minutes: int) -> Floats:
        """Return, per minute i, the lowest low of the `minutes` minutes ending at i."""
        return _trailing(self.low, minutes, talib.MIN, np.minimum)

    def high_low_between(self, first: int, stop: int) -> tuple[float, float]:
        """Return the highest high and lowest low of minutes `first` .. `stop - 1` (not none)."""
        _, high, low, _ = self.window(first, stop)
        return float(high.max()), float(low.min())

    def day_high_low(self, done: int) -> tuple[float, float]:
        """Return the highest high and lowest low of the (up to) 1440 minutes before `done`.

        Equal to `high_low_between(max(0, done - 1440), done)`; computed for a block of
        minutes at once, of which only the last block asked for is kept.
        """
        block, at = divmod(done - 1, DAY_BLOCK)
        if self._day is None or self._day[0] != block:
            self._day = (block, *self._day_block(block))
        return float(self._day[1][at]), float(self._day[2][at])

    def _day_block(self, block: int) -> tuple[Floats, Floats]:
        first = block * DAY_BLOCK
        lo = max(0, first - (DAY_MINUTES - 1))
        _, high, low, _ = self.window(lo, min(len(self), first + DAY_BLOCK))
        return (_trailing(high, DAY_MINUTES, talib.MAX, np.maximum)[first - lo:],
                _trailing(low, DAY_MINUTES, talib.MIN, np.minimum)[first - lo:])

    def volume_between(self, first: int, stop: int) -> float:
        """Return the base volume of minutes `first` .. `stop - 1`."""
        return float(self.cum_volume[stop] - self.cum_volume[first])

    def quote_volume_between(self, first: int, stop: int) -> float:
        """Return the quote volume of minutes `first` .. `stop - 1`."""
        return float(self.cum_quote[stop] - self.cum_quote[first])


def running_sums(volume: Floats, quote_volume: Floats) -> tuple[Floats, Floats]:
    """Return the running sums (from 0) of base and quote volumes, one longer than them."""
    return (np.concatenate(([0.0], np.cumsum(volume))),
            np.concatenate(([0.0], np.cumsum(quote_volume))))


def _trailing(
    values: Floats, minutes: int, window: Callable[..., Floats], running: np.ufunc
) -> Floats:
    # TA-Lib's rolling MAX/MIN leave the first `minutes - 1` entries NaN: there the window is
    # every minute so far, a running maximum (minimum).
    out = np.array(window(values, timeperiod=minutes), dtype=np.float64)
    head = min(len(values), minutes - 1)
    out[:head] = running.accumulate(values[:head])
    return out


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
