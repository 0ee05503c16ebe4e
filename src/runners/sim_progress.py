"""A progress bar of simulated time on stderr, drawn only when stderr is a terminal.

rich draws it (and keeps printed lines above it: it wraps sys.stdout and sys.stderr while the
bar is live, so printers must look those up when they print, not hold them).
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from runners.sim_console import sim_stamp

_STEPS = 1000  # the bar moves in tenths of a percent: fewer redraws than ticks


class SimProgress:
    """Show how far a simulated run from `start_ms` to `end_ms` has come."""

    def __init__(self, start_ms: int, end_ms: int, enabled: bool) -> None:
        self._start, self._end = start_ms, end_ms
        self._enabled = enabled and end_ms > start_ms
        self._bar: Any = None
        self._task: Any = None
        self._shown = -1

    def __enter__(self) -> SimProgress:
        if self._enabled:
            from rich.console import Console  # only on a terminal: a pipe never pays for rich
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

            self._bar = Progress(
                TextColumn("simulated"), BarColumn(), TaskProgressColumn(),
                TextColumn("{task.fields[stamp]}"), console=Console(file=sys.stderr),
                redirect_stdout=True, redirect_stderr=True)
            self._task = self._bar.add_task("sim", total=_STEPS, stamp=sim_stamp(self._start))
            self._bar.start()
        return self

    def show(self, now_ms: int) -> None:
        """Move the bar to `now_ms`."""
        if self._bar is None:
            return
        step = min(_STEPS, _STEPS * (now_ms - self._start) // (self._end - self._start))
        if step != self._shown:
            self._shown = step
            self._bar.update(self._task, completed=step, stamp=sim_stamp(now_ms))

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
