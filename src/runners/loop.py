"""Thin crash-only runner loops: tick, record, sleep; an error never ends the loop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import attrs

from mexcore.errors import RetryLater, TradingPaused
from mexcore.ports import Clock, Level, Notifier, Service
from mexcore.quiet import Quiet

log = logging.getLogger(__name__)

ERROR_NOTICE_EVERY_S = 600

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

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Tick every `interval_s` until `stop` is set."""
        while not stop.is_set():
            report = await self.tick_once()
            delay_s = max(0.0, (report.next_ms - self._clock.now_ms()) / 1000)
            sleeper = asyncio.ensure_future(self._clock.sleep(delay_s))
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for pending in (sleeper, stopper):
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
