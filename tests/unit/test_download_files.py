"""Kline rows read as MEXC's exact text; candle files grown atomically and repaired on resume."""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.fake.candle_files import HEADER, DataError, candle_span, read_candle_file
from adapters.mexc.klines_download import (
    Gap,
    KlineRow,
    candles_between,
    closed_candles,
    find_gaps,
    parse_kline_row,
)
from mexcore.errors import ExchangeDataError
from runners.download_files import append_rows, read_state

MINUTE = 60_000
T0 = 1_735_689_600_000  # 2025-01-01 00:00 UTC


def row(open_ms: int, close: str = "1.5") -> KlineRow:
    return KlineRow(open_ms, open_ms + MINUTE, ("1.5", "1.6", "1.4", close, "10", "15"))


def test_a_kline_row_keeps_mexcs_text_exactly() -> None:
    parsed = parse_kline_row([T0, "47482.360", "47482.36", "1E-8", "47436.1", "3.550717",
                              T0 + MINUTE, Decimal("168387.30")], "1m")

    assert parsed.csv_line() == f"{T0},47482.360,47482.36,1E-8,47436.1,3.550717,168387.30\n"


@pytest.mark.parametrize("bad", [
    [T0, 1.5, "1", "1", "1", "1", T0 + MINUTE, "1"],  # a float
    [T0, "NaN", "1", "1", "1", "1", T0 + MINUTE, "1"],
    [T0, "abc", "1", "1", "1", "1", T0 + MINUTE, "1"],
    [T0, "1", "1", "1", "1", "1", T0 + MINUTE - 1, "1"],  # Binance's -1 ms close
    [T0 + 1, "1", "1", "1", "1", "1", T0 + MINUTE + 1, "1"],  # not on a minute
    [T0, "1", "1", "1", "1", "1", T0 + MINUTE],  # seven fields
    [str(T0), "1", "1", "1", "1", "1", T0 + MINUTE, "1"],
])
def test_a_kline_row_that_is_not_one_exact_candle_is_refused(bad: list[object]) -> None:
    with pytest.raises(ExchangeDataError):
        parse_kline_row(bad, "1m")


def test_gaps_are_the_spans_between_a_close_and_the_next_open() -> None:
    rows = [row(T0), row(T0 + 3 * MINUTE), row(T0 + 4 * MINUTE)]

    assert find_gaps("1m", T0 - 2 * MINUTE, rows) == [
        Gap(T0 - 2 * MINUTE, T0, 2), Gap(T0 + MINUTE, T0 + 3 * MINUTE, 2)]
    assert find_gaps("1m", None, rows[:1]) == []


def test_monthly_candles_are_counted_by_calendar_month() -> None:
    march = 1_740_787_200_000  # 2025-03-01

    assert candles_between("1M", T0, march) == 2
    assert closed_candles("1M", T0, march - 1) == 1
    assert closed_candles("60m", T0, T0 + 150 * MINUTE) == 2


def test_appended_chunks_are_one_file_with_one_header(tmp_path: Path) -> None:
    path = tmp_path / "X-1m.csv.gz"
    append_rows(path, [row(T0)])
    append_rows(path, [row(T0 + MINUTE), row(T0 + 3 * MINUTE)])

    state = read_state(path, "1m")

    assert gzip.decompress(path.read_bytes()).decode().splitlines()[0] == HEADER
    assert (state.first_ms, state.last_ms, state.rows) == (T0, T0 + 3 * MINUTE, 3)
    assert state.gaps == (Gap(T0 + 2 * MINUTE, T0 + 3 * MINUTE, 1),)
    assert not state.repaired
    assert not (tmp_path / "X-1m.csv.gz.part").exists()


def test_a_file_with_a_repeated_candle_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "X-1m.csv.gz"
    append_rows(path, [row(T0), row(T0)])

    with pytest.raises(DataError, match="repeats"):
        read_state(path, "1m")


def test_a_foreign_file_in_the_way_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "X-1m.csv.gz"
    path.write_bytes(gzip.compress(b"time,o,h,l,c\n1,2,3,4,5\n"))

    with pytest.raises(DataError, match="not a candle file"):
        read_state(path, "1m")


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(min_value=0, max_value=10_000), members=st.integers(1, 4))
def test_a_file_cut_anywhere_keeps_exactly_its_complete_rows(
        tmp_path_factory: pytest.TempPathFactory, cut: int, members: int) -> None:
    path = tmp_path_factory.mktemp("cut") / "X-1m.csv.gz"
    rows = [row(T0 + i * MINUTE, f"{i}.25") for i in range(120)]
    for part in range(members):
        append_rows(path, rows[part * 120 // members:(part + 1) * 120 // members])
    whole = gzip.decompress(path.read_bytes())
    path.write_bytes(path.read_bytes()[:cut])

    state = read_state(path, "1m")

    kept = gzip.decompress(path.read_bytes()) if path.stat().st_size else b""
    assert whole.startswith(kept)
    assert kept.endswith(b"\n") or kept == b""
    assert state.rows == max(0, kept.count(b"\n") - 1)
    assert state.last_ms in (None, T0 + (state.rows - 1) * MINUTE)


def test_a_file_that_is_not_gzip_at_all_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "X-1m.csv.gz"
    path.write_text(f"{HEADER}\n{T0},1,1,1,1,1,1\n")
    before = path.read_bytes()

    with pytest.raises(DataError, match="not a gzip file"):
        read_state(path, "1m")

    assert path.read_bytes() == before


def test_a_week_may_start_on_any_day_but_must_last_seven_days() -> None:
    sunday, week = 1_735_430_400_000, 7 * 1440 * MINUTE  # 2024-12-29

    assert parse_kline_row([sunday, "1", "1", "1", "1", "1", sunday + week, "1"], "1W").open_ms \
        == sunday
    with pytest.raises(ExchangeDataError):
        parse_kline_row([sunday, "1", "1", "1", "1", "1", sunday + week - MINUTE, "1"], "1W")


def test_the_loader_spans_and_reads_a_file_of_several_chunks(tmp_path: Path) -> None:
    path = tmp_path / "X-1m.csv.gz"
    append_rows(path, [row(T0), row(T0 + MINUTE)])
    append_rows(path, [row(T0 + 2 * MINUTE, "1.55")])

    times, rows = read_candle_file(path)

    assert candle_span(path) == (T0, T0 + 3 * MINUTE)
    assert times.tolist() == [T0, T0 + MINUTE, T0 + 2 * MINUTE]
    assert rows[2, 3] == 1.55
