"""Thin crash-only runner loops: tick, record, sleep; an error never ends the loop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING

import attrs

from mexcore.errors import RetryLater, TradingPaused
from mexcore.ports import Clock, Level, Notifier, Service
from mexcore.quiet import Quiet

if TYPE_CHECKING:
    from runners.schedule import LiveWatch

log = logging.getLogger(__name__)

ERROR_NOTICE_EVERY_S = 600
WAKE_DELAY_S = 0.05  # after a wake, let the rest of a burst of pushes land before the tick

__all__ = ["RunnerLoop", "Service", "ServiceFailed", "TickReport"]


class ServiceFailed(Exception):
    """A strict loop's tick raised: the run stops, naming the service and its error."""

    def __init__(self, name: str, error: str) -> None:
        super().__init__(f"service {name} failed: {error}")
        self.name = name
        self.error = error


@attrs.frozen
class TickReport:
    runner: str
    started_ms: int
    finished_ms: int
    next_ms: int
    actions: int
    error: str | None = None
    quiet: Quiet | None = None
    wall_s: float = 0.0  # how long the tick took on the wall clock (the bot's may be simulated)


class RunnerLoop:
    """Drive one service every `interval_s`; each tick rebuilds its state from store and exchange.

    A failed tick is logged, notified (the same error at most every ten minutes) and the loop
    goes on at its next cycle, so one runner's failure never stops another. A `strict` loop
    (tests, `backtest --strict`) raises `ServiceFailed` instead. Before each tick,
    `follow_up(runner)` looks up the runner's orders of unknown outcome (it returns how many
    stay unresolved; while any do, the tick makes no quiet promise).
    """

    def __init__(
        self,
        service: Service,
        interval_s: float,
        clock: Clock,
        notifier: Notifier,
        on_report: Callable[[TickReport], None] = lambda report: None,
        follow_up: Callable[[str], Awaitable[int]] | None = None,
        strict: bool = False,
    ) -> None:
        self.service = service
        self.strict = strict
        self.interval_s = interval_s
        self._clock = clock
        self._notifier = notifier
        self._on_report = on_report
        self._follow_up = follow_up
        self._last_notice: dict[str, int] = {}
        self.actions = 0
        self.errors = 0
        self.observers: list[Callable[[TickReport], None]] = []
        """Called with every report after `on_report` (the metrics)."""

    @property
    def interval_ms(self) -> int:
        return int(self.interval_s * 1000)

    @property
    def name(self) -> str:
        return self.service.name

    async def tick_once(self) -> TickReport:
        """Run one tick, never raising (except cancellation)."""
        started, began = self._clock.now_ms(), time.perf_counter()
        actions, error, quiet = 0, None, None
        try:
            unresolved = 0 if self._follow_up is None else await self._follow_up(self.name)
            actions = await self.service.tick()
            quiet = None if unresolved else getattr(self.service, "quiet", None)
        except TradingPaused as e:
            error = None
            log.info("%s: %s", self.name, e)
        except Exception as e:  # crash-only: a tick's failure must not end the loop
            error = f"{type(e).__name__}: {e}"
            if self.strict:
                raise ServiceFailed(self.name, error) from e
            self.errors += 1
            await self._notify_error(e, error, started)
        self.actions += actions
        finished = self._clock.now_ms()
        report = TickReport(self.name, started, finished, started + self.interval_ms, actions,
                            error, quiet, time.perf_counter() - began)
        self._on_report(report)
        for observe in self.observers:
            observe(report)
        return report

    async def run_forever(self, stop: asyncio.Event, watch: LiveWatch | None = None,
                          wake_delay_s: float = WAKE_DELAY_S) -> None:
        """Tick every `interval_s` until `stop` is set.

        With a live `watch`, a tick that promised quiet sleeps only until a push breaks the
        promise (checked at every listener call, as the backtest checks it every minute).
        """
        while not stop.is_set():
            since = None if watch is None else watch.account_version()
            report = await self.tick_once()
            due_ms, wake = report.next_ms, None
            if watch is not None and report.quiet is not None:
                wake = _Wake(watch, report.quiet, since, self._clock)
                due_ms = _earlier(due_ms, report.quiet.until_ms, report.finished_ms)
            delay_s = max(0.0, (due_ms - self._clock.now_ms()) / 1000)
            try:
                await self._sleep(delay_s, stop, wake)
            finally:
                if wake is not None:
                    wake.unsubscribe()
            if wake is not None and wake.broken.is_set() and not stop.is_set():
                await asyncio.sleep(wake_delay_s)

    async def _sleep(self, delay_s: float, stop: asyncio.Event, wake: _Wake | None) -> None:
        waits = [asyncio.ensure_future(self._clock.sleep(delay_s)),
                 asyncio.ensure_future(stop.wait())]
        if wake is not None:
            wake.prime()
            waits.append(asyncio.ensure_future(wake.broken.wait()))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pending in waits:
                pending.cancel()

    async def _notify_error(self, exc: Exception, text: str, now_ms: int) -> None:
        transient = isinstance(exc, RetryLater)
        (log.warning if transient else log.exception)("%s tick failed: %s", self.name, text)
        key = type(exc).__name__
        last = self._last_notice.get(key)
        if last is not None and now_ms - last < ERROR_NOTICE_EVERY_S * 1000:
            return
        self._last_notice[key] = now_ms
        try:
            await self._notifier.send(f"error.{self.name}", f"{self.name}: {text}", Level.ERROR)
        except Exception:
            log.exception("%s: could not send the error notice", self.name)


def _earlier(due_ms: int, until_ms: int | None, now_ms: int) -> int:
    if until_ms is None or until_ms <= now_ms:  # a past time promises nothing: the interval
        return due_ms
    return min(due_ms, until_ms)


class _Wake:
    """A quiet promise listening to a live watch: `broken` is set once a push breaks it.

    A break counts only after the promise was seen to hold, so a lasting state that breaks
    every promise (a price at the level, a stream that cannot tell) means polling at the
    interval, not a busy loop; an account change while the tick ran wakes at once.
    """

    def __init__(self, watch: LiveWatch, quiet: Quiet, since: Hashable, clock: Clock) -> None:
        # the time part of the promise is the sleep's: the listeners watch the rest
        self._quiet = attrs.evolve(quiet, until_ms=None)
        self._watch, self._since, self._clock = watch, since, clock
        self.armed = False
        self.broken = asyncio.Event()
        self.unsubscribe = watch.add_listener(self.check)

    def prime(self) -> None:
        """Arm on a promise that holds; wake at once if only the account moved since."""
        if self._kept(self._since):
            self.armed = True
        elif self._kept(self._watch.account_version()):
            self.broken.set()  # a push while the tick ran: the tick saw the account before it

    def check(self) -> None:
        """Set `broken` when the promise, seen holding before, holds no more."""
        kept = self._kept(self._since)
        if kept:
            self.armed = True
        elif self.armed and kept is False:
            self.broken.set()

    def _kept(self, since: Hashable) -> bool | None:
        from runners.schedule import holds  # schedule imports this module

        watch = self._watch
        try:
            return holds(self._quiet, since, watch.account_version(), watch,
                         self._clock.now_ms())
        except Exception:  # the watch cannot tell (no account stream): wait for the interval
            log.debug("%s cannot check %s", type(watch).__name__, self._quiet)
            return None
