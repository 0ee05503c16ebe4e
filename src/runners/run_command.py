"""`mexbot run`: the bot in the configured mode until SIGINT/SIGTERM, crash-only."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TypeVar

from adapters.sqlite import FILE_NAME
from mexcore.errors import ConfigError, StopForHuman
from mexcore.money import format_decimal
from mexcore.policies import STATE_ROOT, BotConfig, default_state_dir
from mexcore.services.reconcile import Reconciler
from runners.cli import effective_config_text, load_bot_config, sim_args_for
from runners.cli_checks import UsageError, folder_problem
from runners.container import Container, make_container
from runners.instance_lock import instance_lock
from runners.logs import LoggedNotifier, configure_logging
from runners.loop import RunnerLoop
from runners.settings import secrets_from_env
from runners.web_link import WebLink, web_link, web_running

log = logging.getLogger(__name__)
T = TypeVar("T")

NO_CONFIG_REFUSAL = (
    "`mexbot run` needs a configuration: copy examples/mexbot.toml, set its mode "
    "(paper: real prices, simulated account) and start `mexbot run --config mexbot.toml`; "
    "`mexbot sim` runs offline with no configuration"
)
LIVE_REFUSAL = (
    "mode = \"live\" trades real money: start it with `mexbot run --config FILE --live`. "
    "Try mode = \"paper\" first (real prices, simulated account)."
)


async def run_command(args: argparse.Namespace) -> int:
    """Start every enabled runner and run until a signal; return the exit code."""
    config = _checked_config(args)
    if config.mode == "live" and not args.live:
        print(f"mexbot: {LIVE_REFUSAL}", file=sys.stderr)
        return 2
    if config.mode == "sim":  # every sim option at its default, whatever options sim has
        from runners.sim_command import sim_command

        sim_args = sim_args_for(args.config)
        sim_args.web = getattr(args, "web", None)
        sim_args.metrics = getattr(args, "metrics", None)
        return await sim_command(sim_args)
    web = web_link(config, getattr(args, "web", None))
    state_dir = Path(config.state_dir)
    make_state_dir(state_dir)
    refuse_shared_legacy_journal(config)
    with instance_lock(state_dir):
        configure_logging(args.log_level, state_dir, args.log_json, secrets_from_env().values())
        container = make_container(config)
        container.notifier.override(LoggedNotifier(container.notifier()))  # into the log file
        container.store()  # first: a journal of another mode or exchange stops us here
        try:
            return await _run(config, container, web, getattr(args, "metrics", None))
        finally:
            await _close(container)


def _checked_config(args: argparse.Namespace) -> BotConfig:
    if args.config is None:
        raise UsageError("--config", NO_CONFIG_REFUSAL)
    config = load_bot_config(args.config)
    if config.mode != "live" and args.live:
        raise UsageError("--live", f'{args.config} has mode = "{config.mode}", which trades no '
                                   'real money: drop --live, or set mode = "live" to trade')
    return config


def make_state_dir(path: Path) -> None:
    """Create `state_dir`, or refuse it in one line when a file is in the way or it cannot be."""
    if problem := folder_problem(path):
        raise ConfigError("state_dir", problem)


def refuse_shared_legacy_journal(config: BotConfig) -> None:
    """Stop when the mode's default journal is new but the old shared default one exists.

    Before issue 13 paper and live both defaulted to ./mexbot-state: starting a fresh journal
    beside it would silently drop a live bot's history, adopting it could mix paper fills in.
    """
    state_dir = Path(config.state_dir)
    legacy = Path(STATE_ROOT) / FILE_NAME
    default = Path(default_state_dir(config.mode)).resolve()  # however the config spells it
    if state_dir.resolve() != default or (state_dir / FILE_NAME).exists():
        return
    if legacy.exists():
        raise StopForHuman(
            f"found {legacy} of an older mexbot, which paper and live shared; mexbot now keeps "
            f"one journal per mode in {STATE_ROOT}/<mode>: move that file (with its -wal and -shm "
            f"files) into {state_dir}/ if only {config.mode} wrote it, or set "
            f'state_dir = "{STATE_ROOT}" to keep using it')


async def _run(
    config: BotConfig, container: Container, web: WebLink | None, metrics: str | None = None
) -> int:
    deps, loops = container.deps(), container.loops()
    print(startup_text(config, loops), file=sys.stderr)
    stop = asyncio.Event()
    _on_signals(stop)
    if config.mode == "live":
        await _check_live(container, config)
    reconciler = Reconciler(deps.exchange, deps.store, deps.notifier, deps.clock,
                            grace_s=config.mexc.unknown_order_grace_s)
    async with (_telegram(container, config), _metrics(container, config, metrics),
                web_running(web, deps, loops, config, effective_config_text(config))):
        report = await _unless_stopped(stop, reconciler.reconcile_until_ok(None, retry_s=30))
        if report is None:
            print("mexbot: stopped before reconciliation finished.", file=sys.stderr)
            return 0
        print(f"reconciliation: {report.summary()}", file=sys.stderr)
        streams = container.streams()  # none when [mexc] websocket = false: REST polling
        await asyncio.gather(streams.run(stop),
                             *(loop.run_forever(stop, watch=streams.watch) for loop in loops))
    print("mexbot: stopped cleanly; resting orders stay on the exchange.", file=sys.stderr)
    return 0


def _telegram(container: Container, config: BotConfig) -> AbstractAsyncContextManager[None]:
    secrets = container.secrets()
    if not secrets.telegram_bot_token:
        return contextlib.nullcontext()
    from runners.telegram_link import telegram_running  # python-telegram-bot only when used

    return telegram_running(container.notifier(), secrets, config, container.deps(),
                            container.loops(), effective_config_text(config))


def _metrics(
    container: Container, config: BotConfig, listen: str | None
) -> AbstractAsyncContextManager[object]:
    if listen is None:
        return contextlib.nullcontext()
    from runners.metrics_link import metrics_running  # prometheus and uvicorn only when used

    return metrics_running(listen, container.deps(), container.loops(), config,
                           container.http_client(), container.limiter())


async def _unless_stopped(stop: asyncio.Event, work: Awaitable[T]) -> T | None:
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if task.done():
        return task.result()
    task.cancel()
    return None


def _on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def _check_live(container: Container, config: BotConfig) -> None:
    from adapters.mexc import MexcExchange, check_live_account

    exchange = container.exchange()
    assert isinstance(exchange, MexcExchange)
    symbols = {*config.balance_monitor.targets, *config.pnl_monitor.symbols,
               *config.balancer_5050.alts}
    report = await check_live_account(exchange, sorted(symbols))
    print("\n".join(report.lines()), file=sys.stderr)
    if not report.ok:
        raise StopForHuman("the live start-up check failed: " + "; ".join(report.errors))


async def _close(container: Container) -> None:
    await container.http_client().aclose()
    advisor = container.advisor()
    if advisor is not None:
        await advisor.aclose()  # explanations under way, then the model's connections
    close = getattr(container.store(), "close", None)
    if close is not None:
        close()


def startup_text(config: BotConfig, loops: list[RunnerLoop]) -> str:
    """Say what will happen: mode, runners, reserves and caps in force."""
    bm, b5 = config.balance_monitor, config.balancer_5050
    lines = [
        f"mexbot {config.mode}: state in {config.state_dir}",
        "runners: " + ", ".join(f"{loop.name} every {loop.interval_s:g} s" for loop in loops),
        f"scanner buys {format_decimal(config.scanner.min_buy)}–"
        f"{format_decimal(config.scanner.max_buy)} USDT; balance monitor ≤ "
        f"{format_decimal(bm.max_purchase)} USDC, keeps {format_decimal(bm.reserve)} USDC, "
        f"cooldown {bm.cooldown_s} s; 50/50 ≤ {format_decimal(b5.max_operation)} USDC, keeps "
        f"{format_decimal(b5.reserve)} USDC, cooldown {b5.cooldown_s} s",
    ]
    return "\n".join(lines)

