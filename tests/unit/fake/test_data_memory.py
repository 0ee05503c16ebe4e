"""Market data holds no per-minute copies it can do without (memory stays flat over a run)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np

from adapters.fake.market import MarketData
from adapters.fake.series import MinuteSeries
from adapters.fake.sources import load_run_data

T0 = 1_700_000_040_000  # a minute boundary
HEADER = "open_time_ms,open,high,low,close,volume,quote_volume\n"


def held_bytes(series: MinuteSeries) -> int:
    """Return the bytes of every numpy array the series holds (in the slots of all its classes)."""
    names = [name for cls in type(series).__mro__ for name in getattr(cls, "__slots__", ())]
    arrays = (getattr(series, name, None) for name in names)
    return sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))


def walk(n: int) -> np.ndarray:
    close = 100.0 + np.cumsum(np.where(np.arange(n) % 7 < 3, 0.01, -0.01))
    return np.column_stack((close, close + 0.02, close - 0.02, close, np.full(n, 2.0),
                            np.full(n, np.nan)))


def test_a_series_without_quote_volumes_holds_seven_arrays_even_after_a_day_of_tickers() -> None:
    series = MinuteSeries(walk(3000))
    market = MarketData(T0, {"XUSDT": series}, {"XUSDT": 2}, {"XUSDT": 2})

    for done in range(0, 3000, 10):
        market.ticker_values("XUSDT", done)

    assert held_bytes(series) <= 7 * 8 * (3000 + 1)


def test_the_quote_volume_of_a_series_without_one_is_close_times_volume() -> None:
    rows = walk(50)
    rows[10, 5] = 123.0

    series = MinuteSeries(rows)

    expected = rows[:, 3] * rows[:, 4]
    expected[10] = 123.0
    assert series.quote_volume.tolist() == expected.tolist()
    assert series.quote_volume_between(0, 50) == float(np.cumsum(expected)[-1])


def test_loading_two_days_of_a_twenty_day_file_allocates_for_about_two_days(
    tmp_path: Path,
) -> None:
    lines = "".join(f"{T0 + i * 60_000},1.5,1.6,1.4,1.5,{i % 97 + 1},\n" for i in range(28_800))
    (tmp_path / "ADAUSDT-1m.csv").write_text(HEADER + lines)
    two_days = (T0 + 10 * 2880 * 30_000, T0 + 12 * 2880 * 30_000)
    tracemalloc.start()
    try:
        data = load_run_data(tmp_path, ["ADAUSDT"], window=lambda covers: two_days)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert data.market.minutes == 2880  # ADAUSDT, the derived ADAUSDC and the USDCUSDT peg
    assert peak < 2 * len(lines) + 3 * 2880 * 8 * 40  # the text twice, 40 floats a minute


def test_a_scan_moving_through_the_month_keeps_a_bounded_number_of_built_candles() -> None:
    from adapters.fake.testing.markets import market_from_closes

    minutes = 30 * 24 * 60
    market = market_from_closes({"BTCUSDC": [30000 + (i % 50) for i in range(minutes)]})
    counts = []
    for done in range(2 * 24 * 60, minutes, 60):  # the scanner reads 100 15m candles hourly
        window = market.candles("BTCUSDC", "15m", 100, done)
        assert len(window) == 100
        counts.append(market.built_candles("BTCUSDC", "15m"))

    assert max(counts) <= 2 * 100 + 4  # the window and as much again behind it, not the month
    assert market.candles("BTCUSDC", "15m", 100, 3 * 24 * 60)[0].open_time_ms < \
        market.candles("BTCUSDC", "15m", 100, minutes - 1)[0].open_time_ms  # reading back works
