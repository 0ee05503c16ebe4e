"""Run every loop on a simulated clock, in time order, as fast as the machine allows."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable, Callable, Hashable, Sequence
from decimal import Decimal
from typing import Protocol

import attrs

from mexcore.ports import Clock
from mexcore.quiet import Quiet
from runners.loop import RunnerLoop, TickReport


class SettableClock(Clock, Protocol):
    """A simulated clock the scheduler can move forward."""

    def advance_to(self, time_ms: int) -> None: ...


class MarketWatch(Protocol):
    """What the simulated exchange tells the scheduler so that quiet runners can sleep."""

    def account_version(self) -> Hashable:
        """Return a value that changes whenever orders, fills or balances change."""
        ...

    def may_have_reached(self, symbol: str, level: Decimal) -> bool:
        """Tell whether a tick now could see `symbol`'s last price at or above `level`."""
        ...

    def free_balance(self, asset: str) -> Decimal:
        """Return the free balance of `asset` now."""
        ...


class LiveWatch(MarketWatch, Protocol):
    """A market watch fed by streams: it calls its listeners after every change it sees."""

    def add_listener(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` after each change of a price or the account; return its unsubscribe."""
        ...


class BrokenPromise(AssertionError):
    """A runner acted while it had promised to be quiet (only raised when verifying)."""


@attrs.frozen
class _Asleep:
    quiet: Quiet  # the promise skipping keeps: that of the loop's last tick run as usual
    version: Hashable
    latest: Quiet | None = None  # verifying: the promise of the last verified tick too


async def run_simulated(
    loops: Sequence[RunnerLoop],
    clock: SettableClock,
    end_ms: int,
    on_time: Callable[[int], Awaitable[None]] | None = None,
    watch: MarketWatch | None = None,
    verify: bool = False,
    stop: Callable[[], bool] | None = None,
) -> None:
    """Tick each loop when it is due, earliest first, until `end_ms` (exclusive) or `stop()`.

    Ties go to the loop listed first, so a run is deterministic for the same inputs. With a
    `watch`, a loop whose last tick promised to be quiet (see `Quiet`) skips its ticks until
    the promise ends; the trades are the same as without skipping. `verify` runs the skipped
    ticks anyway and raises BrokenPromise if one of them acts (or if a tick acts while the
    promise of the verified tick before it still holds).
    """
    start = clock.now_ms()
    queue = [(start, index) for index in range(len(loops))]
    heapq.heapify(queue)
    sleepers = _Sleepers(watch, verify)
    stopped = stop or _never
    while queue and not stopped():
        due, index = heapq.heappop(queue)
        if due >= end_ms:
            break
        if due > clock.now_ms():
            clock.advance_to(due)
            if on_time is not None:
                await on_time(due)
        next_ms = await sleepers.tick(loops[index], index, due, clock.now_ms())
        heapq.heappush(queue, (max(next_ms, due + 1), index))
    if clock.now_ms() < end_ms and not stopped():
        clock.advance_to(end_ms)
        if on_time is not None:
            await on_time(end_ms)


def _never() -> bool:
    return False


class _Sleepers:
    """The loops asleep on a promise: tick a loop unless its promise still holds."""

    def __init__(self, watch: MarketWatch | None, verify: bool) -> None:
        self._watch, self._verify = watch, verify
        self._asleep: dict[int, _Asleep] = {}
        self._versions = _Versions(watch)

    async def tick(self, loop: RunnerLoop, index: int, due: int, now_ms: int) -> int:
        """Tick `loop` (or skip it while its promise holds); return when it is next due."""
        sleeping, watch = self._asleep.get(index), self._watch
        if watch is not None and sleeping is not None and _still_quiet(
                sleeping, watch, self._versions.at(due), due):
            if not self._verify:
                return now_ms + loop.interval_ms
            # Every tick skipping would skip, held to the promise skipping keeps.
            report = await _verified_tick(loop, sleeping, watch)
            self._asleep[index] = attrs.evolve(sleeping, latest=report.quiet)
        else:
            report = await loop.tick_once()
            if watch is not None and report.quiet is not None:
                self._asleep[index] = _Asleep(report.quiet, watch.account_version())
            else:
                self._asleep.pop(index, None)
        self._versions.forget()
        await asyncio.sleep(0)  # let real I/O beside the simulation (Telegram) run
        return report.next_ms


class _Versions:
    """The watch's account version, read once per simulated time until a tick runs."""

    def __init__(self, watch: MarketWatch | None) -> None:
        self._watch = watch
        self._at: int | None = None
        self._version: Hashable = None

    def at(self, now_ms: int) -> Hashable:
        if now_ms != self._at and self._watch is not None:
            self._at, self._version = now_ms, self._watch.account_version()
        return self._version

    def forget(self) -> None:
        self._at = None


def _still_quiet(sleeping: _Asleep, watch: MarketWatch, version: Hashable, now_ms: int) -> bool:
    if holds(sleeping.quiet, sleeping.version, version, watch, now_ms):
        return True
    latest = sleeping.latest
    return latest is not None and holds(latest, sleeping.version, version, watch, now_ms)


def holds(
    quiet: Quiet, since: Hashable, version: Hashable, watch: MarketWatch, now_ms: int
) -> bool:
    """Tell whether `quiet`, made at account version `since`, still holds at `now_ms`."""
    if quiet.until_ms is not None and now_ms >= quiet.until_ms:
        return False
    if quiet.funds is None:
        if version != since:
            return False
    else:
        for asset, amount in quiet.funds.items():
            if watch.free_balance(asset) >= amount:
                return False
    for symbol, level in quiet.rises_to.items():  # a loop, not any(): this runs per minute
        if watch.may_have_reached(symbol, level):
            return False
    return True


async def _verified_tick(loop: RunnerLoop, sleeping: _Asleep, watch: MarketWatch) -> TickReport:
    before = watch.account_version()
    report = await loop.tick_once()
    if report.actions or report.error or watch.account_version() != before:
        raise BrokenPromise(
            f"{loop.name} promised {sleeping.quiet}"
            f"{'' if sleeping.latest is None else f' then {sleeping.latest}'} "
            f"but its tick at {report.started_ms} "
            f"took {report.actions} actions (error: {report.error})")
    return report
