"""Run every loop on a simulated clock, in time order, as fast as the machine allows."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from mexcore.ports import Clock
from runners.loop import RunnerLoop


class SettableClock(Clock, Protocol):
    """A simulated clock the scheduler can move forward."""

    def advance_to(self, time_ms: int) -> None: ...


async def run_simulated(
    loops: Sequence[RunnerLoop],
    clock: SettableClock,
    end_ms: int,
    on_time: Callable[[int], Awaitable[None]] | None = None,
) -> None:
    """Tick each loop when it is due, earliest first, until `end_ms` (exclusive).

    Ties go to the loop listed first, so a run is deterministic for the same inputs.
    """
    start = clock.now_ms()
    queue = [(start, index) for index in range(len(loops))]
    heapq.heapify(queue)
    while queue:
        due, index = heapq.heappop(queue)
        if due >= end_ms:
            break
        if due > clock.now_ms():
            clock.advance_to(due)
            if on_time is not None:
                await on_time(due)
        report = await loops[index].tick_once()
        await asyncio.sleep(0)  # let real I/O beside the simulation (Telegram) run
        heapq.heappush(queue, (max(report.next_ms, due + 1), index))
    if clock.now_ms() < end_ms:
        clock.advance_to(end_ms)
        if on_time is not None:
            await on_time(end_ms)
