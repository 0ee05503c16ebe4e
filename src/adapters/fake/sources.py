"""Which markets a folder of candle files supplies for a run: recorded, derived or synthetic.

A run needs candles for every symbol its configuration trades. A symbol has them from its own
file (recorded), or, for XUSDC, derived from the XUSDT file at the USDC/USDT rate. USDCUSDT
without a file is a seeded peg near 1.0000 (the bundled data has none). Anything else without
a file is a seeded random walk, and only when the caller allows synthetic markets; otherwise
it is left out, or refused when the configuration trades it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import attrs

from adapters.fake.loader import (
    BUNDLED_END_MS,
    BUNDLED_START_MS,
    CandleSource,
    DataError,
    base_of,
    bundled_data_dir,
    find_file,
    find_sources,
    market_from_sources,
)
from adapters.fake.market import MINUTE_MS, MarketData
from adapters.fake.rules import default_rules
from mexcore.values import SymbolRules

PEG = "USDCUSDT"
Window = Callable[[tuple[int, int]], tuple[int, int]]
"""Given the span the files cover, the span of minutes to load."""

FILE_NAME = re.compile(r"^(?P<symbol>[A-Z0-9]+)-1m\.csv(\.gz)?$")


@attrs.frozen
class RunData:
    """A run's market, where each market came from, and the span the recorded files cover."""

    market: MarketData
    recorded: tuple[str, ...]
    derived: tuple[str, ...]  # XUSDC from XUSDT at the USDC/USDT rate
    synthetic: tuple[str, ...]
    covers: tuple[int, int]  # [first, end) in epoch ms common to the recorded files
    ignored_files: tuple[str, ...]

    def describe(self) -> str:
        """Return one line naming the recorded, derived and synthetic markets."""
        parts = [f"recorded {_names(self.recorded)}"]
        if self.derived:
            parts.append(f"derived from the USDT ones at the USDC/USDT rate {_names(self.derived)}")
        if self.synthetic:
            names = [f"{s} (a seeded peg near 1.0000)" if s == PEG else s for s in self.synthetic]
            parts.append(f"SYNTHETIC {_names(names)}")
        return "; ".join(parts)


def _names(symbols: Iterable[str]) -> str:
    names = list(symbols)
    return f"{len(names)}: {', '.join(names)}" if names else "none"


def ignored_files(folder: Path, rules: Mapping[str, SymbolRules]) -> tuple[str, ...]:
    """Return the names in `folder` that are not `SYMBOL-1m.csv[.gz]` of a known market."""
    names = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix == ".md":
            continue
        match = FILE_NAME.match(path.name)
        if not path.is_file() or match is None or match["symbol"] not in rules:
            names.append(path.name)
    return tuple(names)


def expected_files(symbol: str) -> str:
    """Return the file names that would give `symbol` candles."""
    names = f"{symbol}-1m.csv[.gz]"
    if symbol.endswith("USDC") and symbol != PEG:
        names += f" or {symbol.removesuffix('USDC')}USDT-1m.csv[.gz]"
    return names


def _source(symbol: str, folder: Path, rules: Mapping[str, SymbolRules]) -> str | None:
    if find_file(folder, symbol) is not None:
        return "recorded"
    usdt = base_of(symbol, rules) + "USDT"
    if symbol.endswith("USDC") and find_file(folder, usdt) is not None:
        return "derived"
    return "synthetic" if symbol == PEG else None


def _sources(
    folder: Path, required: Iterable[str], synthetic: bool, rules: Mapping[str, SymbolRules]
) -> dict[str, str]:
    sources: dict[str, str] = {}
    for symbol in sorted(set(rules) | set(required)):
        source = _source(symbol, folder, rules) or ("synthetic" if synthetic else None)
        if source is not None:
            sources[symbol] = source
    missing = [s for s in dict.fromkeys(required) if s not in sources]
    if missing:
        expected = "; ".join(expected_files(s) for s in missing)
        raise DataError(f"{folder} has no candles for {', '.join(missing)}, which the "
                        f"configuration trades: expected {expected} (or pass --synthetic for "
                        "seeded random walks)")
    return sources


def _covers(files: Mapping[str, CandleSource]) -> tuple[int, int]:
    spans = [f.span for f in files.values() if f.span is not None]
    if not spans:
        return BUNDLED_START_MS, BUNDLED_END_MS  # synthetic only: as long as the bundled data
    first = max(a for a, _ in spans)
    return first - first % MINUTE_MS, min(b for _, b in spans)


def _whole(covers: tuple[int, int]) -> tuple[int, int]:
    return covers


def load_run_data(
    folder: Path | None,
    required: Iterable[str],
    *,
    synthetic: bool = False,
    window: Window | None = None,
    seed: int = 1,
) -> RunData:
    """Load the markets a run can use from `folder` (None: bundled), refusing missing ones.

    The minutes loaded are `window` of the span common to the files (default: that span);
    the span comes from each file's first and last rows, and only the window's rows are read.
    """
    where = bundled_data_dir() if folder is None else folder
    if not where.is_dir():
        raise DataError(f"data folder not found: {where}")
    rules = default_rules()
    sources = _sources(where, list(required), synthetic, rules)
    files = find_sources(where, list(sources), rules)
    covers = _covers(files)
    if covers[1] <= covers[0]:
        raise DataError(f"{where}: the candle files do not overlap in time")
    market = market_from_sources(files, list(sources), (window or _whole)(covers), seed, rules)
    kinds = {k: tuple(s for s, v in sources.items() if v == k)
             for k in ("recorded", "derived", "synthetic")}
    return RunData(market, kinds["recorded"], kinds["derived"], kinds["synthetic"], covers,
                   ignored_files(where, rules))
