"""Where a run's markets come from: recorded files, derived USDC markets, or refused."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from adapters.fake.loader import DataError, read_candle_file
from adapters.fake.rules import default_rules
from adapters.fake.sources import ignored_files, load_run_data

ROWS = "".join(f"{1_700_000_040_000 + i * 60_000},1.0,1.1,0.9,1.0,5,\n" for i in range(240))
HEADER = "open_time_ms,open,high,low,close,volume,quote_volume\n"


def test_docs_and_hidden_files_are_not_ignored_data_but_unknown_markets_are(
    tmp_path: Path,
) -> None:
    for name in ("PROVENANCE.md", ".DS_Store", "ADAUSDT-1m.csv", "FOOUSDT-1m.csv", "a.csv"):
        (tmp_path / name).write_text(HEADER)

    assert ignored_files(tmp_path, default_rules()) == ("FOOUSDT-1m.csv", "a.csv")


def test_a_corrupt_gzip_file_is_a_data_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "ADAUSDT-1m.csv.gz"
    path.write_bytes(gzip.compress(HEADER.encode())[:-6])

    with pytest.raises(DataError, match=r"ADAUSDT-1m\.csv\.gz: not a readable candle file"):
        read_candle_file(path)


def test_a_traded_usdc_market_is_derived_from_its_usdt_file_and_nothing_else_is_invented(
    tmp_path: Path,
) -> None:
    (tmp_path / "ADAUSDT-1m.csv").write_text(HEADER + ROWS)

    data = load_run_data(tmp_path, ["ADAUSDC"])

    assert data.recorded == ("ADAUSDT",)
    assert data.derived == ("ADAUSDC",)
    assert data.synthetic == ("USDCUSDT",)
    assert sorted(data.market.symbols) == ["ADAUSDC", "ADAUSDT", "USDCUSDT"]
    assert data.covers == (1_700_000_040_000, 1_700_000_040_000 + 240 * 60_000)


def test_a_traded_symbol_without_candles_is_refused_unless_synthetic_is_asked(
    tmp_path: Path,
) -> None:
    (tmp_path / "ADAUSDT-1m.csv").write_text(HEADER + ROWS)

    with pytest.raises(DataError, match="no candles for DOTUSDC"):
        load_run_data(tmp_path, ["ADAUSDC", "DOTUSDC"])
    data = load_run_data(tmp_path, ["ADAUSDC", "DOTUSDC"], synthetic=True)

    assert "DOTUSDC" in data.synthetic
    assert "BTCUSDT" in data.synthetic
