"""Candle rows parse to exactly the floats a decimal parser gives (np.loadtxt, strtod)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.fake.candle_files import DataError, plain_table, read_candle_file

HEADER = "open_time_ms,open,high,low,close,volume,quote_volume\n"
T0 = 1_700_000_040_000


def reference(rows: str) -> np.ndarray:
    """Parse rows as the loader always did: np.loadtxt, an empty or no quote volume as NaN."""
    text = rows.replace(",\n", ",nan\n")
    table = np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2, dtype=np.float64)
    return table if table.shape[1] == 7 else np.column_stack((table, np.full(len(table), np.nan)))


decimals = st.builds(lambda whole, frac, places: f"{whole}.{frac % 10**places:0{places}d}"
                     if places else str(whole),
                     st.integers(0, 10**7 - 1), st.integers(0, 10**8 - 1), st.integers(0, 8))
amounts = st.one_of(decimals, st.integers(0, 10**12).map(str))


@st.composite
def candle_rows(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 8))
    lines = []
    for i in range(count):
        numbers = [draw(decimals) for _ in range(4)] + [draw(amounts)]
        quote = draw(st.one_of(st.just(""), amounts))
        lines.append(",".join([str(T0 + i * 60_000), *numbers, quote]) + "\n")
    return "".join(lines)


def read(tmp_path: Path, rows: str) -> np.ndarray:
    path = tmp_path / "XUSDT-1m.csv"
    path.write_text(HEADER + rows)
    times, table = read_candle_file(path)
    return np.column_stack((times.astype(np.float64), table))


@settings(max_examples=40, deadline=None)
@given(rows=candle_rows())
def test_decimal_rows_parse_to_the_same_floats_as_a_decimal_parser(rows: str) -> None:
    table = plain_table(rows.encode())

    assert table is not None
    assert np.array_equal(table, reference(rows), equal_nan=True)


def test_a_file_of_plain_rows_reads_as_a_decimal_parser_reads_it(tmp_path: Path) -> None:
    rows = "".join(f"{T0 + i * 60_000},{i}.{i % 97:02d},{i + 1},{i}.5,{i}.25,0.{i + 1},\n"
                   for i in range(3000))  # several blocks of rows

    assert np.array_equal(read(tmp_path, rows), reference(rows), equal_nan=True)


@pytest.mark.parametrize("rows", [
    f"{T0},1e-3,2.5E+1,0.5,1,7,\n",  # exponents
    f"{T0}, 1.5 ,2,1,1.5,3,4.5\n",  # spaces around numbers
    f"{T0},-1.5,2,1,1.5,3,4\r\n{T0 + 60_000},1.5,2,1,1.5,3,4\r\n",  # Windows line ends
    f"{T0},1.123456789012345678,2,1,1.5,3,\n",  # more digits than a float holds exactly
    f"{T0},.5,2.,1,1.5,3,\n",  # a dot without digits on one side
    f"{T0},1.5,2,1,1.5,3\n{T0 + 60_000},1.25,2,1,1.5,3\n",  # six columns, no quote volume
])
def test_rows_a_plain_decimal_reader_cannot_take_still_parse_as_before(
    tmp_path: Path, rows: str
) -> None:
    assert np.array_equal(read(tmp_path, rows), reference(rows.replace("\r", "")),
                          equal_nan=True)


@pytest.mark.parametrize("rows", [
    f"{T0},1.5,2,1,1.5\n",  # five columns
    f"{T0},1.5,,1,1.5,3,\n",  # an empty price
    f"{T0},1.5,2,1,1.5,3,\n{T0 + 60_000},1.5,2,1,1.5,3\n",  # rows of different widths
    f"{T0},1.5.1,2,1,1.5,3,\n",  # two dots
    f"{T0},abc,2,1,1.5,3,\n",
])
def test_malformed_rows_are_an_error_naming_the_file(tmp_path: Path, rows: str) -> None:
    with pytest.raises(DataError, match=r"XUSDT-1m\.csv"):
        read(tmp_path, rows)
