"""TelegramNotifier: the Notifier port over the Bot API, through a rate-limited outbound queue."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import warnings
from collections.abc import Sequence

from telegram import Bot, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter
from telegram.error import TelegramError as _TelegramError

from adapters.telegram.markup import MAX_CAPTION_CHARS, MAX_MESSAGE_CHARS, esc, split_html
from adapters.telegram.outbox import Envelope, Outbox, OutboxLimits
from adapters.telegram.replies import ReplyMemory, explained_topic
from mexcore.ports import Clock, Level

log = logging.getLogger(__name__)

_ICONS = {Level.INFO: "ℹ️", Level.ALERT: "🔔", Level.ERROR: "❗"}
_BURST_NOTE_ROOM = 64
_UNDELIVERABLE = (BadRequest, Forbidden, InvalidToken, ChatMigrated)


def render_notification(topic: str, text: str, level: Level) -> str:
    """Return the HTML of a notification: an icon, the topic in bold, the escaped text."""
    return f"{_ICONS[level]} <b>{esc(topic)}</b>\n{esc(text)}"


def quiet_http_logs() -> None:
    """Keep httpx's request lines (which contain the bot token in the URL) out of INFO logs."""
    logging.getLogger("httpx").setLevel(logging.WARNING)


def retry_after_seconds(error: RetryAfter) -> float:
    """Return RetryAfter's wait in seconds, whatever type this library version reports."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class TelegramNotifier:
    """Send notifications to every chat id; `send` only queues, a background task delivers.

    INFO messages go out at most once per `summary_min_interval_s` per topic; ALERT and
    ERROR always go out (a burst of waiting ERRORs of one topic collapses into one message
    with a count). Waits for Telegram's limits use `clock.sleep`: give it the real clock,
    never a simulated clock shared with runners. An `explain.<topic>` message is sent as a
    reply to the chat's latest message of `<topic>` (its first part) when that was delivered.
    """

    def __init__(
        self,
        bot: Bot,
        chat_ids: Sequence[int],
        clock: Clock,
        limits: OutboxLimits | None = None,
        owns_bot: bool = False,
    ) -> None:
        self._bot = bot
        self._chat_ids = tuple(chat_ids)
        self._clock = clock
        self._outbox = Outbox(limits or OutboxLimits())
        self._replies = ReplyMemory(self._outbox.limits.max_reply_topics)
        self._owns_bot = owns_bot
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self.delivered = 0

    @classmethod
    def create(
        cls,
        token: str,
        chat_ids: Sequence[int],
        clock: Clock,
        base_url: str = "https://api.telegram.org/bot",
        limits: OutboxLimits | None = None,
    ) -> TelegramNotifier:
        """Build a notifier with its own Bot (closed by `stop`)."""
        quiet_http_logs()
        return cls(Bot(token, base_url=base_url), chat_ids, clock, limits, owns_bot=True)

    @property
    def outbox(self) -> Outbox:
        return self._outbox

    def wants(self, level: Level) -> bool:
        """Every level can reach the chats (INFO throttled per topic)."""
        return True

    async def send(self, topic: str, text: str, level: Level = Level.INFO) -> None:
        """Queue `text` (plain text, escaped here) for every chat; never waits for the network."""
        if not self._outbox.accept(topic, level, self._clock.now_ms()):
            self._replies.forget(topic)
            return
        body = render_notification(topic, text, level)
        chunks = split_html(body, MAX_MESSAGE_CHARS - _BURST_NOTE_ROOM)
        for chat_id in self._chat_ids:
            envelopes = [Envelope(chat_id, topic, level, chunk) for chunk in chunks]
            self._expect_reply(envelopes[0])
            for envelope in envelopes:
                self._put(envelope)

    async def send_picture(self, topic: str, png: bytes, caption: str = "") -> None:
        """Queue a PNG with a caption for every chat (throttled per topic like INFO)."""
        if not self._outbox.accept(topic, Level.INFO, self._clock.now_ms()):
            self._replies.forget(topic)
            return
        html = f"<b>{esc(topic)}</b>\n{esc(caption)}" if caption else f"<b>{esc(topic)}</b>"
        first = split_html(html, MAX_CAPTION_CHARS)[0]
        for chat_id in self._chat_ids:
            envelope = Envelope(chat_id, topic, Level.INFO, first, png=png)
            self._expect_reply(envelope)
            self._put(envelope)

    async def start(self) -> None:
        """Start the background sender task."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="telegram-notifier")

    async def flush(self, timeout_s: float) -> bool:
        """Wait until the queue is empty, at most `timeout_s` seconds; return whether it is."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def stop(self, timeout_s: float = 5.0) -> None:
        """Deliver what is queued (at most `timeout_s` seconds), then stop the sender."""
        if self._task is not None:
            if not await self.flush(timeout_s):
                log.warning("telegram: %d messages left undelivered at stop", len(self._outbox))
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._owns_bot:
            # The bot was never initialize()d (that calls getMe, which an outage would fail),
            # so Bot.shutdown() would skip closing its connections: close them here.
            await self._bot.request.shutdown()

    def _expect_reply(self, envelope: Envelope) -> None:
        if explained_topic(envelope.topic) is None:
            self._replies.expect(envelope.chat_id, envelope.topic, envelope)

    def _put(self, envelope: Envelope) -> None:
        self._outbox.put(envelope)
        self._idle.clear()
        self._wakeup.set()

    async def _run(self) -> None:
        while True:
            envelope, wait_ms = self._outbox.next_due(self._clock.now_ms())
            if envelope is not None:
                await self._attempt(envelope)
            elif wait_ms < 0:
                self._idle.set()
                self._wakeup.clear()
                await self._wakeup.wait()
            else:
                await self._clock.sleep(wait_ms / 1000)

    async def _attempt(self, envelope: Envelope) -> None:
        try:
            message = await self._deliver(envelope)
        except asyncio.CancelledError:
            self._outbox.put_back(envelope)
            raise
        except RetryAfter as e:
            seconds = retry_after_seconds(e)
            log.warning("telegram: flood control, retrying in %s s", seconds)
            self._outbox.retry_after(envelope, seconds, self._clock.now_ms())
        except _UNDELIVERABLE as e:
            log.error("telegram: dropped a %s message to chat %s: %s", envelope.topic,
                      envelope.chat_id, e)  # fmt: skip
        except _TelegramError as e:
            delay_ms = self._outbox.failed(envelope, self._clock.now_ms())
            log.warning("telegram: delivery failed (%s); retrying in %d ms", e, delay_ms)
        except Exception:
            log.exception("telegram: dropped a %s message (unexpected error)", envelope.topic)
        else:
            self._outbox.sent(envelope, self._clock.now_ms())
            self._replies.delivered(envelope.chat_id, envelope.topic, envelope, message.message_id)
            self.delivered += 1

    async def _deliver(self, envelope: Envelope) -> Message:
        if envelope.png is not None:
            return await self._bot.send_photo(
                envelope.chat_id, envelope.png, caption=envelope.text, parse_mode=ParseMode.HTML
            )
        text = envelope.text
        if envelope.count > 1:
            text += f"\n<i>×{envelope.count} errors in a burst (the latest shown)</i>"
        return await self._bot.send_message(
            envelope.chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_parameters=self._reply_parameters(envelope),
        )

    def _reply_parameters(self, envelope: Envelope) -> ReplyParameters | None:
        explained = explained_topic(envelope.topic)
        if explained is None:
            return None
        message_id = self._replies.message_id(envelope.chat_id, explained)
        if message_id is None:
            return None
        # If the report was deleted meanwhile, Telegram sends the explanation on its own.
        return ReplyParameters(message_id, allow_sending_without_reply=True)
