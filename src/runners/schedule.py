"""Run every loop on a simulated clock, in time order, as fast as the machine allows."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
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
    on_time: Callable[[int], None] = lambda now_ms: None,
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
            on_time(due)
        report = await loops[index].tick_once()
        heapq.heappush(queue, (max(report.next_ms, due + 1), index))
    if clock.now_ms() < end_ms:
        clock.advance_to(end_ms)
        on_time(end_ms)
