"""Live 1-minute candles on the fake exchange's minute grid, so its engine can match on them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from adapters.fake.market import MINUTE_MS, MarketData
from adapters.fake.series import Floats, MinuteSeries, fill_gaps
from mexcore.errors import SkipSymbol
from mexcore.values import Candle

NO_CANDLES = ("MEXC sent no recent 1-minute candles for it (it has not traded lately) and "
              "paper mode fills orders on them: not traded until its market trades again")


def _rows_of(series: MinuteSeries) -> Floats:
    return np.column_stack((series.open, series.high, series.low, series.close, series.volume,
                            series.quote_volume))


class LiveMinutes(MarketData):
    """`MarketData` that grows as live minutes complete; the grid starts at `start_ms`.

    Every series always spans the same number of completed minutes: minutes not yet fetched
    for a symbol repeat its last close with no volume, and are replaced once fetched.
    """

    def __init__(self, start_ms: int) -> None:
        super().__init__(start_ms - start_ms % MINUTE_MS, {}, {}, {})

    def minutes_at(self, now_ms: int) -> int:
        """Return how many minutes of the grid have completed at `now_ms`."""
        return max(0, (now_ms - self.start_ms) // MINUTE_MS)

    def put(self, symbol: str, candles: Sequence[Candle], decimals: tuple[int, int],
            minutes: int) -> None:
        """Place 1-minute candles of `symbol` on the grid's first `minutes` minutes."""
        rows = np.full((minutes, 6), np.nan)
        old = self.series.get(symbol)
        if old is not None:
            kept = min(len(old), minutes)
            rows[:kept] = _rows_of(old)[:kept]
        for candle in candles:
            index = (candle.open_time_ms - self.start_ms) // MINUTE_MS
            if 0 <= index < minutes:
                rows[index] = [float(v) for v in (candle.open, candle.high, candle.low,
                                                  candle.close, candle.volume,
                                                  candle.quote_volume)]
        if np.isnan(rows[:, 3]).all():
            raise SkipSymbol(symbol, NO_CANDLES)
        self.series[symbol] = MinuteSeries(fill_gaps(rows))
        self._price_dp[symbol], self._qty_dp[symbol] = decimals
        self._reshape(minutes)

    def extend_to(self, minutes: int) -> None:
        """Stretch every series to `minutes` completed minutes (flat, no volume)."""
        for symbol, series in list(self.series.items()):
            if len(series) < minutes:
                decimals = (self._price_dp[symbol], self._qty_dp[symbol])
                self.put(symbol, (), decimals, minutes)
        self._reshape(minutes)

    def _reshape(self, minutes: int) -> None:
        self.minutes = min((len(s) for s in self.series.values()), default=minutes)
        self.end_ms = self.start_ms + self.minutes * MINUTE_MS
        self._buckets.clear()
        self._aggregates.clear()
