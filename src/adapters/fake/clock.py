"""Clocks: a simulated one that jumps instead of waiting, and the real one."""

from __future__ import annotations

import asyncio
import time


class FakeClock:
    """Simulated time in epoch milliseconds; `sleep` advances it instantly.

    Every `sleep` moves the one shared clock forward, so concurrent sleepers add up: drive
    several runners by stepping them from one loop rather than letting each sleep on its own.
    """

    def __init__(self, start_ms: int = 0) -> None:
        self._now_ms = start_ms

    def now_ms(self) -> int:
        """Return the simulated time."""
        return self._now_ms

    async def sleep(self, seconds: float) -> None:
        """Advance the clock by `seconds` and let other tasks run once."""
        self.advance(seconds)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Move the clock forward by `seconds` (rounded to whole milliseconds)."""
        if seconds < 0:
            raise ValueError(f"time cannot go back ({seconds} s)")
        self._now_ms += round(seconds * 1000)

    def advance_to(self, time_ms: int) -> None:
        """Move the clock forward to `time_ms` (never back)."""
        if time_ms < self._now_ms:
            raise ValueError(f"time cannot go back ({time_ms} < {self._now_ms})")
        self._now_ms = time_ms


class SystemClock:
    """The machine's wall clock and real sleeping."""

    def now_ms(self) -> int:
        """Return the current epoch time in milliseconds."""
        return time.time_ns() // 1_000_000

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of real time."""
        await asyncio.sleep(seconds)
