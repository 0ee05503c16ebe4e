"""Telegram beside the runners: the notifier when a token is set, and the command bot."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from telegram.error import TelegramError

from adapters.fake import SystemClock
from adapters.telegram import (
    BotSettings,
    OutboxLimits,
    TelegramNotifier,
    build_application,
    start_bot,
    stop_bot,
)
from adapters.telegram.bot import App
from mexcore.policies import BotConfig
from mexcore.ports import Notifier
from mexcore.services.deps import ServiceDeps
from runners.loop import RunnerLoop
from runners.panel import ServicePanel
from runners.settings import Secrets

log = logging.getLogger(__name__)


def telegram_notifier(secrets: Secrets, config: BotConfig) -> TelegramNotifier | None:
    """Return a Telegram notifier when TELEGRAM_BOT_TOKEN is set (it always runs on real time)."""
    if not secrets.telegram_bot_token:
        return None
    limits = OutboxLimits(summary_min_interval_s=float(config.telegram.summary_min_interval_s))
    return TelegramNotifier.create(secrets.telegram_bot_token, secrets.telegram_chat_ids,
                                   SystemClock(), base_url=config.telegram.base_url,
                                   limits=limits)


@asynccontextmanager
async def telegram_running(
    notifier: Notifier, secrets: Secrets, config: BotConfig, deps: ServiceDeps,
    loops: Sequence[RunnerLoop], config_text: str,
) -> AsyncIterator[None]:
    """Run the notifier's sender and the command bot while the block runs; stop both after.

    Without a token nothing starts. If Telegram cannot be reached the bot trades on without
    commands (notifications wait in the notifier's queue).
    """
    if not isinstance(notifier, TelegramNotifier):
        yield
        return
    await notifier.start()
    panel = ServicePanel(deps, config, loops, config_text)
    # One budget (Telegram's is per bot); times shown are the bot's, simulated in sim.
    settings = BotSettings(rate_gate=notifier.outbox.gate, bot_clock=deps.clock,
                           advisor=deps.advisor)
    app = build_application(secrets.telegram_bot_token, config.telegram.base_url,
                            secrets.telegram_chat_ids, panel, SystemClock(), settings)
    started = await _start(app)
    try:
        yield
    finally:
        if started:
            await stop_bot(app)
        await notifier.stop()


async def _start(app: App) -> bool:
    try:
        await start_bot(app)
    except TelegramError as e:
        log.warning("telegram: commands unavailable (%s); trading goes on", type(e).__name__)
        return False
    return True
