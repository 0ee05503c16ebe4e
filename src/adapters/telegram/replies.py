"""Which message an explanation replies to: per chat, the last message of each topic.

The advisor's paragraph on a report is sent on topic `explain.<topic>`; in Telegram it goes as
a reply to the message of `<topic>` it explains. The Notifier port knows no message ids, so
the Telegram notifier keeps them here: `expect` when a message of a topic is queued (its
first part is the token), `delivered` when Telegram returned its id. Only the newest message
of a topic counts: a report that was throttled, dropped or is still waiting has no id, and
its explanation goes as a plain message.
"""

from __future__ import annotations

from collections import OrderedDict

EXPLAIN_PREFIX = "explain."


def explained_topic(topic: str) -> str | None:
    """Return the topic an `explain.<topic>` message explains, None for any other topic."""
    return topic.removeprefix(EXPLAIN_PREFIX) if topic.startswith(EXPLAIN_PREFIX) else None


class ReplyMemory:
    """Remember, per chat, the message id of the latest message of each topic (bounded)."""

    def __init__(self, max_topics: int = 200) -> None:
        if max_topics < 1:
            raise ValueError(f"max_topics must be at least 1, got {max_topics}")
        self.max_topics = max_topics
        self._chats: dict[int, OrderedDict[str, object]] = {}

    def expect(self, chat_id: int, topic: str, token: object) -> None:
        """Note that the message `token` is now the topic's latest (its id not known yet)."""
        topics = self._chats.setdefault(chat_id, OrderedDict())
        topics[topic] = token
        topics.move_to_end(topic)
        while len(topics) > self.max_topics:
            topics.popitem(last=False)

    def delivered(self, chat_id: int, topic: str, token: object, message_id: int) -> None:
        """Record the id Telegram gave `token`, if it is still the topic's latest message."""
        topics = self._chats.get(chat_id)
        if topics is not None and topics.get(topic) is token:
            topics[topic] = message_id

    def forget(self, topic: str) -> None:
        """Forget the topic's message in every chat (a newer one will not be sent)."""
        for topics in self._chats.values():
            topics.pop(topic, None)

    def message_id(self, chat_id: int, topic: str) -> int | None:
        """Return the id of the topic's latest message in the chat, None if not delivered."""
        topics = self._chats.get(chat_id)
        value = None if topics is None else topics.get(topic)
        return value if isinstance(value, int) else None

    def topics(self, chat_id: int) -> int:
        """Return how many topics the chat's memory holds."""
        return len(self._chats.get(chat_id, {}))
