"""A backtest loads its period and the warm-up before it, not the rest of the folder."""

from __future__ import annotations

import gzip
from pathlib import Path

from runners.backtest import BacktestOptions, load_backtest_data
from runners.periods import DAY_MS

T0 = 1_700_006_400_000  # 2023-11-15 00:00 UTC
HEADER = "open_time_ms,open,high,low,close,volume,quote_volume\n"


def write_days(folder: Path, symbol: str, days: int) -> None:
    rows = "".join(f"{T0 + i * 60_000},1.5,1.6,1.4,1.5,{i % 7 + 1},\n"
                   for i in range(days * 1440))
    (folder / f"{symbol}-1m.csv.gz").write_bytes(gzip.compress((HEADER + rows).encode()))


def test_a_five_day_backtest_of_a_twenty_day_folder_loads_six_days(tmp_path: Path) -> None:
    write_days(tmp_path, "ADAUSDT", 20)
    start = T0 + 3 * DAY_MS

    data, end = load_backtest_data(BacktestOptions(data=tmp_path, start_ms=start,
                                                   end_ms=start + 5 * DAY_MS))

    assert end == start + 5 * DAY_MS
    assert data.market.start_ms == start - DAY_MS
    assert data.market.end_ms == end
    assert data.covers == (T0, T0 + 20 * DAY_MS)


def test_a_short_backtest_still_loads_four_days_so_the_warm_up_stays_one_day(
    tmp_path: Path,
) -> None:
    write_days(tmp_path, "ADAUSDT", 20)
    start = T0 + 3 * DAY_MS

    data, _ = load_backtest_data(BacktestOptions(data=tmp_path, start_ms=start,
                                                 end_ms=start + DAY_MS // 2))

    assert data.market.end_ms == start - DAY_MS + 4 * DAY_MS


def test_a_period_overlapping_the_data_is_clipped_with_one_note_naming_both_periods(
    tmp_path: Path,
) -> None:
    write_days(tmp_path, "ADAUSDT", 6)
    notes: list[str] = []

    data, end = load_backtest_data(BacktestOptions(data=tmp_path, start_ms=T0,
                                                   end_ms=T0 + 9 * DAY_MS), notice=notes.append)

    assert end == T0 + 6 * DAY_MS
    assert data.market.start_ms == T0
    assert notes == ["mexbot: asked for 2023-11-15 00:00 → 2023-11-24 00:00 UTC; replaying "
                     "2023-11-16 00:00 → 2023-11-21 00:00 UTC, what the data can replay after "
                     "its first day (the warm-up)"]


def test_a_period_inside_the_data_gives_no_note(tmp_path: Path) -> None:
    write_days(tmp_path, "ADAUSDT", 6)
    notes: list[str] = []

    load_backtest_data(BacktestOptions(data=tmp_path, start_ms=T0 + DAY_MS,
                                       end_ms=T0 + 2 * DAY_MS), notice=notes.append)

    assert notes == []
