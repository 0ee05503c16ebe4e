"""Helpers shared by the Telegram integration tests."""

from __future__ import annotations

from adapters.telegram.bot import BotSettings
from adapters.telegram.fake_server import FakeTelegramServer, RecordedCall

CHAT = 4242
OTHER_CHAT = 5151
GROUP = -100777
START_MS = 1_714_000_000_000


async def ask(
    server: FakeTelegramServer, text: str, chat_id: int = CHAT, user_id: int = CHAT
) -> RecordedCall:
    """Send a message from `user_id` in `chat_id` and return the bot's next sendMessage."""
    before = len(server.calls_to("sendMessage"))
    server.send_text(chat_id, text, user_id)
    return (await server.wait_for("sendMessage", before + 1))[before]


def settings_for(user_ids: set[int]) -> BotSettings:
    return BotSettings(user_ids=frozenset(user_ids))
