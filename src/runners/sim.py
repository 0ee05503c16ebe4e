"""`mexbot sim` and backtests: the whole bot on the fake exchange and a simulated clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from decimal import Decimal
from pathlib import Path

import attrs

from adapters.fake import FakeClock, FakeExchange, default_rules
from adapters.fake.market import MarketData
from adapters.fake.sources import RunData, load_run_data
from adapters.sqlite import SqliteStore
from mexcore.money import ZERO
from mexcore.policies import BotConfig
from mexcore.ports import Notifier, Service, Store
from mexcore.services.deps import ServiceDeps
from mexcore.services.market import MarketView
from runners.advisor_link import advisor_for
from runners.benchmark_run import RunWindow, run_benchmarks
from runners.bot import build_loops
from runners.loop import RunnerLoop
from runners.periods import DAY_MS, WARM_UP_MS, sim_period, traded_symbols
from runners.schedule import run_simulated
from runners.sim_progress import SimProgress
from runners.summary import RunSummary, summarise

Session = Callable[[ServiceDeps, list[RunnerLoop]], AbstractAsyncContextManager[None]]
"""What runs beside the simulated loops (the Telegram bot), given the bot's parts."""
Extra = Callable[[ServiceDeps], Sequence[tuple[Service, float]]]
"""Services of your own, made from the run's deps: each with its interval in seconds."""

__all__ = ["DAY_MS", "WARM_UP_MS", "SimOptions", "SimRun", "load_sim_market", "run_sim"]


@attrs.frozen
class SimOptions:
    """How long and on what data a simulated run goes."""

    days: Decimal = Decimal(7)
    seed: int = 1
    data: str = "bundled"
    speed: Decimal = ZERO  # simulated seconds per wall second; 0 = as fast as possible
    progress: bool = True
    synthetic: bool = False  # seeded random walks for traded symbols without candles
    skip_quiet: bool = False  # skip the ticks runners promised would do nothing (see Quiet)
    verify_quiet: bool = False  # run the skipped ticks anyway and fail if one acts
    strict: bool = False  # a failing tick ends the run (ServiceFailed) instead of a log line


@attrs.frozen
class SimRun:
    """A finished simulated run: its summary and how long it took on the wall clock."""

    summary: RunSummary
    wall_s: float
    start_ms: int
    end_ms: int
    interrupted: bool = False  # stopped before the planned end (Ctrl-C): the summary so far


def load_sim_market(options: SimOptions, required: tuple[str, ...] = ()) -> RunData:
    """Load the bundled candles, or the folder named by `options.data`, refusing missing ones."""
    folder = None if options.data == "bundled" else Path(options.data)
    return load_run_data(folder, required, synthetic=options.synthetic, seed=options.seed)


async def run_sim(
    config: BotConfig,
    options: SimOptions,
    notifier: Notifier,
    store: Store | None = None,
    market: MarketData | None = None,
    session: Session | None = None,
    clock: FakeClock | None = None,
    stop: Callable[[], bool] | None = None,
    extra: Extra | None = None,
) -> SimRun:
    """Run every enabled runner over the data for `options.days` and summarise.

    `clock` lets the caller read the simulated time (it is moved to the period's start);
    when `stop` turns true the run ends early and the summary covers the time simulated.
    `extra(deps)` gives services of your own to run beside the configured ones.
    """
    market = market or load_sim_market(options, traded_symbols(config)).market
    start, end = sim_period((market.start_ms, market.end_ms), options.days)
    clock = clock or FakeClock(start)
    clock.advance_to(max(start, clock.now_ms()))
    rules = {s: r for s, r in default_rules().items() if s in market.symbols}
    exchange = FakeExchange(clock, market, rules, seed=options.seed)
    for asset, amount in config.sim.start_balances.items():
        exchange.deposit(asset, amount)
    own_store = store is None
    store = store or SqliteStore.temporary()
    try:
        deps = ServiceDeps.build(exchange, store, notifier, clock,
                                 advisor=advisor_for(config.advisor, "sim", clock))
        start_value = sum((await MarketView.load(exchange)).values_usdt().values(), ZERO)
        loops = build_loops(config, deps, extra(deps) if extra else (), strict=options.strict)
        began = time.perf_counter()
        with SimProgress(start, end, options.progress) as progress:
            async with (session or _no_session)(deps, loops):
                await run_simulated(loops, clock, end, _on_time(start, options, began, progress),
                                    watch=exchange if options.skip_quiet else None,
                                    verify=options.verify_quiet, stop=stop)
                if deps.advisor is not None:
                    await deps.advisor.drain()  # the explanations still under way
        wall = time.perf_counter() - began
        reached = min(end, clock.now_ms())
        summary = await _summary(config, market, exchange, store,
                                 RunWindow(start, reached, start_value, ZERO),
                                 {loop.name: loop.actions for loop in loops})
        return SimRun(summary, wall, start, reached, interrupted=reached < end)
    finally:
        if own_store and isinstance(store, SqliteStore):
            store.close()


async def _summary(
    config: BotConfig, market: MarketData, exchange: FakeExchange, store: Store,
    window: RunWindow, actions: dict[str, int],
) -> RunSummary:
    """Summarise the finished run and compare it with its benchmarks."""
    view = await MarketView.load(exchange)
    summary = summarise(store, view, window.start_value, actions)
    window = attrs.evolve(window, final_value=summary.final_value)
    benchmarks = run_benchmarks(market, store, window, config.sim.start_balances,
                                config.balance_monitor.targets, view.rules)
    return attrs.evolve(summary, benchmarks=benchmarks)


@asynccontextmanager
async def _no_session(deps: ServiceDeps, loops: list[RunnerLoop]) -> AsyncIterator[None]:
    yield


def _on_time(
    start: int, options: SimOptions, began: float, progress: SimProgress
) -> Callable[[int], Awaitable[None]]:
    """Pace the run to `options.speed` (0: as fast as possible) and move the progress bar."""

    async def at(now_ms: int) -> None:
        if options.speed > 0:
            target = began + (now_ms - start) / 1000 / float(options.speed)
            await asyncio.sleep(max(0.0, target - time.perf_counter()))
        progress.show(now_ms)

    return at
