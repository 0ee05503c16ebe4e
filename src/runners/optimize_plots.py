"""The optimisation's PNG plots (matplotlib Agg canvas, no display): history and importance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import accumulate
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from runners.optimize_run import TrialRow


def _figure() -> Figure:
    figure = Figure(figsize=(10, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.1, right=0.98, bottom=0.13, top=0.9)
    return figure


def history_plot(studies: Mapping[str, Sequence[TrialRow]], path: Path) -> Path:
    """Plot each study's score per trial and its best so far; write the PNG."""
    figure = _figure()
    axes = figure.add_subplot()
    for name, rows in studies.items():
        done = [r for r in rows if r.value is not None]
        numbers, values = [r.number for r in done], [float(r.value or 0) for r in done]
        dots = axes.plot(numbers, values, "o", markersize=3, alpha=0.5, label=f"{name} trials")
        axes.step(numbers, list(accumulate(values, max)), where="post",
                  color=dots[0].get_color(), label=f"{name} best so far")
    axes.set_xlabel("trial")
    axes.set_ylabel("score (higher is better)")
    axes.set_title("Optimisation history")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.savefig(path)
    return path


def importance_plot(importances: Mapping[str, float], path: Path) -> Path:
    """Plot the parameter importances as horizontal bars; write the PNG."""
    figure = _figure()
    figure.subplots_adjust(left=0.32)
    axes = figure.add_subplot()
    ordered = sorted(importances.items(), key=lambda kv: kv[1])
    axes.barh([k for k, _ in ordered], [v for _, v in ordered], color="tab:blue")
    axes.set_xlabel("importance (share of the score's variation)")
    axes.set_title("Parameter importance")
    axes.grid(alpha=0.3, axis="x")
    figure.savefig(path)
    return path
