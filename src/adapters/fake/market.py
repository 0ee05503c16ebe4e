"""Market data at a simulated time: candles of every MEXC interval, 24 h tickers, last prices.

Everything is computed from 1-minute arrays (`MinuteSeries`) on one shared minute grid. At
time `now_ms` only *completed* minutes are visible (no look-ahead): `completed(now_ms)` of
them, the last price is the close of the last one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from adapters.fake.series import Floats, MinuteSeries
from mexcore.errors import SkipSymbol
from mexcore.values import Candle

MINUTE_MS = 60_000
DAY_MINUTES = 1440
INTERVAL_MS = {
    "1m": MINUTE_MS, "5m": 5 * MINUTE_MS, "15m": 15 * MINUTE_MS, "30m": 30 * MINUTE_MS,
    "60m": 60 * MINUTE_MS, "4h": 240 * MINUTE_MS, "1d": DAY_MINUTES * MINUTE_MS,
    "1W": 7 * DAY_MINUTES * MINUTE_MS,
}
INTERVALS = (*INTERVAL_MS, "1M")
_WEEK_OFFSET_MS = 4 * DAY_MINUTES * MINUTE_MS  # 1970-01-01 was a Thursday; weeks start Monday
MAX_CANDLES = 1000

Ints = npt.NDArray[np.int64]


@functools.lru_cache(maxsize=1 << 12)  # prices repeat (highs, lows, quiet minutes)
def price_text(value: float, decimals: int) -> Decimal:
    """Return a float price as the Decimal of its `decimals`-place rounding."""
    return Decimal(f"{value:.{decimals}f}")


def amount_text(value: float, decimals: int = 8) -> Decimal:
    """Return a float amount rounded to `decimals` places, without trailing zeros."""
    text = f"{value:.{decimals}f}"
    return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)


class _Buckets:
    """Where each candle of one interval starts on the minute grid."""

    def __init__(self, interval: str, minute_times: Ints) -> None:
        keys, opens = _bucket_keys(interval, minute_times)
        change = np.flatnonzero(np.diff(keys)) + 1
        self.starts: Ints = np.concatenate(([0], change)).astype(np.int64)
        self.stops: Ints = np.concatenate((self.starts[1:], [len(keys)])).astype(np.int64)
        self.open_ms: Ints = opens[self.starts]


def _bucket_keys(interval: str, t: Ints) -> tuple[Ints, Ints]:
    if interval == "1M":
        months = t.astype("datetime64[ms]").astype("datetime64[M]")
        opens = months.astype("datetime64[ms]").astype(np.int64)
        return months.astype(np.int64), opens
    size = INTERVAL_MS[interval]
    offset = _WEEK_OFFSET_MS if interval == "1W" else 0
    keys = (t - offset) // size
    return keys, keys * size + offset


class MarketData:
    """1-minute candles of many symbols from `start_ms`, with derived candles and tickers."""

    def __init__(
        self,
        start_ms: int,
        series: Mapping[str, MinuteSeries],
        price_decimals: Mapping[str, int],
        qty_decimals: Mapping[str, int],
    ) -> None:
        if start_ms % MINUTE_MS:
            raise ValueError(f"start_ms {start_ms} is not aligned to a minute")
        self.start_ms = start_ms
        self.series = dict(series)
        self.minutes = min((len(s) for s in self.series.values()), default=0)
        self.end_ms = start_ms + self.minutes * MINUTE_MS
        self._price_dp = {s: price_decimals.get(s, 8) for s in self.series}
        self._qty_dp = {s: qty_decimals.get(s, 8) for s in self.series}
        self._buckets: dict[str, _Buckets] = {}
        self._aggregates: dict[tuple[str, str], Floats] = {}
        self._full_candles: dict[tuple[str, str], list[Candle | None]] = {}
        self._full_ranges: dict[tuple[str, str], tuple[int, int]] = {}  # built, contiguous

    @property
    def symbols(self) -> Sequence[str]:
        """Return the symbols with data, sorted."""
        return sorted(self.series)

    def only(self, symbols: Iterable[str]) -> MarketData:
        """Return the market of those of `symbols` it has (same grid; nothing built yet)."""
        kept = {s: self.series[s] for s in symbols if s in self.series}
        return MarketData(self.start_ms, kept, self._price_dp, self._qty_dp)

    def has(self, symbol: str) -> bool:
        """Tell whether this symbol has market data."""
        return symbol in self.series

    def completed(self, now_ms: int) -> int:
        """Return how many minutes have completed at `now_ms` (0 … minutes)."""
        return max(0, min(self.minutes, (now_ms - self.start_ms) // MINUTE_MS))

    def minute_open_ms(self, index: int) -> int:
        """Return the open time of minute `index`."""
        return self.start_ms + index * MINUTE_MS

    def get(self, symbol: str) -> MinuteSeries:
        """Return the series of a symbol, or raise SkipSymbol (-1121 Invalid symbol.)."""
        found = self.series.get(symbol)
        if found is None:
            raise SkipSymbol(symbol, "Invalid symbol. (-1121)")
        return found

    def last_price_float(self, symbol: str, done: int) -> float:
        """Return the close of the last completed minute (the first open before any)."""
        s = self.get(symbol)
        return s.close_at(done - 1) if done > 0 else s.open_at(0)

    def last_price(self, symbol: str, done: int) -> Decimal:
        """Return the last price as an exact Decimal on the market's tick."""
        return price_text(self.last_price_float(symbol, done), self._price_dp[symbol])

    def price_decimals(self, symbol: str) -> int:
        """Return how many decimals the prices of `symbol` carry."""
        return self._price_dp[symbol]

    def qty_decimals(self, symbol: str) -> int:
        """Return how many decimals the quantities of `symbol` carry."""
        return self._qty_dp[symbol]

    def avg_volume(self, symbol: str, done: int, minutes: int = 60) -> float:
        """Return the mean base volume per minute over the last `minutes` completed minutes."""
        first = max(0, done - minutes)
        if done <= first:
            return 0.0
        return self.get(symbol).volume_between(first, done) / (done - first)

    def ticker_values(self, symbol: str, done: int) -> tuple[float, ...]:
        """Return (last, open, high, low, volume, quote volume) over the last 1440 minutes."""
        s = self.get(symbol)
        if done == 0:
            first_open = s.open_at(0)
            return first_open, first_open, first_open, first_open, 0.0, 0.0
        first = max(0, done - DAY_MINUTES)
        high, low = s.day_high_low(done)
        return (
            s.close_at(done - 1), s.open_at(first), high, low, s.volume_between(first, done),
            s.quote_volume_between(first, done),
        )

    def candles(self, symbol: str, interval: str, limit: int, done: int) -> list[Candle]:
        """Return up to `limit` candles of `interval` whose first minute has completed.

        The newest candle may be partial: it aggregates only the minutes completed so far.
        """
        if interval not in INTERVALS:
            raise SkipSymbol(symbol, "Invalid interval. (-1121)")
        self.get(symbol)
        buckets = self._bucket_index(interval)
        last = int(np.searchsorted(buckets.starts, done, side="left")) - 1
        first = max(0, last - min(limit, MAX_CANDLES) + 1)
        result = self._completed_candles(symbol, interval, first, last)
        if last >= 0:
            stop = min(done, int(buckets.stops[last]))
            row = self._row(symbol, int(buckets.starts[last]), stop)
            result.append(self._candle(symbol, int(buckets.open_ms[last]), row))
        return result

    def built_candles(self, symbol: str, interval: str) -> int:
        """Return how many completed candles of `symbol` and `interval` are kept built."""
        return sum(c is not None for c in self._full_candles.get((symbol, interval), ()))

    def _completed_candles(
        self, symbol: str, interval: str, first: int, last: int
    ) -> list[Candle]:
        # A completed bucket never changes: its (immutable) Candle is built once, kept in a
        # list indexed by bucket, and windows of it are sliced (the scan moves forward).
        key = (symbol, interval)
        built = self._full_candles.get(key)
        if built is None:
            built = self._full_candles[key] = [None] * len(self._bucket_index(interval).starts)
        lo, hi = self._full_ranges.get(key, (0, 0))
        if not lo <= first <= last <= hi:
            joins = first <= hi and lo <= last
            if not joins:
                built[lo:hi] = [None] * (hi - lo)
            missing = [*range(first, lo), *range(hi, last)] if joins else range(first, last)
            for j in missing:
                if built[j] is None:
                    built[j] = self._full_candle(symbol, interval, j)
            lo, hi = (min(lo, first), max(hi, last)) if joins else (first, last)
            keep = max(lo, first - (last - first))  # the window and as much again behind it
            built[lo:keep] = [None] * (keep - lo)  # a month of 15m candles otherwise: ~10 MiB
            self._full_ranges[key] = (keep, hi)
        return built[first:last]  # type: ignore[return-value]  # no None inside the range

    def _full_candle(self, symbol: str, interval: str, j: int) -> Candle:
        open_ms = int(self._bucket_index(interval).open_ms[j])
        return self._candle(symbol, open_ms, self._full_row(symbol, interval, j))

    def _bucket_index(self, interval: str) -> _Buckets:
        found = self._buckets.get(interval)
        if found is None:
            times = self.start_ms + MINUTE_MS * np.arange(self.minutes, dtype=np.int64)
            found = self._buckets[interval] = _Buckets(interval, times)
        return found

    def _full_row(self, symbol: str, interval: str, j: int) -> Iterable[float]:
        table = self._aggregates.get((symbol, interval))
        if table is None:
            table = self._aggregates[(symbol, interval)] = self._aggregate(symbol, interval)
        return table[j].tolist()  # type: ignore[no-any-return]

    def _aggregate(self, symbol: str, interval: str) -> Floats:
        s, b = self.get(symbol), self._bucket_index(interval)
        o, h, low, c = s.window(0, len(s))
        return np.column_stack((
            o[b.starts],
            np.maximum.reduceat(h, b.starts),
            np.minimum.reduceat(low, b.starts),
            c[b.stops - 1],
            s.cum_volume[b.stops] - s.cum_volume[b.starts],
            s.cum_quote[b.stops] - s.cum_quote[b.starts],
        ))

    def _row(self, symbol: str, first: int, stop: int) -> Iterable[float]:
        s = self.get(symbol)
        high, low = s.high_low_between(first, stop)
        return (
            s.open_at(first), high, low, s.close_at(stop - 1), s.volume_between(first, stop),
            s.quote_volume_between(first, stop),
        )

    def _candle(self, symbol: str, open_ms: int, row: Iterable[float]) -> Candle:
        o, h, low, c, v, qv = row
        dp = self._price_dp[symbol]
        return Candle(
            open_time_ms=open_ms, open=price_text(o, dp), high=price_text(h, dp),
            low=price_text(low, dp), close=price_text(c, dp),
            volume=amount_text(v, self._qty_dp[symbol]), quote_volume=amount_text(qv),
        )
