"""A sliding-window rate limiter that keeps a margin inside MEXC's limits, on an injectable clock.

Three budgets apply to every call: the endpoint's weight budget (400 of MEXC's 500 per 10 s),
the overall request rate (15 of ~20/s, spread evenly: at most a quarter of it per 250 ms)
and, for order and cancel calls, their shared rate (10 of ~12/s).
A call counts from the moment it is let through until one window after its answer came:
MEXC counts it on arrival, somewhere in between, so neither a slow answer nor requests queued
in the connection pool can make MEXC's window hold more than ours. With a `UsageFile` the
count outlives the process: a restart starts with what is left of the budget.
After a 429 or 418 every call waits for `Retry-After` (or, if that is too long, is refused
without being sent), so a ban is never hammered.
"""

from __future__ import annotations

import asyncio
import math
import time

import attrs

from adapters.mexc.constants import (
    MEXC_WINDOW_S,
    MIN_BAN_S,
    SAFE_ENDPOINT_WEIGHT,
    SAFE_ORDERS_PER_S,
    SAFE_REQUESTS_PER_S,
)
from adapters.mexc.usage import UsageFile
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


@attrs.define(eq=False)
class Entry:
    """One call in a window: when it last counted and its weight."""

    at_ms: int
    weight: int


@attrs.define
class SlidingWindow:
    """Calls inside the last `span_ms`, capped at `cap` weight."""

    cap: float
    span_ms: int
    calls: list[Entry] = attrs.field(factory=list)

    def wait_ms(self, now_ms: int, weight: int) -> int:
        """Return how long a call of `weight` must wait to fit (0: it fits now)."""
        self.calls = [c for c in self.calls if c.at_ms > now_ms - self.span_ms]
        used = sum(c.weight for c in self.calls)
        if used + weight <= self.cap or not self.calls:
            return 0
        freed = 0
        for call in sorted(self.calls, key=lambda c: c.at_ms):
            freed += call.weight
            if used - freed + weight <= self.cap:
                return call.at_ms + self.span_ms - now_ms
        return max(c.at_ms for c in self.calls) + self.span_ms - now_ms

    def record(self, now_ms: int, weight: int) -> Entry:
        """Count a call of `weight` made at `now_ms`; return its entry (to re-stamp later)."""
        entry = Entry(now_ms, weight)
        self.calls.append(entry)
        return entry


@attrs.frozen
class Permit:
    """A call let through: its entries in every window, re-stamped when its answer comes."""

    endpoint: str
    weight: int
    is_order: bool
    entries: tuple[Entry, ...]


@attrs.define
class RateLimiter:
    """Pace calls within MEXC's budgets: `acquire` before a request, `settle` after its answer.

    `backoff` on 429/418 pauses every call of the process; `usage` keeps the count on disk.
    """

    clock: Clock = attrs.field(factory=MonotonicClock)
    requests_per_s: float = SAFE_REQUESTS_PER_S
    orders_per_s: float = SAFE_ORDERS_PER_S
    endpoint_weight: int = SAFE_ENDPOINT_WEIGHT
    endpoint_window_s: float = MEXC_WINDOW_S
    max_wait_s: float = 30.0
    usage: UsageFile | None = None
    _total: SlidingWindow = attrs.field(init=False)
    _burst: SlidingWindow = attrs.field(init=False)
    _orders: SlidingWindow = attrs.field(init=False)
    _endpoints: dict[str, SlidingWindow] = attrs.field(init=False, factory=dict)
    _per_second: dict[str, SlidingWindow] = attrs.field(init=False, factory=dict)
    _paused_until_ms: int = attrs.field(init=False, default=0)
    _strikes: int = attrs.field(init=False, default=0)
    _loaded: bool = attrs.field(init=False, default=False)
    waited_s: float = attrs.field(init=False, default=0.0)
    """Seconds every call together spent waiting for a budget or a 429 pause (the metrics)."""

    def __attrs_post_init__(self) -> None:
        self._total = SlidingWindow(self.requests_per_s, 1000)
        # a quarter of the rate per 250 ms: no bursts that network jitter could bunch up
        self._burst = SlidingWindow(math.ceil(self.requests_per_s / 4), 250)
        self._orders = SlidingWindow(self.orders_per_s, 1000)

    def set_per_second_cap(self, endpoint: str, per_s: int) -> None:
        """Give one endpoint its own requests-per-second cap (MEXC: account 2/s)."""
        self._per_second[endpoint] = SlidingWindow(per_s, 1000)

    async def acquire(self, endpoint: str, weight: int = 1, *, is_order: bool = False) -> Permit:
        """Wait until a call of `weight` to `endpoint` fits every budget, then count it."""
        while True:
            self._absorb_usage()
            now = self.clock.now_ms()
            windows = self._windows(endpoint, weight, is_order)
            wait_ms = max(self._pause_ms(now), *(w.wait_ms(now, c) for w, c in windows))
            if wait_ms <= 0:
                entries = tuple(window.record(now, cost) for window, cost in windows)
                # the 250 ms smoothing is ours, not MEXC's: only MEXC's windows wait for answers
                kept = tuple(e for e, (w, _) in zip(entries, windows, strict=True)
                             if w is not self._burst)
                return Permit(endpoint, weight, is_order, kept)
            self.waited_s += wait_ms / 1000
            await self.clock.sleep(wait_ms / 1000)

    def settle(self, permit: Permit) -> None:
        """Count `permit`'s call from now on: its answer came (or it failed) just now."""
        now = self.clock.now_ms()
        for entry in permit.entries:
            entry.at_ms = max(entry.at_ms, now)
        if self.usage is not None:
            self.usage.note(permit.endpoint, permit.weight, permit.is_order)

    async def wait_pause(self) -> None:
        """Wait out a 429 pause that began after this call was let through."""
        while (left := self._pause_ms(self.clock.now_ms())) > 0:
            self.waited_s += left / 1000
            await self.clock.sleep(left / 1000)

    def backoff(self, retry_after_s: float | None, *, banned: bool = False) -> float:
        """Hold every call back after a 429 (or a 418 ban); return the pause in seconds.

        Without `Retry-After` the pause doubles on each consecutive 429: 10 s, 20 s … 600 s;
        a 418 without one waits at least MEXC's shortest ban, 2 minutes.
        """
        self._strikes += 1
        pause = retry_after_s if retry_after_s is not None else min(600.0, 10.0 * 2 ** (
            self._strikes - 1))
        if banned and retry_after_s is None:
            pause = max(pause, MIN_BAN_S)
        until = self.clock.now_ms() + int(pause * 1000)
        self._paused_until_ms = max(self._paused_until_ms, until)
        if self.usage is not None:
            self.usage.note_pause(pause)
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

    def _absorb_usage(self) -> None:
        """Count what other processes (or this one before a restart) spent, from the file."""
        if self.usage is None:
            return
        used, pause_s = self.usage.poll() if self._loaded else self.usage.load()
        self._loaded = True
        now = self.clock.now_ms()
        for call in used:
            for window, cost in self._windows(call.endpoint, call.weight, call.is_order):
                window.record(now - call.age_ms, cost)
        self._paused_until_ms = max(self._paused_until_ms, now + int(pause_s * 1000))
