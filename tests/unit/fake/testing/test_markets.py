"""Markets built from arrays, rows and folders trade like recorded ones, and bad input is named."""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.fake import FakeClock, FakeExchange
from adapters.fake.market import MINUTE_MS
from adapters.fake.testing import (
    bundled_market,
    market_from_closes,
    market_from_folder,
    market_from_ohlcv,
)
from adapters.fake.testing.markets import START_MS

D = Decimal


def test_closes_become_minutes_that_open_at_the_previous_close() -> None:
    market = market_from_closes({"BTCUSDC": [30000, 30010.5, D("29990.25")]})

    candles = market.candles("BTCUSDC", "1m", 10, done=3)

    assert [c.close for c in candles] == [D("30000.00"), D("30010.50"), D("29990.25")]
    assert [c.open for c in candles] == [D("30000.00"), D("30000.00"), D("30010.50")]
    assert market.start_ms == START_MS
    assert market.minutes == 3


def test_closes_are_rounded_to_the_symbols_tick() -> None:
    market = market_from_closes({"ADAUSDT": [0.412345, 0.41]})

    assert market.last_price("ADAUSDT", 1) == D("0.4123")


def test_a_closes_market_trades_on_the_fake_exchange() -> None:
    market = market_from_closes({"BTCUSDC": [30000.0] * 120})
    exchange = FakeExchange(FakeClock(START_MS + 60 * MINUTE_MS), market)

    assert exchange.last_price("BTCUSDC") == D("30000.00")


@pytest.mark.parametrize(("closes", "problem"), [
    ({}, "at least one symbol"),
    ({"BTCUSDC": []}, "BTCUSDC: no closes"),
    ({"BTCUSDC": [1.0, 0.0]}, "close 0.0 at minute 1"),
    ({"BTCUSDC": [1.0, float("nan")]}, "at minute 1"),
    ({"BTCUSDC": [1.0, 2.0], "ETHUSDC": [1.0]}, "BTCUSDC 2, ETHUSDC 1"),
])
def test_bad_closes_are_refused_with_the_problem_named(closes: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        market_from_closes(closes)


def test_a_start_off_the_minute_is_refused() -> None:
    with pytest.raises(ValueError, match="not aligned to a minute"):
        market_from_closes({"BTCUSDC": [1.0]}, start_ms=START_MS + 1)


def test_ohlcv_rows_keep_their_wicks_and_volumes() -> None:
    market = market_from_ohlcv({"BTCUSDC": [(100, 105, 99, 101, 2), (101, 103, 100, 102, 3, 310)]})

    first, second = market.candles("BTCUSDC", "1m", 5, done=2)

    assert (first.high, first.low, first.volume) == (D("105.00"), D("99.00"), D("2"))
    assert first.quote_volume == D("202")  # close × volume when not given
    assert second.quote_volume == D("310")


@pytest.mark.parametrize(("row", "problem"), [
    ((100, 99, 98, 100, 1), "a high under its open or close"),
    ((100, 101, 100.5, 100, 1), "a low above its open or close"),
    ((100, 101, 99, 100, -1), "a negative or missing volume"),
    ((100, 101, 99), "each row is open, high, low, close, volume"),
])
def test_an_impossible_candle_is_refused(row: tuple, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        market_from_ohlcv({"BTCUSDC": [(100, 100, 100, 100, 1), row]})


def test_the_bundled_market_is_loaded_once_and_holds_eight_days() -> None:
    first = bundled_market(("BTCUSDC",))

    assert bundled_market(["BTCUSDC"]) is first
    assert first.minutes == 8 * 1440


def write_candles(folder: Path, symbol: str, closes: list[str]) -> None:
    lines = ["open_time_ms,open,high,low,close,volume,quote_volume"]
    lines += [f"{START_MS + i * MINUTE_MS},{c},{c},{c},{c},1," for i, c in enumerate(closes)]
    (folder / f"{symbol}-1m.csv.gz").write_bytes(gzip.compress("\n".join(lines).encode()))


def test_a_folder_of_candle_files_becomes_a_market(tmp_path: Path) -> None:
    write_candles(tmp_path, "BTCUSDT", ["30000", "30100", "30200"])

    market = market_from_folder(tmp_path, ["BTCUSDT"])

    assert market.minutes == 3
    assert market.last_price("BTCUSDT", 3) == D("30200.00")


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is not a directory"):
        market_from_folder(tmp_path / "nowhere")
