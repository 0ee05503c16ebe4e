"""The portfolio chart: value over time as a PNG (matplotlib Agg canvas, no display, no pyplot)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from mexcore.money import format_decimal
from mexcore.values import Candle, PortfolioSnapshot

_TOP_ASSETS = 4
_CENT = Decimal("0.01")


def render_portfolio_chart(snapshots: Sequence[PortfolioSnapshot], title: str = "") -> bytes:
    """Return a PNG of the total value (and the largest assets) over time; needs ≥ 1 snapshot."""
    if not snapshots:
        raise ValueError("no snapshots to chart")
    ordered = sorted(snapshots, key=lambda s: s.time_ms)
    times = np.array([s.time_ms for s in ordered], dtype="datetime64[ms]")
    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(times, [float(s.total_value) for s in ordered], label="total", linewidth=2)
    for asset in _largest_assets(ordered[-1]):
        values = [float(s.values.get(asset, 0)) for s in ordered]
        axes.plot(times, values, label=asset, linewidth=1, alpha=0.8)
    last = ordered[-1].total_value.quantize(_CENT)
    axes.set_title(title or f"Portfolio value (USDT) — now {format_decimal(last)}")
    axes.set_ylabel("USDT")
    _finish(figure, axes)
    return _png(figure)


def render_price_chart(symbol: str, candles: Sequence[Candle]) -> bytes:
    """Return a PNG of a market's closing prices over time; needs ≥ 1 candle."""
    if not candles:
        raise ValueError(f"no candles of {symbol} to chart")
    ordered = sorted(candles, key=lambda c: c.open_time_ms)
    times = np.array([c.open_time_ms for c in ordered], dtype="datetime64[ms]")
    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(times, [c.close_float for c in ordered], label=symbol, linewidth=2)
    axes.set_title(f"{symbol} price — now {format_decimal(ordered[-1].close)}")
    _finish(figure, axes)
    return _png(figure)


def _finish(figure: Figure, axes: Axes) -> None:
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.grid(visible=True, alpha=0.3)
    axes.legend(loc="best", fontsize="small")
    figure.tight_layout()


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _largest_assets(snapshot: PortfolioSnapshot) -> list[str]:
    ranked = sorted(snapshot.values.items(), key=lambda item: item[1], reverse=True)
    return [asset for asset, value in ranked[:_TOP_ASSETS] if value > 0]
