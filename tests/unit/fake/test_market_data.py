"""Market data: loading, gap filling, derived USDC markets, aggregation and tickers."""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import pytest
from tests.integration.exchange_contract.harness import bundled_market

from adapters.fake import load_market_data
from adapters.fake.loader import BUNDLED_START_MS, bundled_data_dir
from mexcore.errors import SkipSymbol

T0 = 1_700_000_040_000  # a minute boundary


def write_csv(folder: Path, name: str, rows: list[str]) -> None:
    """Write a gzip candle file with the standard header."""
    text = "open_time_ms,open,high,low,close,volume,quote_volume\n" + "\n".join(rows) + "\n"
    (folder / name).write_bytes(gzip.compress(text.encode()))


def test_bundled_data_holds_eight_days_of_ten_usdt_symbols() -> None:
    names = sorted(p.name for p in bundled_data_dir().glob("*-1m.csv.gz"))

    market = bundled_market()

    assert len(names) == 10
    assert market.start_ms == BUNDLED_START_MS
    assert market.minutes == 8 * 1440
    assert "BTCUSDC" in market.symbols
    assert "USDCUSDT" in market.symbols


def test_missing_minutes_become_flat_zero_volume_candles(tmp_path: Path) -> None:
    write_csv(tmp_path, "XUSDT-1m.csv.gz", [
        f"{T0},1.0,1.2,0.9,1.1,10,", f"{T0 + 120_000},1.3,1.4,1.2,1.3,5,7",
    ])

    market = load_market_data(tmp_path, ["XUSDT"], rules={})
    candles = market.candles("XUSDT", "1m", 3, 3)

    assert [c.close for c in candles] == [Decimal("1.1"), Decimal("1.1"), Decimal("1.3")]
    assert [c.volume for c in candles] == [10, 0, 5]
    assert [c.quote_volume for c in candles] == [11, 0, 7]


def test_fifteen_minute_candles_aggregate_the_minutes() -> None:
    market = bundled_market()
    minutes = market.candles("ETHUSDT", "1m", 15, 15)

    quarter = market.candles("ETHUSDT", "15m", 1, 15)[0]

    assert quarter.open == minutes[0].open
    assert quarter.close == minutes[-1].close
    assert quarter.high == max(c.high for c in minutes)
    assert quarter.low == min(c.low for c in minutes)
    assert quarter.volume == sum(c.volume for c in minutes)


def test_newest_candle_is_partial_and_holds_only_completed_minutes() -> None:
    market = bundled_market()

    hour = market.candles("BTCUSDT", "60m", 1, 10)[0]

    assert hour.open_time_ms == BUNDLED_START_MS
    assert hour.close == market.candles("BTCUSDT", "1m", 1, 10)[0].close


def test_usdc_prices_are_usdt_prices_divided_by_the_peg() -> None:
    market = bundled_market()

    btc_usdc = market.last_price("BTCUSDC", 100)
    ratio = market.last_price("BTCUSDT", 100) / market.last_price("USDCUSDT", 100)

    assert abs(btc_usdc - ratio) <= Decimal("0.01")


def test_ticker_covers_the_last_1440_minutes() -> None:
    market = bundled_market()

    _, first, high, _, volume, _ = market.ticker_values("DOGEUSDT", 2000)

    day = market.candles("DOGEUSDT", "1m", 1000, 2000) + market.candles("DOGEUSDT", "1m", 440, 1000)
    assert len(day) == 1440
    assert Decimal(str(volume)).quantize(Decimal(1)) == sum(c.volume for c in day)
    assert Decimal(str(high)) == max(c.high for c in day)
    assert Decimal(str(first)) == min(day, key=lambda c: c.open_time_ms).open


def test_unknown_interval_and_symbol_raise_skip_symbol() -> None:
    market = bundled_market()

    with pytest.raises(SkipSymbol, match="interval"):
        market.candles("BTCUSDT", "2h", 1, 10)
    with pytest.raises(SkipSymbol, match="symbol"):
        market.candles("NOPE", "1m", 1, 10)


def test_synthetic_symbols_are_deterministic_for_a_seed(tmp_path: Path) -> None:
    def closes(seed: int) -> list[Decimal]:
        market = load_market_data(tmp_path, ["SOLUSDT"], start_ms=T0, end_ms=T0 + 3_600_000,
                                  seed=seed)
        return [c.close for c in market.candles("SOLUSDT", "1m", 60, 60)]

    assert closes(3) == closes(3)
    assert closes(3) != closes(4)


def test_a_market_of_only_some_symbols_keeps_their_candles_and_the_grid() -> None:
    market = bundled_market()

    kept = market.only(("BTCUSDT", "NOSUCHUSDT"))

    assert kept.symbols == ["BTCUSDT"]
    assert (kept.start_ms, kept.minutes) == (market.start_ms, market.minutes)
    assert kept.candles("BTCUSDT", "15m", 50, 3000) == market.candles("BTCUSDT", "15m", 50, 3000)
    assert kept.price_decimals("BTCUSDT") == market.price_decimals("BTCUSDT")
