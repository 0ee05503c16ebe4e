"""The fake's rolling 24 h high/low and its candle windows equal the plain computations."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.integration.exchange_contract.harness import bundled_market

from adapters.fake.series import MinuteSeries


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=1, max_size=400),
    st.integers(2, 60),  # TA-Lib windows start at 2 (the fake uses 1440)
)
def test_day_high_and_low_equal_the_max_and_min_of_the_trailing_window(
    prices: list[float], minutes: int
) -> None:
    rows = np.array([[p, p * 1.01, p * 0.99, p, 1.0, p] for p in prices], dtype=np.float64)
    series = MinuteSeries(rows)

    highs, lows = series.day_high(minutes), series.day_low(minutes)

    for i in range(len(prices)):
        first = max(0, i - minutes + 1)
        assert highs[i] == series.high[first : i + 1].max()
        assert lows[i] == series.low[first : i + 1].min()


def test_ticker_high_and_low_match_the_last_1440_minutes_late_in_the_data() -> None:
    market = bundled_market()
    series = market.get("BTCUSDT")

    for done in (1, 700, 1439, 1440, 1441, 5000, market.minutes):
        _, _, high, low, _, _ = market.ticker_values("BTCUSDT", done)
        first = max(0, done - 1440)
        assert high == float(series.high[first:done].max())
        assert low == float(series.low[first:done].min())


def test_candle_windows_reuse_completed_candles_and_match_a_fresh_market() -> None:
    market, fresh = bundled_market(), bundled_market()

    moving = [market.candles("ETHUSDT", "15m", 100, done) for done in range(3000, 3200, 7)]
    jumping = market.candles("ETHUSDT", "15m", 100, 1500)  # backwards, outside the range

    assert moving[-1] == fresh.candles("ETHUSDT", "15m", 100, 3196)
    assert jumping == fresh.candles("ETHUSDT", "15m", 100, 1500)
    later = {c.open_time_ms: c for c in moving[-1]}
    assert later[moving[0][50].open_time_ms] is moving[0][50]  # a completed candle, built once
    assert all(len(window) == 100 for window in moving)


def test_ticker_high_and_low_match_the_window_across_blocks_in_any_order_derived_too() -> None:
    market = bundled_market()
    dones = [2047, 2048, 2049, 4096, 1, 3487, 3488, 9000, 2048, 1440, market.minutes, 6000]

    for symbol in ("BTCUSDC", "ETHUSDT"):
        series = market.get(symbol)
        for done in dones:
            _, _, high, low, _, _ = market.ticker_values(symbol, done)
            first = max(0, done - 1440)
            assert (high, low) == series.high_low_between(first, done), (symbol, done)
