"""`mexbot download`: check the symbols with MEXC, then bring each one's candle file up to date."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs

from adapters.fake.candle_files import DataError
from adapters.mexc import (
    MexcExchange,
    MexcSettings,
    RateLimiter,
    limiter_for,
    make_http_client,
)
from adapters.mexc.constants import INTERVAL_ALIASES, KLINE_INTERVALS
from mexcore.config import config_to_mapping
from mexcore.errors import MexbotError
from mexcore.policies import BotConfig
from mexcore.universe import select_universe
from runners.cli_checks import UsageError, check_out_folder
from runners.download import DownloadJob, download_symbol
from runners.periods import traded_symbols


def check_interval(interval: str) -> str:
    """Return `interval` if MEXC serves it, else refuse it naming MEXC's spelling."""
    if interval in KLINE_INTERVALS:
        return interval
    hint = f"MEXC spells it {INTERVAL_ALIASES[interval]}" if interval in INTERVAL_ALIASES \
        else "MEXC serves 1m 5m 15m 30m 60m 4h 1d 1W 1M"
    raise UsageError("--interval", f"{interval!r} is not a MEXC interval: {hint}")


def download_settings(config: BotConfig, base_url: str | None) -> MexcSettings:
    """Return the adapter settings of `[mexc]`, with `--base-url` if given."""
    from runners.container import mexc_settings

    settings = mexc_settings(dict(config_to_mapping(config).get("mexc", {})))
    return settings if base_url is None else attrs.evolve(settings, base_url=base_url)


async def chosen_symbols(exchange: MexcExchange, args: argparse.Namespace,
                         config: BotConfig) -> list[str]:
    """Return `--symbols` (or the bot's universe), refusing any the exchange does not list."""
    rules = await exchange.symbol_rules()
    if args.universe:
        wanted = list(traded_symbols(config))
        if config.scanner.enabled:
            wanted += select_universe(await exchange.tickers_24h(), rules, config.scanner)
        missing = [s for s in dict.fromkeys(wanted) if s not in rules]
        if missing:
            print(f"mexbot: warning: MEXC does not list {', '.join(missing)} (named in the "
                  "configuration); skipped", file=sys.stderr)
        return [s for s in dict.fromkeys(wanted) if s in rules]
    unknown = [s for s in args.symbols if s not in rules]
    if unknown:
        raise UsageError("--symbols", f"MEXC does not list {', '.join(unknown)} (no such "
                         "symbol in exchangeInfo); nothing was downloaded")
    return list(args.symbols)


class DownloadProgress:
    """A rich progress bar per symbol on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._bar: Any = None

    def __enter__(self) -> DownloadProgress:
        if self._enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), console=Console(file=sys.stderr),
                                 redirect_stdout=True)
            self._bar.start()
        return self

    def task(self, name: str) -> Any:
        """Return the callback that moves the bar of `name` (None when there is no bar)."""
        if self._bar is None:
            return None
        bar, task = self._bar, self._bar.add_task(name, total=None)
        return lambda done, total: bar.update(task, completed=done, total=max(done, total))

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()


def summary_line(report: dict[str, Any]) -> str:
    """Return one line about a finished file: candles, span, gaps."""
    gaps = report["gaps"]
    where = f"{report['first_candle']} → {report['last_candle']}" if report["candles"] \
        else "no candles"
    text = (f"{report['file']}: {report['candles']} candles ({report['added']} new), {where}, "
            f"{len(gaps)} gaps ({report['missing_candles']} candles missing at MEXC)")
    tail = report["no_candles_after"]
    return text + (f"; none after {tail['from']}" if tail else "")


def _limiter(settings: MexcSettings, config: BotConfig) -> RateLimiter:
    """Return the adapter's limiter; sharing the budget file of a bot that runs here, if any."""
    state = Path(config.state_dir)
    return limiter_for(settings, state if state.is_dir() else None)


async def run_download(args: argparse.Namespace, config: BotConfig,
                       times: tuple[int, int | None]) -> Sequence[dict[str, Any]]:
    """Check every symbol first, then download them one after the other; return the reports."""
    settings = download_settings(config, args.base_url)
    async with make_http_client(settings) as client:
        exchange = MexcExchange(client, settings, limiter=_limiter(settings, config))
        symbols = await chosen_symbols(exchange, args, config)
        args.out.mkdir(parents=True, exist_ok=True)
        reports = []
        with DownloadProgress(sys.stderr.isatty() and not args.quiet) as bar:
            for symbol in symbols:
                job = DownloadJob(args.out, symbol, args.interval, *times)
                reports.append(await download_symbol(exchange.http, job,
                                                     bar.task(f"{symbol} {args.interval}")))
                print(summary_line(reports[-1]), flush=True)
        return reports


def download_command(args: argparse.Namespace) -> int:
    """Run `mexbot download`; 0 when every file is up to date, 1 when MEXC failed us."""
    from runners.backtest import parse_time_ms
    from runners.cli import load_bot_config

    check_interval(args.interval)
    check_out_folder(args.out)
    try:
        times = (parse_time_ms(args.from_), None if args.to is None
                 else parse_time_ms(args.to, end_of_day=True))
    except DataError as e:
        raise UsageError("--from/--to", str(e)) from None
    if times[1] is not None and times[1] <= times[0]:
        raise UsageError("--to", "must be after --from")
    try:
        asyncio.run(run_download(args, load_bot_config(args.config), times))
    except DataError as e:  # a file in --out that is not what a download writes
        raise UsageError("--out", str(e)) from None
    except MexbotError as e:
        print(f"mexbot: error: {e}; the files hold every candle up to the last chunk written: "
              "run the same command again to resume", file=sys.stderr)
        return 1
    return 0
