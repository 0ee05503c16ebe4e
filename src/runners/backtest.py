"""`mexbot backtest`: recorded candles replayed through the whole bot, with a report and charts.

The same services as `sim` and `run`, on the FakeExchange and a FakeClock, over a chosen period
(`--from`/`--to`, UTC) of a folder of `SYMBOL-1m.csv[.gz]` files (default: the bundled data).
Deterministic for the same data, configuration and seed. Writes `report.txt`, `report.json`
(every number and every trade) and four PNG charts into `--out`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import datetime as dt
import gc
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from adapters.fake import FakeClock
from adapters.fake.loader import DataError
from adapters.fake.market import MarketData
from adapters.fake.sources import RunData, load_run_data
from adapters.fake.store import InMemoryStore
from mexcore.config import load_config
from mexcore.policies import BotConfig
from runners.backtest_args import add_backtest_parser as add_backtest_parser
from runners.backtest_output import render_report, report_json
from runners.backtest_report import CHARTED_MARKETS, BacktestReport, build_report
from runners.logs import simulated_log_time
from runners.loop import ServiceFailed
from runners.periods import (
    asked_period,
    backtest_period,
    clipped_note,
    traded_symbols,
    warn_ignored,
)
from runners.plugins import check_factories
from runners.settings import read_toml
from runners.sim import DAY_MS, WARM_UP_MS, SimOptions, SimRun, run_sim
from runners.sim_console import SimConsole

MIN_MARKET_MS = 4 * WARM_UP_MS  # run_sim warms up min(1 day, span / 4)


@attrs.frozen
class BacktestOptions:
    """What to replay: data folder (None: bundled), period in epoch ms (None: all), seed."""

    data: Path | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    days: Decimal | None = None  # with at most one of start_ms and end_ms
    seed: int = 1
    synthetic: bool = False  # seeded random walks for traded symbols without candles
    progress: bool = True
    every_tick: bool = False  # tick quiet runners too (slower, same trades)
    verify_quiet: bool = False  # run the ticks quiet runners skip, failing if one acts
    strict: bool = False  # a failing tick ends the backtest (ServiceFailed), not a log line


@attrs.frozen
class Backtest:
    """A finished backtest: the report, the run it came from and its market data."""

    report: BacktestReport
    run: SimRun
    market: MarketData


def parse_time_ms(text: str, *, end_of_day: bool = False) -> int:
    """Parse a UTC date (`2023-04-01`) or ISO time (`2023-04-01T12:00`) into epoch ms.

    With `end_of_day`, a bare date means the end of that day (the next midnight).
    """
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise DataError(f"{text!r} is not a UTC date (2023-04-01) or ISO time "
                        "(2023-04-01T12:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    time_ms = int(moment.timestamp() * 1000)
    is_bare_date = len(text.strip()) == 10
    return time_ms + DAY_MS if end_of_day and is_bare_date else time_ms


def load_backtest_data(
    options: BacktestOptions, required: tuple[str, ...] = (),
    notice: Callable[[str], None] | None = None,
) -> tuple[RunData, int]:
    """Load the period's candles plus a day of warm-up; return them and the period's end.

    The period is clipped to what the data can replay (after its first day, the warm-up); when
    it was, `notice` gets one line naming the asked and the replayed period. Only the period
    and its warm-up are read. When they span less than four days, the market is padded (with
    the data after the period, else flat minutes, never replayed) so that the warm-up stays
    one day.
    """
    chosen: list[tuple[int, int]] = []

    def window(covers: tuple[int, int]) -> tuple[int, int]:
        periods = options.start_ms, options.end_ms, options.days
        chosen.append(backtest_period(covers, *periods))
        asked = asked_period(covers, *periods)
        if notice is not None and asked != chosen[0]:
            notice(clipped_note(asked, chosen[0]))
        first = chosen[0][0] - WARM_UP_MS
        return first, max(chosen[0][1], first + MIN_MARKET_MS)

    data = load_run_data(options.data, required, synthetic=options.synthetic, window=window,
                         seed=options.seed)
    return data, chosen[0][1]


def load_backtest_market(
    options: BacktestOptions, required: tuple[str, ...] = ()
) -> tuple[MarketData, int]:
    """Load the period's candles plus a day of warm-up; return them and the period's end."""
    data, end = load_backtest_data(options, required)
    return data.market, end


async def run_backtest(
    config: BotConfig, options: BacktestOptions, loaded: tuple[MarketData, int] | None = None
) -> Backtest:
    """Run every enabled runner over the period and build the report."""
    market, end = loaded or load_backtest_market(options, traded_symbols(config))
    start = market.start_ms + WARM_UP_MS  # run_sim starts there: the market spans ≥ 4 days
    days = (Decimal(max(0, end - start)) + Decimal("0.5")) / DAY_MS  # int(days × DAY) = span
    sim_options = SimOptions(days=days, seed=options.seed, progress=options.progress,
                             skip_quiet=not options.every_tick,
                             verify_quiet=options.verify_quiet, strict=options.strict)
    store, clock = InMemoryStore(), FakeClock()
    notifier = SimConsole(clock.now_ms, sys.stderr, quiet=True)  # only errors, on stderr
    with simulated_log_time(clock.now_ms):
        run = await run_sim(attrs.evolve(config, mode="sim"), sim_options, notifier, store,
                            market, clock=clock)
    report = build_report(run, store, market, dict(config.sim.start_balances))
    if config.advisor.enabled:
        from runners.backtest_advice import explained

        report = await explained(config, report, clock)
    return Backtest(report, run, market)


def write_outputs(
    backtest: Backtest, out_dir: Path, charts: bool = True, markets: str | None = None
) -> list[Path]:
    """Write report.txt, report.json and (unless `charts` is off) the PNG charts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    text_path, json_path = out_dir / "report.txt", out_dir / "report.json"
    text_path.write_text(render_report(backtest.report, markets) + "\n", encoding="utf-8")
    data: dict[str, Any] = report_json(backtest.report)
    json_path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    pictures = _charts(backtest, out_dir) if charts else []
    return [text_path, json_path, *pictures]


def _charts(backtest: Backtest, out_dir: Path) -> list[Path]:
    from runners.backtest_charts import write_charts  # matplotlib: only when charts are drawn

    return write_charts(backtest.report, backtest.market, out_dir)


def release_memory() -> None:
    """Collect garbage and hand the freed heap back to the OS (glibc's malloc_trim)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: it stays with the process
        ctypes.CDLL(None).malloc_trim(0)


def backtest_options(config: BotConfig, args: argparse.Namespace) -> BacktestOptions:
    """Merge the command line with the [sim] section (the command line wins)."""
    return BacktestOptions(
        data=args.data,
        start_ms=_time_option("--from", args.from_),
        end_ms=_time_option("--to", args.to, end_of_day=True),
        days=args.days,
        seed=args.seed if args.seed is not None else config.sim.seed,
        progress=not args.quiet and sys.stderr.isatty(),
        synthetic=args.synthetic,
        every_tick=args.every_tick,
        verify_quiet=args.verify_quiet,
        strict=args.strict,
    )


def _time_option(name: str, text: str | None, *, end_of_day: bool = False) -> int | None:
    if text is None:
        return None
    try:
        return parse_time_ms(text, end_of_day=end_of_day)
    except DataError as e:
        raise DataError(f"{name} {e}") from None


def backtest_command(args: argparse.Namespace) -> int:
    """Run `mexbot backtest`: print the report and write its files; return the exit code."""
    config = load_config(read_toml(args.config))
    check_factories(config.services)
    notes: list[str] = []
    try:
        options = backtest_options(config, args)
        data, end = load_backtest_data(options, traded_symbols(config), notes.append)
    except DataError as e:
        print(f"mexbot: error: {e}", file=sys.stderr)
        return 2
    where = options.data or "bundled data"
    print(f"mexbot backtest on {where}, seed {options.seed}", file=sys.stderr)
    for note in notes:
        print(note, file=sys.stderr)
    warn_ignored(data, where)
    release_memory()  # the file texts and parsing buffers of the loading
    try:
        backtest = asyncio.run(run_backtest(config, options, (data.market, end)))
    except ServiceFailed as e:
        print(f"mexbot: error: {e}", file=sys.stderr)
        return 1
    markets = data.describe()
    del data  # from here on only the charts read candles, and only BTC's
    backtest = attrs.evolve(backtest, market=backtest.market.only(CHARTED_MARKETS))
    return _write_and_print(backtest, args.out, args.no_charts, markets)


def _write_and_print(backtest: Backtest, out: Path, no_charts: bool, markets: str) -> int:
    paths = write_outputs(backtest, out, charts=False, markets=markets)
    print(render_report(backtest.report, markets))
    days = (backtest.run.end_ms - backtest.run.start_ms) / DAY_MS
    print(f"Simulated {days:.2f} days in {backtest.run.wall_s:.1f} s of wall time.")
    if not no_charts:
        release_memory()  # the replay's exchange, journal and markets, before matplotlib
        paths += _charts(backtest, out)
    print("Wrote " + ", ".join(str(p) for p in paths))
    return 0
