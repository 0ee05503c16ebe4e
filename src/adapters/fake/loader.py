"""Load market data for the fake exchange: recorded CSV candles, derived USDC markets, synthetic.

Files are `SYMBOL-1m.csv` or `SYMBOL-1m.csv.gz` with the header
`open_time_ms,open,high,low,close,volume,quote_volume` (an empty quote volume is close × volume).
A USDC market without a file is derived from its USDT twin: XUSDC = XUSDT / USDCUSDT, where
USDCUSDT (without a file) is a seeded synthetic peg around 1.0000. Any other symbol without a
file gets a seeded geometric random walk. All symbols share one minute grid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

import attrs
import numpy as np

from adapters.fake.candle_files import (
    HEADER,
    SHORT_HEADER,
    CandleFile,
    DataError,
    candle_span,
    read_candle_file,
)
from adapters.fake.derived import USDC_VOLUME_SHARE, DerivedSeries, derive_window
from adapters.fake.market import MINUTE_MS, MarketData
from adapters.fake.rules import default_rules
from adapters.fake.series import Floats, MinuteSeries, fill_gaps
from adapters.fake.synthetic import START_PRICES, random_walk, stable_peg, symbol_rng
from mexcore.money import decimals_of
from mexcore.values import SymbolRules

__all__ = ["HEADER", "SHORT_HEADER", "USDC_VOLUME_SHARE", "CandleFile", "CandleSource",
           "DataError", "load_market_data", "read_candle_file"]

BUNDLED_START_MS = 1_681_948_800_000  # 2023-04-20 00:00 UTC
BUNDLED_END_MS = 1_682_640_000_000  # 2023-04-28 00:00 UTC


@attrs.frozen
class CandleSource:
    """One market's candle file and the span its rows cover ([first, end) ms; None: no rows)."""

    path: Path
    span: tuple[int, int] | None

    @classmethod
    def of(cls, path: Path) -> CandleSource:
        """Return the source of `path`, reading only its header and last row."""
        return cls(path, candle_span(path))


def bundled_data_dir() -> Path:
    """Return the folder of the 8 days of real 1-minute candles shipped with the package."""
    return Path(str(resources.files("adapters.fake") / "data"))


def _place_on_grid(times: np.ndarray, rows: Floats, start_ms: int, minutes: int) -> Floats:
    grid = np.full((minutes, 6), np.nan)
    index = (times - start_ms) // MINUTE_MS
    keep = (index >= 0) & (index < minutes) & ((times - start_ms) % MINUTE_MS == 0)
    grid[index[keep]] = rows[keep]
    return fill_gaps(grid)


def find_file(folder: Path | None, symbol: str) -> Path | None:
    """Return the candle file of `symbol` in `folder` (gzip first), None when there is none."""
    if folder is None:
        return None
    for name in (f"{symbol}-1m.csv.gz", f"{symbol}-1m.csv"):
        if (folder / name).is_file():
            return folder / name
    return None


def _round_prices(rows: Floats, decimals: int) -> Floats:
    out = rows.copy()
    out[:, 0:4] = np.round(out[:, 0:4], decimals)
    out[:, 1] = np.maximum(out[:, 1], np.maximum(out[:, 0], out[:, 3]))
    out[:, 2] = np.minimum(out[:, 2], np.minimum(out[:, 0], out[:, 3]))
    return out


def derive_quoted(base_rows: Floats, quote_rows: Floats, decimals: int) -> Floats:
    """Return candles of X/Y from X/USDT and Y/USDT (each price divided by Y's same-minute price).

    >>> import numpy as np
    >>> x = np.array([[100.0, 103.0, 99.0, 102.0, 5.0, np.nan]])
    >>> y = np.array([[1.0, 1.0, 1.0, 1.02, 9.0, np.nan]])
    >>> derive_quoted(x, y, 2)[0, :4].tolist()
    [100.0, 100.98, 97.06, 100.0]
    """
    base = (base_rows[:, 0], base_rows[:, 1], base_rows[:, 2], base_rows[:, 3])
    o, h, low, c = derive_window(base, quote_rows[:, 0], quote_rows[:, 3], decimals)
    return np.column_stack((o, h, low, c, base_rows[:, 4] * USDC_VOLUME_SHARE,
                            np.full(len(o), np.nan)))


def base_of(symbol: str, rules: Mapping[str, SymbolRules]) -> str:
    """Return the base asset of `symbol` (from its rules, else by stripping USDT/USDC)."""
    if symbol in rules:
        return rules[symbol].base
    return symbol.removesuffix("USDT").removesuffix("USDC")


def _needed(
    wanted: Iterable[str],
    folder: Path | None,
    rules: Mapping[str, SymbolRules],
    have: set[str] | None = None,
) -> list[str]:
    def has(symbol: str) -> bool:
        return symbol in have if have is not None else find_file(folder, symbol) is not None

    needed = list(dict.fromkeys(wanted))
    for symbol in list(needed):
        if symbol.endswith("USDC") and not has(symbol):
            needed += [base_of(symbol, rules) + "USDT", "USDCUSDT"]
    return list(dict.fromkeys(needed))


def _window(
    spans: Iterable[tuple[int, int]], start_ms: int | None, end_ms: int | None
) -> tuple[int, int]:
    known = list(spans)
    start = start_ms if start_ms is not None else min((a for a, _ in known),
                                                      default=BUNDLED_START_MS)
    start -= start % MINUTE_MS
    default_end = max(b for _, b in known) if known else start + BUNDLED_END_MS - BUNDLED_START_MS
    end = end_ms if end_ms is not None else default_end
    if end <= start:
        raise DataError(f"empty period {start} .. {end} (epoch ms)")
    return start, (end - start) // MINUTE_MS


def _decimals(rules: Mapping[str, SymbolRules], attr: str) -> dict[str, int]:
    return {name: decimals_of(getattr(r, attr)) for name, r in rules.items()}


def load_market_data(
    folder: str | Path | None = None,
    symbols: Iterable[str] | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    seed: int = 1,
    rules: Mapping[str, SymbolRules] | None = None,
) -> MarketData:
    """Load 1-minute candles for `symbols` (default: every ruled symbol) from `folder`.

    `folder` None means the bundled data; the period defaults to the span of the files found.
    A symbol without a file is derived (USDC) or synthetic. Deterministic for a given folder,
    period and seed. Only the rows of the period are read.
    """
    rules = default_rules() if rules is None else rules
    wanted = sorted(rules) if symbols is None else list(symbols)
    sources = find_sources(folder, wanted, rules)
    return market_from_sources(sources, wanted, (start_ms, end_ms), seed, rules)


def find_sources(
    folder: str | Path | None, wanted: Iterable[str], rules: Mapping[str, SymbolRules]
) -> dict[str, CandleSource]:
    """Return the files of `wanted` and of what their derivation needs, with their spans."""
    where = bundled_data_dir() if folder is None else Path(folder)
    needed = _needed(wanted, where, rules)
    found = {s: p for s in needed if (p := find_file(where, s)) is not None}
    return {s: CandleSource.of(p) for s, p in found.items()}


def market_from_sources(
    sources: Mapping[str, CandleSource],
    wanted: list[str],
    period: tuple[int | None, int | None],
    seed: int,
    rules: Mapping[str, SymbolRules],
) -> MarketData:
    """Read the period of each file onto one minute grid; derive or synthesise the rest.

    One file is read at a time and becomes its series at once, so no file is held whole.
    """
    spans = [src.span for src in sources.values() if src.span is not None]
    start, minutes = _window(spans, *period)
    price_dp = _decimals(rules, "price_tick")
    series: dict[str, MinuteSeries] = {}
    for symbol, src in sources.items():
        times, rows = read_candle_file(src.path, start, start + minutes * MINUTE_MS)
        grid = _place_on_grid(times, rows, start, minutes)
        series[symbol] = MinuteSeries(_round_prices(grid, price_dp.get(symbol, 8)))
    _complete(series, _needed(wanted, None, rules, set(sources)), (minutes, seed), rules)
    return MarketData(start, {s: series[s] for s in wanted}, price_dp,
                      _decimals(rules, "qty_step"))


def _complete(
    series: dict[str, MinuteSeries],
    needed: list[str],
    size_and_seed: tuple[int, int],
    rules: Mapping[str, SymbolRules],
) -> None:
    minutes, seed = size_and_seed
    for symbol in needed:
        if symbol not in series and not (symbol.endswith("USDC") and symbol != "USDCUSDT"):
            series[symbol] = MinuteSeries(_synthesise(symbol, minutes, seed, rules))
    for symbol in needed:
        if symbol not in series:
            usdt = series[base_of(symbol, rules) + "USDT"]
            price_dp = decimals_of(rules[symbol].price_tick) if symbol in rules else 8
            series[symbol] = DerivedSeries(usdt, series["USDCUSDT"], price_dp)


def _synthesise(symbol: str, minutes: int, seed: int, rules: Mapping[str, SymbolRules]) -> Floats:
    rng = symbol_rng(symbol, seed)
    decimals = decimals_of(rules[symbol].price_tick) if symbol in rules else 8
    if symbol == "USDCUSDT":
        return stable_peg(minutes, rng, 10.0**-decimals)
    start_price = START_PRICES.get(base_of(symbol, rules), 1.0)
    return _round_prices(random_walk(minutes, start_price, rng), decimals)
