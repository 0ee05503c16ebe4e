"""Page MEXC's kline history: rows as the exact text MEXC sent, in order, gaps found, not filled.

`/api/v3/klines` answers at most 1000 rows (weight 1) per call; a page asks from `startTime`
and the next page starts at the last row's `closeTime` (MEXC: open + interval, no -1 ms), so
no candle is asked twice and none is skipped. A candle still forming is never returned: only
candles that closed by the server's clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

import attrs

from adapters.mexc.client import MexcHttp
from adapters.mexc.constants import KLINE_INTERVALS, KLINES, MAX_KLINES
from mexcore.errors import ExchangeDataError

MINUTE_MS = 60_000
INTERVAL_MS = {"1m": MINUTE_MS, "5m": 5 * MINUTE_MS, "15m": 15 * MINUTE_MS,
               "30m": 30 * MINUTE_MS, "60m": 60 * MINUTE_MS, "4h": 240 * MINUTE_MS,
               "1d": 1440 * MINUTE_MS, "1W": 7 * 1440 * MINUTE_MS}
_WEEK_OFFSET_MS = 4 * 1440 * MINUTE_MS  # MEXC's weeks start on Monday; 1970-01-01 a Thursday


def _month_start(time_ms: int, months_later: int = 0) -> int:
    moment = datetime.fromtimestamp(time_ms / 1000, tz=UTC)
    index = moment.year * 12 + moment.month - 1 + months_later
    return int(datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC).timestamp() * 1000)


def bucket_open(interval: str, time_ms: int) -> int:
    """Return the open time of the `interval` candle holding `time_ms`."""
    if interval == "1M":
        return _month_start(time_ms)
    span = INTERVAL_MS[interval]
    offset = _WEEK_OFFSET_MS if interval == "1W" else 0
    return (time_ms - offset) // span * span + offset


def later_open(interval: str, open_ms: int, candles: int) -> int:
    """Return the open time `candles` candles after the candle opening at `open_ms`."""
    if interval == "1M":
        return _month_start(open_ms, candles)
    return open_ms + candles * INTERVAL_MS[interval]


def candles_between(interval: str, from_ms: int, to_ms: int) -> int:
    """Return how many `interval` candles open in [from_ms, to_ms) (both on candle opens)."""
    if interval != "1M":
        return max(0, -(-(to_ms - from_ms) // INTERVAL_MS[interval]))
    count, at = 0, from_ms
    while at < to_ms:
        count, at = count + 1, _month_start(at, 1)
    return count


def closed_candles(interval: str, from_ms: int, to_ms: int) -> int:
    """Return how many candles, the first opening at `from_ms`, have closed by `to_ms`."""
    if interval != "1M":
        return max(0, (to_ms - from_ms) // INTERVAL_MS[interval])
    count = 0
    while _month_start(from_ms, count + 1) <= to_ms:
        count += 1
    return count


@attrs.frozen
class KlineRow:
    """One candle as MEXC sent it: open/close times and the text of o, h, l, c, volume, quote."""

    open_ms: int
    close_ms: int
    values: tuple[str, str, str, str, str, str]

    def csv_line(self) -> str:
        """Return the row in the candle-file format: `open_time_ms,o,h,l,c,volume,quote`."""
        return ",".join((str(self.open_ms), *self.values)) + "\n"


@attrs.frozen
class Gap:
    """Candles the exchange does not have: [from_ms, to_ms), `missing` of them."""

    from_ms: int
    to_ms: int
    missing: int


def _text(value: Any, row: Any) -> str:
    if not isinstance(value, str | Decimal) or isinstance(value, bool):
        raise ExchangeDataError(f"MEXC klines: value {value!r} is not a decimal in {row!r:.100}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ExchangeDataError(f"MEXC klines: {value!r} is not a number in {row!r:.100}") from None
    if not number.is_finite() or number < 0:
        raise ExchangeDataError(f"MEXC klines: {value!r} is not a price or amount")
    return str(value)


def parse_kline_row(row: Any, interval: str) -> KlineRow:
    """Read one `[openTime, o, h, l, c, volume, closeTime, quoteVolume]` row, text verbatim."""
    if not isinstance(row, list) or len(row) < 8:
        raise ExchangeDataError(f"MEXC klines: malformed row {row!r:.100}")
    open_ms, close_ms = row[0], row[6]
    if not (isinstance(open_ms, int) and isinstance(close_ms, int)):
        raise ExchangeDataError(f"MEXC klines: times of {row!r:.100} are not integers")
    aligned = interval == "1W" or bucket_open(interval, open_ms) == open_ms  # MEXC's week day
    if not aligned or close_ms != later_open(interval, open_ms, 1):  # is not documented
        raise ExchangeDataError(f"MEXC klines: {row!r:.100} is not one {interval} candle")
    o, h, low, c, v, q = (_text(row[i], row) for i in (1, 2, 3, 4, 5, 7))
    return KlineRow(open_ms, close_ms, (o, h, low, c, v, q))


def find_gaps(interval: str, expected_ms: int | None, rows: Sequence[KlineRow]) -> list[Gap]:
    """Return where `rows` skip candles, from `expected_ms` (the next open; None: the first)."""
    gaps = []
    for row in rows:
        if expected_ms is not None and row.open_ms > expected_ms:
            missing = candles_between(interval, expected_ms, row.open_ms)
            gaps.append(Gap(expected_ms, row.open_ms, missing))
        expected_ms = row.close_ms
    return gaps


async def kline_pages(
    http: MexcHttp, symbol: str, interval: str, span_ms: tuple[int, int],
) -> AsyncIterator[list[KlineRow]]:
    """Yield the closed candles opening in [from, to), a page (≤ 1000) at a time, in order."""
    if interval not in KLINE_INTERVALS:
        raise ValueError(f"{interval!r} is not a MEXC interval ({' '.join(KLINE_INTERVALS)})")
    cursor, end = span_ms
    while cursor < end:
        params = [("symbol", symbol), ("interval", interval), ("startTime", str(cursor)),
                  ("endTime", str(end - 1)), ("limit", str(MAX_KLINES))]
        data = await http.public(KLINES, params, symbol=symbol)
        if not isinstance(data, list):
            raise ExchangeDataError(f"MEXC klines: expected a list, got {data!r:.100}")
        now = await http.server_now_ms()
        rows = [r for r in (parse_kline_row(x, interval) for x in data)
                if cursor <= r.open_ms < end and r.close_ms <= now]
        if not rows:
            return
        if any(b.open_ms < a.close_ms for a, b in pairwise(rows)):
            raise ExchangeDataError(f"MEXC klines {symbol}: rows out of order or repeated")
        yield rows
        cursor = rows[-1].close_ms
