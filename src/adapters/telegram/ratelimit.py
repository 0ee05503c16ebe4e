"""The command bot's rate limiter: every Bot API call waits for the shared RateGate, and a 429
is waited out (`retry_after`) and sent again, so no reply, edit or button answer is dropped.

python-telegram-bot hands every request but getUpdates to `process_request`. Requests to one
chat go one at a time, in the order they were made, so a refused reply cannot be overtaken;
while one waits, the notifier's messages to that chat step aside (a reply is what the user
is waiting for).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from telegram.error import NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from adapters.telegram.notifier import retry_after_seconds
from adapters.telegram.outbox import RateGate
from mexcore.ports import Clock

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
_UNPACED = frozenset({"answerCallbackQuery", "getMe", "setMyCommands", "deleteMyCommands",
                      "deleteWebhook", "close", "logOut"})  # fmt: skip


class BotStopping(NetworkError):
    """A request still waiting for Telegram's limits when the bot stops (not sent)."""


class GateRateLimiter(BaseRateLimiter[None]):
    """Pace every request through `gate`; on 429 hold the gate `retry_after` and resend.

    `max_retries` consecutive 429 answers for one request give up (the last RetryAfter is
    raised). `close()` makes waiting requests give up, so stopping the bot is prompt.
    """

    def __init__(self, gate: RateGate, clock: Clock, max_retries: int = 20) -> None:
        self._gate = gate
        self._clock = clock
        self._max_retries = max_retries
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._closing = asyncio.Event()
        self.retries = 0

    async def initialize(self) -> None:
        """Accept requests again (after a `close`)."""
        self._closing.clear()

    async def shutdown(self) -> None:
        """Let waiting requests give up."""
        self.close()

    def close(self) -> None:
        """Make every waiting request give up now (raising BotStopping)."""
        self._closing.set()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        """Send the request when the gate allows, again after each 429's retry_after."""
        chat_id = _chat_of(endpoint, data)
        async with self._turn(chat_id):
            for attempt in range(self._max_retries + 1):
                await self._wait_for_gate(chat_id)
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as e:
                    if attempt == self._max_retries:
                        raise
                    self._on_flood(endpoint, retry_after_seconds(e))
        raise AssertionError("unreachable")

    def _on_flood(self, endpoint: str, seconds: float) -> None:
        self.retries += 1
        self._gate.pause(seconds, self._clock.now_ms())
        log.warning("telegram: flood control on %s, sending again in %s s", endpoint, seconds)

    @contextlib.asynccontextmanager
    async def _turn(self, chat_id: int | None) -> AsyncIterator[None]:
        if chat_id is None:
            yield
            return
        self._gate.claim(chat_id)
        try:
            async with self._chat_locks.setdefault(chat_id, asyncio.Lock()):
                yield
        finally:
            self._gate.release(chat_id)

    async def _wait_for_gate(self, chat_id: int | None) -> None:
        while (wait_ms := self._gate.wait_ms(chat_id, self._clock.now_ms())) > 0:
            await self._sleep(wait_ms / 1000)
        self._gate.take(chat_id, self._clock.now_ms())

    async def _sleep(self, seconds: float) -> None:
        if self._closing.is_set():
            raise BotStopping("the bot is stopping; request not sent")
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        closer = asyncio.ensure_future(self._closing.wait())
        await asyncio.wait({sleeper, closer}, return_when=asyncio.FIRST_COMPLETED)
        for task in (sleeper, closer):
            task.cancel()
        if self._closing.is_set():
            raise BotStopping("the bot is stopping; request not sent")


def _chat_of(endpoint: str, data: dict[str, Any]) -> int | None:
    if endpoint in _UNPACED:
        return None
    chat_id = data.get("chat_id")
    return chat_id if isinstance(chat_id, int) else None
