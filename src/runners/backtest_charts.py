"""Backtest charts as PNG files (matplotlib Agg canvas, no display, no pyplot).

value.png (portfolio vs its benchmarks), drawdown.png, allocation.png (stacked USDT value by asset),
trades_btc.png (BTC trades marked on the BTC price). Floats are used for drawing only: each
series becomes one float64 numpy array, and the charts are drawn once, after the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from adapters.fake.market import MINUTE_MS, MarketData
from mexcore.values import Side
from runners.backtest_metrics import Point, drawdowns
from runners.backtest_report import CHARTED_MARKETS, BacktestReport, ValuePoint
from runners.benchmarks import Benchmark, benchmark

BTC_SYMBOLS = CHARTED_MARKETS
STABLE_FIRST = ("USDT", "USDC")


def _figure(right: float = 0.98) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(10, 4.5), dpi=110)
    FigureCanvasAgg(figure)
    # Fixed margins: tight_layout measured every label once more, ~30 % of the drawing time.
    figure.subplots_adjust(left=0.08, right=right, bottom=0.13, top=0.92)
    return figure, figure.add_subplot()


def _finish(figure: Figure, axes: Axes, title: str, path: Path, legend: bool = True) -> Path:
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.set_title(title)
    axes.grid(visible=True, alpha=0.3)
    if legend and axes.get_legend_handles_labels()[0]:
        axes.legend(loc="best", fontsize="small")
    figure.savefig(path, format="png")
    return path


def _times(series: Sequence[ValuePoint]) -> np.ndarray:
    return np.fromiter((p.time_ms for p in series), dtype=np.int64).astype("datetime64[ms]")


def _floats(values: Iterable[Decimal | float]) -> np.ndarray:
    return np.fromiter((float(v) for v in values), dtype=np.float64)


ValueLine = tuple[str, str, float, Sequence[Point]]  # label, line style, width, points


def value_lines(report: BacktestReport) -> list[ValueLine]:
    """Return the value chart's lines: the bot and each benchmark, with return and drawdown."""
    styles = {"bot": ("-", 1.6), "hold": ("--", 1.2)}
    lines: list[ValueLine] = []
    for b in report.benchmarks or _series_benchmarks(report.series):
        style, width = styles.get(b.key, (":", 1.4))
        label = f"{b.label} ({b.total_return:+.2%}, max dd {b.drawdown:+.2%})"
        lines.append((label, style, width, b.series))
    return lines


def value_chart(report: BacktestReport, path: Path) -> Path:
    """Draw the portfolio value next to each benchmark's value (return, max drawdown)."""
    figure, axes = _figure()
    for label, style, width, points in value_lines(report):
        times = np.fromiter((t for t, _ in points), dtype=np.int64).astype("datetime64[ms]")
        axes.plot(times, _floats(v for _, v in points), linestyle=style, linewidth=width,
                  label=label)
    axes.set_ylabel("USDT")
    return _finish(figure, axes, "Portfolio value and benchmarks (return, max drawdown)", path)


def _series_benchmarks(series: Sequence[ValuePoint]) -> tuple[Benchmark, ...]:
    return (benchmark("bot", "bot", [(p.time_ms, p.value) for p in series]),
            benchmark("hold", "hold the start balances", [(p.time_ms, p.hold) for p in series]))


def drawdown_chart(report: BacktestReport, path: Path) -> Path:
    """Draw the drawdown from the running peak, in percent."""
    figure, axes = _figure()
    times = _times(report.series)
    depth = _floats(drawdowns([p.value for p in report.series])) * 100
    axes.fill_between(times, depth, 0, color="tab:red", alpha=0.35)
    axes.plot(times, depth, color="tab:red", linewidth=0.8)
    axes.set_ylabel("% below peak")
    return _finish(figure, axes, f"Drawdown (max {report.drawdown.fraction:.2%})", path)


def allocation_chart(report: BacktestReport, path: Path) -> Path:
    """Draw the USDT value of each asset over time, stacked (stables at the bottom)."""
    figure, axes = _figure(right=0.86)  # the legend stands right of the axes
    times = _times(report.series)
    seen = {a for p in report.series for a in p.assets}
    assets = [a for a in STABLE_FIRST if a in seen] + sorted(seen - set(STABLE_FIRST))
    stacks = [_floats(p.assets.get(a, 0) for p in report.series) for a in assets]
    if stacks:
        axes.stackplot(times, *stacks, labels=assets, step="post", alpha=0.85)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    axes.set_ylabel("USDT")
    return _finish(figure, axes, "Allocation over time (value by asset)", path, legend=False)


def btc_trades_chart(report: BacktestReport, market: MarketData, path: Path) -> Path:
    """Draw the BTC/USDT close and mark every BTC buy (▲) and sell (▼) at its price."""
    figure, axes = _figure()
    symbol = next((s for s in BTC_SYMBOLS if market.has(s)), None)
    if symbol is not None:
        first = max(0, market.completed(report.start_ms))
        stop = max(first + 1, market.completed(report.end_ms))
        close = market.get(symbol).close[first:stop]
        times = (market.minute_open_ms(first) + MINUTE_MS * np.arange(len(close), dtype=np.int64)
                 ).astype("datetime64[ms]")
        axes.plot(times, close, linewidth=0.7, color="tab:gray", label=f"{symbol} close")
    for side, marker, color in ((Side.BUY, "^", "tab:green"), (Side.SELL, "v", "tab:red")):
        fills = [t.fill for t in report.trades
                 if t.fill.symbol in BTC_SYMBOLS and t.fill.side is side]
        if fills:
            axes.scatter(np.array([f.time_ms for f in fills], dtype="datetime64[ms]"),
                         _floats(f.price for f in fills), marker=marker, color=color, s=36,
                         zorder=3, label=f"{side.value.lower()} ({len(fills)})")
    axes.set_ylabel("price")
    return _finish(figure, axes, "BTC trades on the BTC price", path)


def write_charts(report: BacktestReport, market: MarketData, out_dir: Path) -> list[Path]:
    """Write the four PNG charts into `out_dir`; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        value_chart(report, out_dir / "value.png"),
        drawdown_chart(report, out_dir / "drawdown.png"),
        allocation_chart(report, out_dir / "allocation.png"),
        btc_trades_chart(report, market, out_dir / "trades_btc.png"),
    ]
