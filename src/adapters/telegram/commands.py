"""The bot's command handlers: read through the ControlPanel, answer in Telegram HTML."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from adapters.telegram import views
from adapters.telegram.ask import AskCommand
from adapters.telegram.chart_answer import ChartAnswer
from adapters.telegram.confirm import Confirmations, PendingAction
from adapters.telegram.markup import esc, split_html
from adapters.telegram.panel import ControlPanel, UnknownAssetError, UnknownRunnerError
from mexcore.advising import SafeAdvisor
from mexcore.money import ZERO
from mexcore.ports import Clock

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
T = TypeVar("T")

COMMANDS: tuple[tuple[str, str], ...] = (
    ("help", "this list"),
    ("status", "each runner: running or paused, last and next tick, last error"),
    ("portfolio", "balances, values in USDT, weights and targets"),
    ("pnl", "per asset: quantity, average cost, realised and unrealised PnL"),
    ("autobuy", "scanner opportunities, balance monitor plan, last purchases"),
    ("orders", "open orders and recent fills"),
    ("pause", "stop new orders: /pause (all) or /pause RUNNER"),
    ("resume", "allow new orders again: /resume (all) or /resume RUNNER"),
    ("sell", "sell an asset's free balance now: /sell ASSET (asks to confirm)"),
    ("rebalance", "restore the target allocation now (asks to confirm)"),
    ("chart", "portfolio value over time as a picture"),
    ("config", "the effective configuration, secrets redacted"),
    ("version", "the bot's version"),
    ("ask", "ask the AI advisor about your portfolio: /ask QUESTION"),
)


class BotCommands:
    """Answer each command from the ControlPanel; destructive ones ask for a button press."""

    def __init__(
        self, panel: ControlPanel, clock: Clock, confirm_ttl_s: float, panel_timeout_s: float,
        bot_clock: Clock | None = None, advisor: SafeAdvisor | None = None,
    ) -> None:
        self._panel = panel
        self._asking = AskCommand(panel, advisor, clock, panel_timeout_s)
        self._clock = bot_clock or clock  # times shown: the bot's (simulated in sim)
        self._ttl_s = confirm_ttl_s
        self._timeout_s = panel_timeout_s
        self.confirmations = Confirmations(clock, confirm_ttl_s)

    def handlers(self) -> dict[str, Callable[[Update, Context], Coroutine[Any, Any, None]]]:
        """Return the callback of each command name (start included)."""
        names = ["start", *(name for name, _ in COMMANDS)]
        return {name: getattr(self, f"cmd_{name}") for name in names}

    async def cmd_start(self, update: Update, context: Context) -> None:
        await _reply(update, "Hello, this is mexbot.\n\n" + views.format_help(COMMANDS))

    async def cmd_help(self, update: Update, context: Context) -> None:
        await _reply(update, views.format_help(COMMANDS))

    async def cmd_status(self, update: Update, context: Context) -> None:
        statuses = await self._ask(self._panel.statuses())
        await _reply(update, views.format_status(statuses, self._clock.now_ms()))

    async def cmd_portfolio(self, update: Update, context: Context) -> None:
        await _reply(update, views.format_portfolio(await self._ask(self._panel.portfolio())))

    async def cmd_pnl(self, update: Update, context: Context) -> None:
        await _reply(update, views.format_pnl(await self._ask(self._panel.pnl())))

    async def cmd_autobuy(self, update: Update, context: Context) -> None:
        view = await self._ask(self._panel.autobuy())
        await _reply(update, views.format_autobuy(view, self._clock.now_ms()))

    async def cmd_orders(self, update: Update, context: Context) -> None:
        view = await self._ask(self._panel.orders())
        await _reply(update, views.format_orders(view, self._clock.now_ms()))

    async def cmd_pause(self, update: Update, context: Context) -> None:
        await self._pause_or_resume(update, context.args or [], pause=True)

    async def cmd_resume(self, update: Update, context: Context) -> None:
        await self._pause_or_resume(update, context.args or [], pause=False)

    async def cmd_sell(self, update: Update, context: Context) -> None:
        args = context.args or []
        if len(args) != 1:
            await _reply(update, "Usage: /sell ASSET, for example /sell BTC")
            return
        asset = args[0].upper()
        holding = (await self._ask(self._panel.portfolio())).holding(asset)
        if holding is None or holding.free <= ZERO:
            await _reply(update, await self._unknown_asset_text(asset))
            return
        question = (
            f"Sell all free <b>{esc(asset)}</b> ({views.amount(holding.free)} ≈ "
            f"{views.amount(holding.value_usdt, views.CENT)} USDT) now?"
        )
        await self._ask_to_confirm(update, PendingKind.SELL, asset, question)

    async def cmd_rebalance(self, update: Update, context: Context) -> None:
        portfolio = await self._ask(self._panel.portfolio())
        targets = [
            f"{esc(h.asset)} {views.percent(h.weight)} → {views.percent(h.target_weight)}"
            for h in portfolio.holdings
            if h.target_weight is not None
        ]
        question = "Rebalance the portfolio to its targets now?"
        if targets:
            question += "\n" + "\n".join(targets)
        await self._ask_to_confirm(update, PendingKind.REBALANCE, None, question)

    async def cmd_chart(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        png, caption = await ChartAnswer(self._panel, self._clock, self._timeout_s).picture()
        await message.reply_photo(png, caption=caption)

    async def cmd_config(self, update: Update, context: Context) -> None:
        await _reply(update, views.format_config(await self._ask(self._panel.config_text())))

    async def cmd_version(self, update: Update, context: Context) -> None:
        await _reply(update, esc(await self._ask(self._panel.version())))

    async def cmd_ask(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is not None:
            answer = await self._asking.answer(chat.id, " ".join(context.args or []))
            await _reply(update, esc(answer))  # the model's text is shown, never executed

    async def on_unknown(self, update: Update, context: Context) -> None:
        """Answer an unknown command or plain text with a pointer to /help."""
        await _reply(update, "I don't know that command. Send /help for the list.")

    async def on_button(self, update: Update, context: Context) -> None:
        """Carry out or cancel a confirmed action; a stale or repeated press does nothing."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        verb, _, token = (query.data or "").partition(":")
        action = self.confirmations.take(token, chat.id)
        if action is None:
            await query.answer("This confirmation expired or was already used. Nothing done.")
            with contextlib.suppress(BadRequest):
                await query.edit_message_reply_markup(None)
            return
        await query.answer()
        if verb != "ok":
            await query.edit_message_text(f"Cancelled: {_describe(action)}. Nothing was done.")
            return
        await query.edit_message_text(f"Working on it: {_describe(action)}…")
        await query.edit_message_text(esc(await self._carry_out(action)), parse_mode="HTML")

    async def _carry_out(self, action: PendingAction) -> str:
        try:
            if action.kind == PendingKind.SELL and action.argument is not None:
                return await self._panel.sell(action.argument)
            return await self._panel.rebalance()
        except UnknownAssetError:
            return f"Cannot sell {action.argument}: nothing free to sell."
        except Exception as e:
            log.exception("telegram: %s failed", _describe(action))
            return f"Failed: {_describe(action)} ({type(e).__name__}). See the logs."

    async def _ask_to_confirm(
        self, update: Update, kind: str, argument: str | None, question: str
    ) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        token = self.confirmations.open(kind, argument, chat.id)
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("✅ Confirm", callback_data=f"ok:{token}"),
              InlineKeyboardButton("✖ Cancel", callback_data=f"no:{token}")]]
        )  # fmt: skip
        note = f"\n<i>Expires in {int(self._ttl_s)} s.</i>"
        await _reply(update, question + note, keyboard)

    async def _pause_or_resume(self, update: Update, args: Sequence[str], pause: bool) -> None:
        if len(args) > 1:
            await _reply(update, f"Usage: /{'pause' if pause else 'resume'} [RUNNER]")
            return
        runner = args[0] if args else None
        action = self._panel.pause if pause else self._panel.resume
        try:
            names = await self._ask(action(runner))
        except UnknownRunnerError:
            statuses = await self._ask(self._panel.statuses())
            known = ", ".join(esc(s.name) for s in statuses) or "none"
            await _reply(update, f"Unknown runner “{esc(runner)}”. Runners: {known}.")
            return
        listed = ", ".join(esc(n) for n in names) or "no runners"
        if pause:
            await _reply(update, f"⏸ Paused: {listed}. No new orders until /resume.")
        else:
            await _reply(update, f"▶️ Resumed: {listed}.")

    async def _unknown_asset_text(self, asset: str) -> str:
        portfolio = await self._ask(self._panel.portfolio())
        held = ", ".join(esc(h.asset) for h in portfolio.holdings if h.free > ZERO) or "nothing"
        return f"Nothing to sell in “{esc(asset)}”. Free balances: {held}."

    async def _ask(self, call: Awaitable[T]) -> T:
        async with asyncio.timeout(self._timeout_s):
            return await call


class PendingKind:
    SELL = "sell"
    REBALANCE = "rebalance"


def _describe(action: PendingAction) -> str:
    return f"sell {action.argument}" if action.kind == PendingKind.SELL else "rebalance"


async def _reply(update: Update, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
    message: Message | None = update.effective_message
    if message is None:
        return
    chunks = split_html(html)
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        await message.reply_text(
            chunk, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
        )


async def on_error(update: object, context: Any) -> None:
    """Log a handler's failure and tell the user briefly, without details."""
    error = getattr(context, "error", None)
    log.error("telegram: a command failed: %r", error, exc_info=error)
    if isinstance(update, Update) and update.effective_message is not None:
        text = "The bot did not answer in time; try again." if isinstance(
            error, TimeoutError) else "Something went wrong; see the logs."  # fmt: skip
        await update.effective_message.reply_text(text)
