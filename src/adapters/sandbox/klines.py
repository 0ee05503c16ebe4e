"""The sandbox's `GET /api/v3/klines` window: MEXC's paging by startTime, endTime and limit.

With `startTime` the answer is the first `limit` candles opening at or after it (and at or
before `endTime`); with only `endTime`, the last `limit` opening at or before it; with
neither, the latest `limit`. Only candles whose first minute has passed are visible (the
newest may be partial), and the `klines_missing` fault removes spans the exchange lacks.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.fake import MarketData
from adapters.mexc.klines_download import bucket_open, later_open
from mexcore.values import Candle

__all__ = ["bucket_open", "kline_window", "later_open"]


def kline_window(
    market: MarketData, now_ms: int, query: tuple[str, str, int | None, int | None, int],
    missing: Sequence[Sequence[int]] = (),
) -> list[Candle]:
    """Return the candles MEXC would answer to (symbol, interval, startTime, endTime, limit)."""
    symbol, interval, start, end, limit = query
    if start is None:
        last = bucket_open(interval, end if end is not None else now_ms)
        rows = _visible(market, now_ms, (symbol, interval, later_open(interval, last, 1)), limit)
        kept = [c for c in rows if (end is None or c.open_time_ms <= end)
                and not _lacks(missing, c)]
        return kept[-limit:]
    kept = []
    while len(kept) < limit:  # spans the exchange lacks are skipped, as MEXC skips them
        page = _page_from(market, now_ms, (symbol, interval, start, end), limit)
        kept += [c for c in page if not _lacks(missing, c)]
        if len(page) < limit:
            break
        start = later_open(interval, page[-1].open_time_ms, 1)
    return kept[:limit]


def _lacks(missing: Sequence[Sequence[int]], candle: Candle) -> bool:
    return any(a <= candle.open_time_ms < b for a, b in missing)


def _page_from(
    market: MarketData, now_ms: int, query: tuple[str, str, int, int | None], limit: int
) -> list[Candle]:
    symbol, interval, start, end = query
    start = max(start, market.start_ms)  # before the listing: from its first candle on
    first = bucket_open(interval, start)
    first = first if first == start else later_open(interval, first, 1)
    upper = later_open(interval, first, limit)  # the page's candles have all closed by then
    rows = _visible(market, now_ms, (symbol, interval, upper), limit)
    return [c for c in rows if c.open_time_ms >= start and (end is None or c.open_time_ms <= end)]


def _visible(
    market: MarketData, now_ms: int, query: tuple[str, str, int], limit: int
) -> list[Candle]:
    """Return the last `limit` candles closing by `upper` that have begun by `now_ms`."""
    symbol, interval, upper = query
    done = min(market.completed(now_ms), market.completed(upper))
    return market.candles(symbol, interval, limit, done)
