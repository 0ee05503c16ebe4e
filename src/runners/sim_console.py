"""The console of a simulated run: every line stamped with the simulated time, reports digested.

A week of simulated notifications is thousands of lines, most of them periodic reports (a PnL
summary every 10 minutes). By default the console prints every alert and error, and each
periodic report (an INFO message) once a simulated day per topic; `verbose` prints each.
"""

from __future__ import annotations

import datetime as dtm
import sys
from collections.abc import Callable
from typing import TextIO

from mexcore.ports import Level

DAY_MS = 86_400_000
DIGEST_NOTE = ("periodic reports are shown once a simulated day each; "
               "--verbose shows every one")
_RANK = {Level.INFO: 0, Level.ALERT: 1, Level.ERROR: 2}


def sim_stamp(time_ms: int) -> str:
    """Render a simulated time as the console shows it ('2023-04-24 13:05')."""
    moment = dtm.datetime.fromtimestamp(time_ms / 1000, tz=dtm.UTC)
    return moment.strftime("%Y-%m-%d %H:%M")


class SimConsole:
    """Print notifications, each line prefixed with the simulated time."""

    def __init__(
        self,
        now_ms: Callable[[], int],
        stream: TextIO | None = None,
        verbose: bool = False,
        quiet: bool = False,
    ) -> None:
        self._now_ms = now_ms
        self._stream = stream  # None: sys.stdout at each print (a progress bar may wrap it)
        self._verbose = verbose
        self._min_rank = _RANK[Level.ERROR if quiet else Level.INFO]
        self._shown_day: dict[str, int] = {}
        self._noted = False

    async def send(self, topic: str, text: str, level: Level = Level.INFO) -> None:
        """Print `[level] topic: text` unless it is below the threshold or already shown today."""
        if not self.wants(level) or not self._due(topic, level):
            return
        self._print(f"[{level.value}] {topic}: {text}")

    def wants(self, level: Level) -> bool:
        """Tell whether `level` is at or above the threshold."""
        return _RANK[level] >= self._min_rank

    async def send_picture(self, topic: str, png: bytes, caption: str = "") -> None:
        """Print a line describing the picture (the console cannot show it)."""
        if self.wants(Level.INFO):
            self._print(f"[picture] {topic}: {caption} ({len(png)} bytes PNG)")

    def _due(self, topic: str, level: Level) -> bool:
        """Alerts and errors always; a periodic report once a simulated day, unless verbose."""
        if self._verbose or level is not Level.INFO:
            return True
        day = self._now_ms() // DAY_MS
        if self._shown_day.get(topic) == day:
            if not self._noted:
                self._noted = True
                self._print(f"[note] {DIGEST_NOTE}")
            return False
        self._shown_day[topic] = day
        return True

    def _print(self, text: str) -> None:
        stamp = sim_stamp(self._now_ms())
        out = self._stream or sys.stdout
        print("\n".join(f"{stamp} {line}" for line in text.splitlines()), file=out)
