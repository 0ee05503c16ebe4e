"""`mexbot sim`: the whole bot over bundled (or given) candles, a summary at the end."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager, nullcontext
from decimal import Decimal

import attrs

from adapters.fake import FakeClock
from adapters.fake.loader import DataError
from adapters.fake.sources import RunData
from mexcore.policies import BotConfig
from mexcore.ports import Notifier
from mexcore.services.deps import ServiceDeps
from runners.cli import effective_config_text, load_bot_config
from runners.logs import simulated_log_time
from runners.loop import RunnerLoop
from runners.periods import sim_period, traded_symbols, warn_ignored
from runners.settings import Secrets, secrets_from_env
from runners.sim import SimOptions, SimRun, load_sim_market, run_sim
from runners.sim_console import SimConsole, sim_stamp
from runners.summary import balances_text, render_summary
from runners.web_link import web_link, web_running


def sim_options(config: BotConfig, args: argparse.Namespace) -> SimOptions:
    """Merge the [sim] section with the command-line options (the command line wins)."""
    return SimOptions(
        days=args.days if args.days is not None else Decimal(config.sim.days),
        seed=args.seed if args.seed is not None else config.sim.seed,
        data=args.data or config.sim.data,
        speed=args.speed,
        synthetic=getattr(args, "synthetic", False),  # a hand-made Namespace may lack it
        progress=sys.stderr.isatty(),
    )


async def sim_command(args: argparse.Namespace) -> int:
    """Run `mexbot sim` and print its summary; return the exit code."""
    config = load_bot_config(args.config)
    config = attrs.evolve(config, mode="sim")
    secrets = secrets_from_env()
    metrics = getattr(args, "metrics", None)
    # Skipped ticks leave /status (and /healthz) showing a runner's last real tick: not then.
    skip = not args.every_tick and not secrets.telegram_bot_token and metrics is None
    options = attrs.evolve(sim_options(config, args), skip_quiet=skip)
    web = web_link(config, getattr(args, "web", None))
    try:
        data = sim_data(config, options)
    except DataError as e:
        print(f"mexbot: error: {e}", file=sys.stderr)
        return 2
    clock = FakeClock()
    notifier: Notifier = _telegram_notifier(secrets, config) or SimConsole(
        clock.now_ms, verbose=getattr(args, "verbose", False), quiet=args.quiet)
    start, end = sim_period((data.market.start_ms, data.market.end_ms), options.days)
    print(f"mexbot sim: {options.days} days on {options.data} data ({sim_stamp(start)} to "
          f"{sim_stamp(end)} UTC, simulated), seed {options.seed}; "
          f"start balances {balances_text(config.sim.start_balances)}", file=sys.stderr)
    warn_ignored(data, options.data)

    @asynccontextmanager
    async def session(deps: ServiceDeps, loops: list[RunnerLoop]) -> AsyncIterator[None]:
        text = effective_config_text(config)
        async with (_metrics_running(metrics, deps, loops, config),
                    _telegram_running(notifier, secrets, config, deps, loops, text),
                    web_running(web, deps, loops, config, text, simulated=True)):
            yield

    with simulated_log_time(clock.now_ms), _interrupts() as interrupted:
        run = await run_sim(config, options, notifier, market=data.market, session=session,
                            clock=clock, stop=interrupted)
    print(f"Data: {data.describe()}")
    print(render_summary(run.summary))
    print(_wall_line(run))
    return 130 if run.interrupted else 0


def _wall_line(run: SimRun) -> str:
    days = (run.end_ms - run.start_ms) / 86_400_000
    if run.interrupted:
        return (f"Interrupted (Ctrl-C) at {sim_stamp(run.end_ms)} UTC simulated: the summary "
                f"covers the {days:.2f} days simulated, in {run.wall_s:.1f} s of wall time.")
    return f"Simulated {days:.2f} days in {run.wall_s:.1f} s of wall time."


@contextmanager
def _interrupts() -> Iterator[Callable[[], bool]]:
    """Turn the first Ctrl-C into a request to stop; a second one interrupts as usual."""
    loop = asyncio.get_running_loop()
    asked = {"stop": False}

    def ask() -> None:
        asked["stop"] = True
        loop.remove_signal_handler(signal.SIGINT)
        print("\nmexbot sim: stopping at the next tick (Ctrl-C again to abort)", file=sys.stderr)

    loop.add_signal_handler(signal.SIGINT, ask)
    try:
        yield lambda: asked["stop"]
    finally:
        loop.remove_signal_handler(signal.SIGINT)


def sim_data(config: BotConfig, options: SimOptions) -> RunData:
    """Load the run's markets and check that `options.days` fit in them (never shortened)."""
    data = load_sim_market(options, traded_symbols(config))
    sim_period((data.market.start_ms, data.market.end_ms), options.days)
    return data


def _telegram_notifier(secrets: Secrets, config: BotConfig) -> Notifier | None:
    if not secrets.telegram_bot_token:
        return None
    from runners.telegram_link import telegram_notifier  # python-telegram-bot only when used

    return telegram_notifier(secrets, config)


def _telegram_running(
    notifier: Notifier, secrets: Secrets, config: BotConfig, deps: ServiceDeps,
    loops: list[RunnerLoop], config_text: str,
) -> AbstractAsyncContextManager[None]:
    if not secrets.telegram_bot_token:
        return nullcontext()
    from runners.telegram_link import telegram_running  # python-telegram-bot only when used

    return telegram_running(notifier, secrets, config, deps, loops, config_text)


def _metrics_running(
    metrics: str | None, deps: ServiceDeps, loops: list[RunnerLoop], config: BotConfig
) -> AbstractAsyncContextManager[object]:
    if metrics is None:
        return nullcontext()
    from runners.metrics_link import metrics_running  # prometheus and its server only when used

    return metrics_running(metrics, deps, loops, config)
