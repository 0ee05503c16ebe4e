"""A sliding-window rate limiter that keeps inside MEXC's limits, on an injectable clock.

Three budgets apply to every call: the endpoint's weight budget (500 per 10 s), the
overall request rate (~20/s, spread evenly: at most a quarter of it per 250 ms) and, for
order and cancel calls, their shared rate (~12/s).
After a 429 every call waits for `Retry-After` (or, if that is too long, is refused
without being sent), so a ban is never hammered.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque

import attrs

from mexcore.errors import RetryLater
from mexcore.ports import Clock


class RateLimited(RetryLater):
    """MEXC answered 429 (or we hold back after one): wait `retry_after_s`."""


class MonotonicClock:
    """A `Clock` on the monotonic timer, for pacing only (not for timestamps)."""

    def now_ms(self) -> int:
        """Return the monotonic time in milliseconds."""
        return time.monotonic_ns() // 1_000_000

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of real time."""
        await asyncio.sleep(seconds)


@attrs.define
class SlidingWindow:
    """Calls (time, weight) inside the last `span_ms`, capped at `cap` weight."""

    cap: float
    span_ms: int
    calls: deque[tuple[int, int]] = attrs.field(factory=deque)

    def wait_ms(self, now_ms: int, weight: int) -> int:
        """Return how long a call of `weight` must wait to fit (0: it fits now)."""
        while self.calls and self.calls[0][0] <= now_ms - self.span_ms:
            self.calls.popleft()
        used = sum(w for _, w in self.calls)
        if used + weight <= self.cap or not self.calls:
            return 0
        freed = 0
        for t, w in self.calls:
            freed += w
            if used - freed + weight <= self.cap:
                return t + self.span_ms - now_ms
        return self.calls[-1][0] + self.span_ms - now_ms

    def record(self, now_ms: int, weight: int) -> None:
        """Count a call of `weight` made at `now_ms`."""
        self.calls.append((now_ms, weight))


@attrs.define
class RateLimiter:
    """Pace calls within MEXC's budgets; `acquire` before each request, `backoff` on 429."""

    clock: Clock = attrs.field(factory=MonotonicClock)
    requests_per_s: float = 15.0
    orders_per_s: float = 10.0
    endpoint_weight: int = 500
    endpoint_window_s: float = 10.0
    max_wait_s: float = 30.0
    _total: SlidingWindow = attrs.field(init=False)
    _burst: SlidingWindow = attrs.field(init=False)
    _orders: SlidingWindow = attrs.field(init=False)
    _endpoints: dict[str, SlidingWindow] = attrs.field(init=False, factory=dict)
    _per_second: dict[str, SlidingWindow] = attrs.field(init=False, factory=dict)
    _paused_until_ms: int = attrs.field(init=False, default=0)
    _strikes: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        self._total = SlidingWindow(self.requests_per_s, 1000)
        # a quarter of the rate per 250 ms: no bursts that network jitter could bunch up
        self._burst = SlidingWindow(math.ceil(self.requests_per_s / 4), 250)
        self._orders = SlidingWindow(self.orders_per_s, 1000)

    def set_per_second_cap(self, endpoint: str, per_s: int) -> None:
        """Give one endpoint its own requests-per-second cap (MEXC: account 2/s)."""
        self._per_second[endpoint] = SlidingWindow(per_s, 1000)

    async def acquire(self, endpoint: str, weight: int = 1, *, is_order: bool = False) -> None:
        """Wait until a call of `weight` to `endpoint` fits every budget, then count it."""
        while True:
            now = self.clock.now_ms()
            wait_ms = max(self._pause_ms(now), *(w.wait_ms(now, c) for w, c in
                                                  self._windows(endpoint, weight, is_order)))
            if wait_ms <= 0:
                for window, cost in self._windows(endpoint, weight, is_order):
                    window.record(now, cost)
                return
            await self.clock.sleep(wait_ms / 1000)

    def backoff(self, retry_after_s: float | None) -> float:
        """Hold every call back after a 429; return the pause in seconds.

        Without `Retry-After` the pause doubles on each consecutive 429: 10 s, 20 s … 600 s.
        """
        self._strikes += 1
        pause = retry_after_s if retry_after_s is not None else min(600.0, 10.0 * 2 ** (
            self._strikes - 1))
        until = self.clock.now_ms() + int(pause * 1000)
        self._paused_until_ms = max(self._paused_until_ms, until)
        return pause

    def succeeded(self) -> None:
        """Reset the 429 escalation after a call went through."""
        self._strikes = 0

    @property
    def paused_for_s(self) -> float:
        """Seconds left of a 429 pause (0 when none)."""
        return max(0, self._paused_until_ms - self.clock.now_ms()) / 1000

    def _pause_ms(self, now_ms: int) -> int:
        left = self._paused_until_ms - now_ms
        if left > self.max_wait_s * 1000:
            raise RateLimited(f"MEXC rate limit: holding back for {left / 1000:.0f} s more",
                              retry_after_s=left / 1000)
        return left

    def _windows(self, endpoint: str, weight: int,
                 is_order: bool) -> list[tuple[SlidingWindow, int]]:
        window = self._endpoints.get(endpoint)
        if window is None:
            window = self._endpoints[endpoint] = SlidingWindow(
                self.endpoint_weight, int(self.endpoint_window_s * 1000))
        result = [(window, weight), (self._total, 1), (self._burst, 1)]
        if is_order:
            result.append((self._orders, 1))
        if endpoint in self._per_second:
            result.append((self._per_second[endpoint], 1))
        return result
