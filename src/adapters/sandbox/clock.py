"""The sandbox's clock: real time mapped onto the recorded data, so the market moves."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class ReplayClock:
    """Replay time from `start_ms` at `speed` × real time (2.0: a minute every 30 s).

    Example: started at 2023-04-21 00:00 with speed 60, ten real seconds later it is 00:10.
    """

    def __init__(self, start_ms: int, speed: float = 1.0,
                 timer: Callable[[], float] = time.monotonic) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        self._start_ms = start_ms
        self._speed = speed
        self._timer = timer
        self._started = timer()

    @property
    def speed(self) -> float:
        """How many replayed seconds pass per real second."""
        return self._speed

    def now_ms(self) -> int:
        """Return the replayed time."""
        return self._start_ms + int((self._timer() - self._started) * 1000 * self._speed)

    async def sleep(self, seconds: float) -> None:
        """Wait until `seconds` of replayed time have passed."""
        await asyncio.sleep(seconds / self._speed)

    def advance(self, seconds: float) -> None:
        """Jump forward by `seconds` of replayed time."""
        if seconds < 0:
            raise ValueError(f"time cannot go back ({seconds} s)")
        self._start_ms += round(seconds * 1000)
