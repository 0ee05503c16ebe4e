"""Runners: thin asyncio loops, the container and the mexbot CLI.

The names in `__all__` are public (see docs/library.md); they load on first use, so importing
one runner module does not import the container's HTTP stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mexcore.lazy import lazy_attributes

if TYPE_CHECKING:
    from runners.backtest import Backtest, BacktestOptions, run_backtest, write_outputs
    from runners.bot import build_loops
    from runners.container import Container, make_container
    from runners.loop import RunnerLoop, ServiceFailed, TickReport
    from runners.sim import SimOptions, SimRun, run_sim
    from runners.summary import ComponentStats, RunSummary, render_summary

_HOMES = {
    "Backtest": "backtest", "BacktestOptions": "backtest", "run_backtest": "backtest",
    "write_outputs": "backtest", "build_loops": "bot", "Container": "container",
    "make_container": "container", "RunnerLoop": "loop", "ServiceFailed": "loop",
    "TickReport": "loop", "SimOptions": "sim", "SimRun": "sim", "run_sim": "sim",
    "ComponentStats": "summary", "RunSummary": "summary", "render_summary": "summary",
}

__all__ = [
    "Backtest",
    "BacktestOptions",
    "ComponentStats",
    "Container",
    "RunSummary",
    "RunnerLoop",
    "ServiceFailed",
    "SimOptions",
    "SimRun",
    "TickReport",
    "build_loops",
    "make_container",
    "render_summary",
    "run_backtest",
    "run_sim",
    "write_outputs",
]


__getattr__ = lazy_attributes(__name__, _HOMES)
