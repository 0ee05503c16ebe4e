"""Real Bot API Update JSON, built for the fake server: text messages and button presses."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]
_EPOCH_S = 1_700_000_000

BOT_USER: JSON = {
    "id": 999_000_001,
    "is_bot": True,
    "first_name": "mexbot",
    "username": "mexbot_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


def user_json(user_id: int) -> JSON:
    """Return a human Telegram user."""
    return {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}


def chat_json(chat_id: int) -> JSON:
    """Return a private chat for a positive id, a group for a negative one."""
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}
    return {"id": chat_id, "type": "group", "title": "mexbot group"}


def message_update(chat_id: int, user_id: int, text: str, message_id: int) -> JSON:
    """Return an Update with a text message; a leading /command gets its entity."""
    message: JSON = {
        "message_id": message_id,
        "date": _EPOCH_S,
        "chat": chat_json(chat_id),
        "from": user_json(user_id),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"message": message}


def callback_update(message: JSON, user_id: int, data: str, query_id: str) -> JSON:
    """Return an Update with a press on an inline button of `message` (the bot's message)."""
    return {
        "callback_query": {
            "id": query_id,
            "from": user_json(user_id),
            "chat_instance": f"ci{message['chat']['id']}",
            "message": message,
            "data": data,
        }
    }
