"""Benchmark 1: the whole bot, every runner on, over a month of 1-minute candles of ten symbols."""

from __future__ import annotations

import asyncio
import time

from bench.common import MONTH_FROM, MONTH_TO, Row, month_data_or_none
from mexcore.config import load_config
from runners.backtest import BacktestOptions, load_backtest_market, parse_time_ms, run_backtest


def run(days: int | None = None) -> Row | None:
    """Backtest the month (or its first `days`); report candle-events/s and days per second."""
    folder = month_data_or_none()
    if folder is None:
        return None
    start = parse_time_ms(MONTH_FROM)
    end = parse_time_ms(MONTH_TO, end_of_day=True)
    if days is not None:
        end = min(end, start + days * 86_400_000)
    options = BacktestOptions(data=folder, start_ms=start, end_ms=end, progress=False)
    began = time.perf_counter()
    loaded = load_backtest_market(options)
    load_s = time.perf_counter() - began
    backtest = asyncio.run(run_backtest(load_config({}), options, loaded))
    total_s = time.perf_counter() - began
    sim_days = (backtest.run.end_ms - backtest.run.start_ms) / 86_400_000
    minutes = (backtest.run.end_ms - backtest.run.start_ms) // 60_000
    recorded = len(list(folder.glob("*-1m.csv*")))
    return {
        "benchmark": "backtest throughput", "simulated_days": round(sim_days, 2),
        "recorded_symbols": recorded, "market_symbols": len(loaded[0].symbols),
        "trades": len(backtest.report.trades), "load_s": round(load_s, 2),
        "run_s": round(backtest.run.wall_s, 2), "total_s": round(total_s, 2),
        "candle_events_per_s": round(recorded * minutes / backtest.run.wall_s),
        "all_symbol_candle_events_per_s": round(
            len(loaded[0].symbols) * minutes / backtest.run.wall_s),
        "sim_days_per_wall_s": round(sim_days / backtest.run.wall_s, 3),
        "goal": "30 days in < 5 s (6 days/s)",
    }
