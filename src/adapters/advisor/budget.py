"""Tokens spent per UTC day, counted from the API's `usage`; one warning when the day's run out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from mexcore.ports import Clock

log = logging.getLogger(__name__)
DAY_MS = 86_400_000


class TokenBudget:
    """Allow consultations while today's tokens (UTC) stay under `limit`."""

    def __init__(self, limit: int, clock: Clock) -> None:
        self._limit, self._clock = limit, clock
        self._day = -1
        self.spent = 0
        self.warnings = 0  # times the exhausted budget was warned about (once a day)
        self._warned_day = -1

    def allows(self) -> bool:
        """Tell whether a consultation may start now; warn once a day when it may not."""
        self._roll()
        if self.spent < self._limit:
            return True
        if self._warned_day != self._day:
            self._warned_day = self._day
            self.warnings += 1
            log.warning("advisor: the daily token budget (%d) is spent; silent until 00:00 UTC",
                        self._limit)
        return False

    def spend(self, usage: Any, estimate: int) -> int:
        """Count the tokens of one answer's `usage` (`estimate` when it has none); return them."""
        self._roll()
        tokens = tokens_of(usage)
        used = estimate if tokens is None else tokens
        self.spent += used
        return used

    def _roll(self) -> None:
        day = self._clock.now_ms() // DAY_MS
        if day != self._day:
            self._day, self.spent = day, 0


def tokens_of(usage: Any) -> int | None:
    """Return the total tokens of an OpenAI `usage` object, or None when it has none."""
    if not isinstance(usage, Mapping):
        return None
    total = usage.get("total_tokens")
    if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
        return total
    parts = [usage.get("prompt_tokens"), usage.get("completion_tokens")]
    if all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in parts):
        return sum(p for p in parts if isinstance(p, int))
    return None
