"""`mexbot sim`: the whole bot over bundled (or given) candles, a summary at the end."""

from __future__ import annotations

import argparse
import sys
from contextlib import AbstractAsyncContextManager
from decimal import Decimal

import attrs

from adapters.fake import ConsoleNotifier
from adapters.fake.loader import DataError
from adapters.fake.sources import RunData
from mexcore.policies import BotConfig
from mexcore.ports import Level, Notifier
from mexcore.services.deps import ServiceDeps
from runners.cli import effective_config_text, load_bot_config
from runners.loop import RunnerLoop
from runners.periods import sim_period, traded_symbols, warn_ignored
from runners.settings import secrets_from_env
from runners.sim import SimOptions, load_sim_market, run_sim
from runners.summary import balances_text, render_summary
from runners.telegram_link import telegram_notifier, telegram_running


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
    # Skipped ticks leave /status showing a runner's last real tick: not with Telegram on.
    skip = not args.every_tick and not secrets.telegram_bot_token
    options = attrs.evolve(sim_options(config, args), skip_quiet=skip)
    try:
        data = sim_data(config, options)
    except DataError as e:
        print(f"mexbot: error: {e}", file=sys.stderr)
        return 2
    notifier: Notifier = telegram_notifier(secrets, config) or ConsoleNotifier(
        sys.stdout, min_level=Level.ALERT if args.quiet else Level.INFO, quiet=args.quiet)
    print(f"mexbot sim: {options.days} days on {options.data} data, seed {options.seed}; "
          f"start balances {balances_text(config.sim.start_balances)}", file=sys.stderr)
    warn_ignored(data, options.data)

    def session(deps: ServiceDeps, loops: list[RunnerLoop]) -> AbstractAsyncContextManager[None]:
        return telegram_running(notifier, secrets, config, deps, loops,
                                effective_config_text(config))

    run = await run_sim(config, options, notifier, market=data.market, session=session)
    print(f"Data: {data.describe()}")
    print(render_summary(run.summary))
    days = (run.end_ms - run.start_ms) / 86_400_000
    print(f"Simulated {days:.2f} days in {run.wall_s:.1f} s of wall time.")
    return 0


def sim_data(config: BotConfig, options: SimOptions) -> RunData:
    """Load the run's markets and check that `options.days` fit in them (never shortened)."""
    data = load_sim_market(options, traded_symbols(config))
    sim_period((data.market.start_ms, data.market.end_ms), options.days)
    return data
