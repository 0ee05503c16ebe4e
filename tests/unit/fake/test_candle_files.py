"""Candle files are read by range: the span from the first and last rows, only rows needed."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from adapters.fake.candle_files import candle_span
from adapters.fake.loader import DataError, read_candle_file
from adapters.fake.sources import load_run_data

T0 = 1_700_000_040_000  # a minute boundary
HEADER = "open_time_ms,open,high,low,close,volume,quote_volume\n"


def row(i: int) -> str:
    price = 1.0 + i / 1000
    return f"{T0 + i * 60_000},{price},{price + 0.002},{price - 0.002},{price},{i + 1},\n"


def write(path: Path, lines: list[str]) -> Path:
    text = (HEADER + "".join(lines)).encode()
    path.write_bytes(gzip.compress(text) if path.suffix == ".gz" else text)
    return path


@pytest.mark.parametrize("name", ["ADAUSDT-1m.csv.gz", "ADAUSDT-1m.csv"])
def test_a_range_read_returns_exactly_the_rows_a_full_read_has_in_that_range(
    tmp_path: Path, name: str
) -> None:
    path = write(tmp_path / name, [row(i) for i in range(500)])
    times, rows = read_candle_file(path)

    for start, end in ((T0, T0 + 60_000), (T0 + 30_000, T0 + 200 * 60_000), (0, 1 << 62),
                       (T0 + 499 * 60_000, T0 + 600 * 60_000), (T0 + 500 * 60_000, 1 << 62)):
        part_times, part_rows = read_candle_file(path, start, end)
        keep = (times >= start) & (times < end)
        assert part_times.tolist() == times[keep].tolist()
        assert np.array_equal(part_rows, rows[keep], equal_nan=True)


def test_the_span_of_a_file_comes_from_its_first_and_last_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "ADAUSDT-1m.csv.gz", [row(i) for i in range(5000)] + ["\n"])

    assert candle_span(path) == (T0, T0 + 5000 * 60_000)
    assert candle_span(write(tmp_path / "DOTUSDT-1m.csv", [])) is None


def test_rows_outside_the_loaded_window_are_never_parsed(tmp_path: Path) -> None:
    lines = [row(i) for i in range(300)]
    lines[250] = "garbage,after,the,window\n"
    write(tmp_path / "ADAUSDT-1m.csv.gz", lines)

    data = load_run_data(tmp_path, ["ADAUSDT"], window=lambda covers: (T0, T0 + 200 * 60_000))

    assert data.market.minutes == 200
    assert data.covers == (T0, T0 + 300 * 60_000)
    assert data.market.get("ADAUSDT").volume[-1] == 200.0


def test_rows_out_of_time_order_inside_the_window_are_refused_naming_the_file(
    tmp_path: Path,
) -> None:
    lines = [row(i) for i in range(300)]
    lines[100], lines[101] = lines[101], lines[100]
    write(tmp_path / "ADAUSDT-1m.csv.gz", lines)

    with pytest.raises(DataError, match=r"ADAUSDT-1m\.csv\.gz: rows out of time order"):
        load_run_data(tmp_path, ["ADAUSDT"])
