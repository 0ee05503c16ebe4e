"""Skipping quiet ticks changes nothing: the same backtest report, tick for tick, as every tick.

Differential checks on the bundled candles: each configuration is backtested over two days
ticking every runner at its interval, skipping the ticks runners promised would do nothing,
and verifying those promises (running the skipped ticks and failing if one acts).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
from collections import Counter
from typing import Any

import pytest

from adapters.fake import FakeClock, FakeExchange, RecordingNotifier
from adapters.fake.market import MarketData
from adapters.fake.store import InMemoryStore
from mexcore.config import load_config
from mexcore.services.deps import ServiceDeps
from mexcore.values import Fill
from runners.backtest import BacktestOptions, load_backtest_market, parse_time_ms, run_backtest
from runners.backtest_output import report_json
from runners.bot import build_services
from runners.loop import RunnerLoop, TickReport
from runners.schedule import run_simulated

START_MS = parse_time_ms("2023-04-25T00:00")
END_MS = parse_time_ms("2023-04-27T00:00")
DAY_MS = 86_400_000
CONFIGS: dict[str, dict[str, Any]] = {
    "default": {},
    # Lower thresholds and other cooldowns: more sales, other wake levels and cooldown ends;
    # BTC and ADA held from the start without a journal (nothing the monitors can price).
    "eager": {
        "pnl_monitor": {"profit_threshold": "0.5"},
        "alts_monitor": {"profit_threshold": "0.05"},
        "balance_monitor": {"cooldown_s": 60},
        "balancer_5050": {"cooldown_s": 600},
        "sim": {"start_balances": {"USDT": "200", "USDC": "400", "BTC": "0.002", "ADA": "100"}},
    },
    # No USDT: the scanner has nothing to buy with and sleeps from report to report.
    "usdc_only": {"sim": {"start_balances": {"USDC": "600"}}},
}
QUIET_RUNNERS = ("pnl_monitor", "alts_monitor", "balance_monitor", "balancer_5050", "scanner")
#: Runners that never promise anything: they tick at every interval in every mode.
BUSY_RUNNERS = ("portfolio_rebalance", "orders_reporter", "snapshots")


def options(every_tick: bool = False, verify_quiet: bool = False) -> BacktestOptions:
    return BacktestOptions(data=None, start_ms=START_MS, end_ms=END_MS, progress=False,
                           every_tick=every_tick, verify_quiet=verify_quiet)


@functools.cache
def market() -> tuple[MarketData, int]:
    """Load the period's bundled candles once (every backtest here replays the same ones)."""
    return load_backtest_market(options())


@functools.cache
def report(config: str, every_tick: bool = False, verify_quiet: bool = False) -> dict[str, Any]:
    """Backtest a configuration of CONFIGS once per mode and return its report as JSON."""
    run = run_backtest(load_config(CONFIGS[config]), options(every_tick, verify_quiet), market())
    return report_json(asyncio.run(run).report)


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_skipping_quiet_ticks_gives_the_same_report_as_ticking_every_runner(config: str) -> None:
    every, skipped = report(config, every_tick=True), report(config)

    assert skipped["trades"] == every["trades"]
    assert skipped == every
    assert every["trade_count"] > 0
    assert every["period"]["end_ms"] == END_MS


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_verifying_the_quiet_promises_passes_and_changes_no_number(config: str) -> None:
    verified = report(config, verify_quiet=True)  # raises BrokenPromise if a runner lied

    assert verified == report(config, every_tick=True)


def test_the_configurations_take_different_paths() -> None:
    trades = {name: report(name, every_tick=True)["trades"] for name in CONFIGS}

    assert all(trades[a] != trades[b] for a, b in itertools.combinations(CONFIGS, 2))
    by_runner = {name: {runner: c["trades"] for runner, c in report(name)["components"].items()}
                 for name in CONFIGS}
    assert by_runner["usdc_only"]["scanner"] == 0 < by_runner["default"]["scanner"]


async def one_day(config: str, watch: bool) -> tuple[Counter[str], list[Fill]]:
    """Run every runner for a day from START_MS; count each runner's ticks; return the fills."""
    clock = FakeClock(START_MS)
    exchange = FakeExchange(clock, market()[0], seed=1)
    bot = load_config(CONFIGS[config])
    for asset, amount in bot.sim.start_balances.items():
        exchange.deposit(asset, amount)
    deps = ServiceDeps.build(exchange, InMemoryStore(), RecordingNotifier(), clock)
    ticks: Counter[str] = Counter()

    def count(report: TickReport) -> None:
        ticks[report.runner] += 1

    loops = [RunnerLoop(service, interval_s, clock, deps.notifier, count)
             for service, interval_s in build_services(bot, deps)]
    await run_simulated(loops, clock, START_MS + DAY_MS, watch=exchange if watch else None)
    return ticks, exchange.all_fills()


@pytest.mark.parametrize("config", ["default", "usdc_only"])
def test_skipping_skips_most_ticks_of_quiet_runners_and_none_of_busy_ones(
    config: str,
) -> None:
    every, every_fills = asyncio.run(one_day(config, watch=False))
    skipping, skipping_fills = asyncio.run(one_day(config, watch=True))

    assert skipping_fills == every_fills
    assert len(every_fills) > 0
    assert every == {"pnl_monitor": 1440, "alts_monitor": 1440, "balance_monitor": 1440,
                     "balancer_5050": 1440, "scanner": 144, "portfolio_rebalance": 24,
                     "orders_reporter": 48, "snapshots": 96}
    assert {r: skipping[r] for r in BUSY_RUNNERS} == {r: every[r] for r in BUSY_RUNNERS}
    assert all(0 < skipping[r] < every[r] for r in QUIET_RUNNERS), skipping
    assert sum(skipping[r] for r in QUIET_RUNNERS) < sum(every[r] for r in QUIET_RUNNERS) / 3
