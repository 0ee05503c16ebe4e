"""Notifiers for tests and the console: one records, one prints."""

from __future__ import annotations

import sys
from typing import TextIO

import attrs

from mexcore.ports import Level

_RANK = {Level.INFO: 0, Level.ALERT: 1, Level.ERROR: 2}


@attrs.frozen
class SentMessage:
    """One text message as a notifier received it."""

    topic: str
    text: str
    level: Level


@attrs.frozen
class SentPicture:
    """One picture as a notifier received it."""

    topic: str
    png: bytes
    caption: str


class RecordingNotifier:
    """Keep every message and picture, in order, for assertions."""

    def __init__(self) -> None:
        self.messages: list[SentMessage] = []
        self.pictures: list[SentPicture] = []

    async def send(self, topic: str, text: str, level: Level = Level.INFO) -> None:
        """Record a message."""
        self.messages.append(SentMessage(topic, text, level))

    def wants(self, level: Level) -> bool:
        """Record everything."""
        return True

    async def send_picture(self, topic: str, png: bytes, caption: str = "") -> None:
        """Record a picture."""
        self.pictures.append(SentPicture(topic, png, caption))

    def texts(self, topic: str | None = None) -> list[str]:
        """Return the texts sent, optionally only those of one topic."""
        return [m.text for m in self.messages if topic is None or m.topic == topic]

    def clear(self) -> None:
        """Forget everything recorded so far."""
        self.messages.clear()
        self.pictures.clear()


class ConsoleNotifier:
    """Print messages at or above `min_level` to a stream (stdout by default)."""

    def __init__(
        self, stream: TextIO | None = None, min_level: Level = Level.INFO, quiet: bool = False
    ) -> None:
        self._stream = stream
        self._min_rank = _RANK[Level.ERROR if quiet else min_level]

    async def send(self, topic: str, text: str, level: Level = Level.INFO) -> None:
        """Print `[level] topic: text` unless the level is below the threshold."""
        if _RANK[level] >= self._min_rank:
            print(f"[{level.value}] {topic}: {text}", file=self._stream or sys.stdout)

    def wants(self, level: Level) -> bool:
        """Tell whether `level` is at or above the threshold."""
        return _RANK[level] >= self._min_rank

    async def send_picture(self, topic: str, png: bytes, caption: str = "") -> None:
        """Print a line describing the picture (the console cannot show it)."""
        if _RANK[Level.INFO] >= self._min_rank:
            out = self._stream or sys.stdout
            print(f"[picture] {topic}: {caption} ({len(png)} bytes PNG)", file=out)
