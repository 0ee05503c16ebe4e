"""What /chart sends: always a picture, with a caption that says what it shows.

With two snapshots or more, the portfolio's value over time. With one, its value since that
start (the snapshot and the value now). With none, BTC's recent price from the exchange's
candles; without candles, the value now as one point.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from adapters.telegram.chart import render_portfolio_chart, render_price_chart
from adapters.telegram.panel import ControlPanel, PriceHistory
from adapters.telegram.views import CENT, amount
from mexcore.ports import Clock
from mexcore.values import PortfolioSnapshot

log = logging.getLogger(__name__)

T = TypeVar("T")


class ChartAnswer:
    """Build the /chart picture and its caption from the ControlPanel."""

    def __init__(self, panel: ControlPanel, clock: Clock, timeout_s: float) -> None:
        self._panel = panel
        self._clock = clock
        self._timeout_s = timeout_s

    async def picture(self) -> tuple[bytes, str]:
        """Return the PNG and its plain-text caption (raises only if nothing can be drawn)."""
        snapshots = list(await self._ask(self._panel.portfolio_snapshots()))
        if len(snapshots) >= 2:
            png = await _portfolio_png(snapshots)
            return png, f"Portfolio value, {len(snapshots)} snapshots"
        now = await self._value_now()
        if snapshots:
            points = [snapshots[0], *([now] if now is not None else [])]
            note = "1 snapshot and now" if now is not None else "1 snapshot"
            png = await _portfolio_png(points)
            return png, f"Portfolio value since start ({note}); the chart grows with history."
        return await self._without_history(now)

    async def _without_history(self, now: PortfolioSnapshot | None) -> tuple[bytes, str]:
        history = await self._btc_history()
        if history.candles:
            png = await asyncio.to_thread(render_price_chart, history.symbol, history.candles)
            caption = (f"No portfolio history yet: {history.symbol} price, "
                       f"last {len(history.candles)} candles")  # fmt: skip
            if now is not None:
                caption += f"; portfolio now ≈ {amount(now.total_value, CENT)} USDT"
            return png, caption
        if now is None:
            raise LookupError("no portfolio history, no BTC candles and no portfolio value")
        png = await _portfolio_png([now])
        return png, f"No portfolio history yet: the value now, {amount(now.total_value, CENT)} USDT"

    async def _value_now(self) -> PortfolioSnapshot | None:
        try:
            view = await self._ask(self._panel.portfolio())
        except Exception as e:
            log.warning("telegram: /chart without the value now: %r", e)
            return None
        values = {h.asset: h.value_usdt for h in view.holdings}
        return PortfolioSnapshot(self._clock.now_ms(), view.total_usdt, values)

    async def _btc_history(self) -> PriceHistory:
        try:
            return await self._ask(self._panel.btc_price_history())
        except Exception as e:
            log.warning("telegram: /chart without BTC candles: %r", e)
            return PriceHistory("BTCUSDT")

    async def _ask(self, call: Awaitable[T]) -> T:
        async with asyncio.timeout(self._timeout_s):
            return await call


async def _portfolio_png(snapshots: Sequence[PortfolioSnapshot]) -> bytes:
    return await asyncio.to_thread(render_portfolio_chart, list(snapshots))
