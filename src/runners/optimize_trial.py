"""One optimisation trial: a full backtest (every enabled runner) of one configuration.

The candles of each window are loaded once per process (`load_window`) and reused by every
trial that process runs; the backtest itself is `runners.sim.run_sim` and the report
`runners.backtest_report.build_report`, exactly as `mexbot backtest` computes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from adapters.fake import FakeClock
from adapters.fake.market import MarketData
from adapters.fake.store import InMemoryStore
from mexcore.policies import BotConfig
from mexcore.ports import Level
from runners.backtest import BacktestOptions, load_backtest_data
from runners.backtest_report import BacktestReport, build_report
from runners.logs import simulated_log_time
from runners.optimize_folds import Window
from runners.periods import traded_symbols
from runners.sim import DAY_MS, WARM_UP_MS, SimOptions, run_sim

_LOADED: dict[tuple[str, int | None, int | None], tuple[MarketData, int]] = {}


class CountingNotifier:
    """Drop every message, counting the errors (a trial reports how many it had)."""

    def __init__(self) -> None:
        self.errors = 0

    async def send(self, topic: str, text: str, level: Level = Level.INFO) -> None:
        """Count an error; drop anything else."""
        self.errors += level is Level.ERROR

    def wants(self, level: Level) -> bool:
        """Want only errors (the others are not even rendered)."""
        return level is Level.ERROR

    async def send_picture(self, topic: str, png: bytes, caption: str = "") -> None:
        """Drop a picture."""


@attrs.frozen
class TrialRun:
    """A finished trial backtest: its report and how many errors its services notified."""

    report: BacktestReport
    errors: int


Span = tuple[int | None, int | None]  # [start, end) in epoch ms; None: where the data starts/ends


def span_of(window: Window | None) -> Span:
    """Return a window as a span (None: the whole data)."""
    return (None, None) if window is None else (window.start_ms, window.end_ms)


def load_window(data: Path | None, span: Span, config: BotConfig) -> tuple[MarketData, int]:
    """Return the market of a span (and its warm-up day) and its end; loaded once a process."""
    key = (str(data), *span)
    if key not in _LOADED:
        options = BacktestOptions(data=data, progress=False, start_ms=key[1], end_ms=key[2])
        loaded = load_backtest_data(options, traded_symbols(config))
        _LOADED[key] = (loaded[0].market, loaded[1])
    return _LOADED[key]


def forget_window(data: Path | None, span: Span) -> None:
    """Drop a loaded span's market (the folds need only their own windows)."""
    _LOADED.pop((str(data), *span), None)


def remember_window(data: Path | None, window: Window, loaded: tuple[MarketData, int]) -> None:
    """Keep an already loaded whole-period market for the window it covers."""
    _LOADED[(str(data), window.start_ms, window.end_ms)] = loaded


async def run_trial(config: BotConfig, loaded: tuple[MarketData, int]) -> TrialRun:
    """Run every enabled runner of `config` over the loaded period; return the report."""
    market, end = loaded
    start = market.start_ms + WARM_UP_MS
    days = (Decimal(max(0, end - start)) + Decimal("0.5")) / DAY_MS
    options = SimOptions(days=days, seed=config.sim.seed, progress=False, skip_quiet=True)
    store, clock, notifier = InMemoryStore(), FakeClock(), CountingNotifier()
    with simulated_log_time(clock.now_ms):
        run = await run_sim(attrs.evolve(config, mode="sim"), options, notifier, store, market,
                            clock=clock)
    report = build_report(run, store, market, dict(config.sim.start_balances))
    return TrialRun(report, notifier.errors)


def plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return parameter values as JSON/TOML-ready data: decimals as strings."""
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}
