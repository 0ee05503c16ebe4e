"""The command bot: a python-telegram-bot Application wired to a ControlPanel, and its lifecycle."""

from __future__ import annotations

import datetime as dtm
import logging
from collections.abc import Iterable
from typing import Any

import attrs
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)

from adapters.telegram.commands import COMMANDS, BotCommands, on_error
from adapters.telegram.notifier import quiet_http_logs
from adapters.telegram.outbox import RateGate
from adapters.telegram.panel import ControlPanel
from adapters.telegram.ratelimit import GateRateLimiter
from mexcore.advising import SafeAdvisor
from mexcore.ports import Clock

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]


@attrs.frozen
class BotSettings:
    """Options of the command bot. `user_ids` None: the allowed users are the chat ids.

    An update is answered only when its chat is allowed and its user is allowed; in a private
    chat the chat id is the user's id, so listing your own id is enough. `rate_gate` is the
    notifier's (`notifier.outbox.gate`), so commands and notifications share Telegram's limits;
    None: the bot gets a gate of its own. `bot_clock` is the clock the bot trades on (a
    simulated one in `sim`): the times answers show are relative to it; None: the real clock.
    """

    base_file_url: str | None = None
    user_ids: frozenset[int] | None = attrs.field(default=None)
    confirm_ttl_s: float = 60.0
    panel_timeout_s: float = 5.0
    rate_gate: RateGate | None = attrs.field(default=None, eq=False)
    bot_clock: Clock | None = attrs.field(default=None, eq=False)
    advisor: SafeAdvisor | None = attrs.field(default=None, eq=False)  # for /ask; None: off


def file_url_for(base_url: str) -> str:
    """Derive the file URL from the API URL ('…/bot' → '…/file/bot')."""
    if base_url.endswith("/bot"):
        return base_url[: -len("/bot")] + "/file/bot"
    return base_url


def build_application(
    token: str,
    base_url: str,
    chat_ids: Iterable[int],
    panel: ControlPanel,
    clock: Clock,
    settings: BotSettings | None = None,
) -> App:
    """Build the Application: allow-list guard, every command, confirmation buttons.

    Every Bot API call of the commands goes through a `GateRateLimiter`: paced to Telegram's
    limits and sent again after a 429's retry_after.
    """
    settings = settings or BotSettings()
    quiet_http_logs()
    limiter = GateRateLimiter(settings.rate_gate or RateGate(), clock)
    app: App = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(settings.base_file_url or file_url_for(base_url))
        .concurrent_updates(True)
        .rate_limiter(limiter)
        .build()
    )
    chats = frozenset(chat_ids)
    allowed = _Allowed(chats, chats if settings.user_ids is None else settings.user_ids)
    app.add_handler(TypeHandler(Update, allowed.check), group=-1)
    commands = BotCommands(panel, clock, settings.confirm_ttl_s, settings.panel_timeout_s,
                           settings.bot_clock, settings.advisor)
    for name, callback in commands.handlers().items():
        app.add_handler(CommandHandler(name, callback))
    app.add_handler(CallbackQueryHandler(commands.on_button, pattern=r"^(ok|no):"))
    app.add_handler(MessageHandler(filters.COMMAND | filters.TEXT, commands.on_unknown))
    app.add_error_handler(on_error)
    app.bot_data["commands"] = commands
    return app


async def start_bot(app: App, poll_interval_s: float = 0.0, poll_timeout_s: float = 10.0) -> None:
    """Initialise, publish the command menu, start handling and long-poll for updates.

    Raises TelegramError when Telegram cannot be reached (the runners should go on without
    the bot). Pending updates from before the start are dropped.
    """
    await app.initialize()
    await set_menu(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(
        poll_interval=poll_interval_s,
        timeout=dtm.timedelta(seconds=poll_timeout_s),
        drop_pending_updates=True,
    )


async def stop_bot(app: App) -> None:
    """Stop polling and handling, then release the HTTP connections.

    Replies still waiting for Telegram's limits (a long retry_after) are given up.
    """
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    limiter = app.bot.rate_limiter if isinstance(app.bot, ExtBot) else None
    if isinstance(limiter, GateRateLimiter):
        limiter.close()
    if app.running:
        await app.stop()
    await app.shutdown()


async def set_menu(app: App) -> bool:
    """Publish the command list to Telegram's menu; return False (logged) if it failed."""
    try:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    except TelegramError as e:
        log.warning("telegram: could not set the command menu: %s", e)
        return False
    return True


@attrs.frozen
class _Allowed:
    chat_ids: frozenset[int]
    user_ids: frozenset[int]

    async def check(self, update: Update, context: Any) -> None:
        chat, user = update.effective_chat, update.effective_user
        chat_ok = chat is not None and chat.id in self.chat_ids
        user_ok = user is not None and user.id in self.user_ids
        if chat_ok and user_ok:
            return
        log.warning(
            "telegram: ignored an update from chat %s, user %s (not allowed)",
            chat.id if chat else None,
            user.id if user else None,
        )
        raise ApplicationHandlerStop
