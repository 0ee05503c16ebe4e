"""Read a symbol's candles once and derive what the filters and the score need."""

from __future__ import annotations

from decimal import Decimal

import attrs

from mexcore.antihype import AntiHypeInputs
from mexcore.indicators import IndicatorSnapshot, last_hour_change, snapshot
from mexcore.ports import Exchange
from mexcore.values import Ticker24h


@attrs.frozen
class Signals:
    """Indicators of the last candles plus the anti-hype inputs of one symbol."""

    symbol: str
    indicators: IndicatorSnapshot
    change_1h: Decimal | None
    ticker: Ticker24h

    @property
    def antihype_inputs(self) -> AntiHypeInputs:
        return AntiHypeInputs.of(self.ticker, self.change_1h, self.indicators.rsi)


async def read_signals(
    exchange: Exchange, ticker: Ticker24h, interval: str, limit: int
) -> Signals:
    """Fetch `limit` candles of `interval` for the ticker's symbol and compute its signals."""
    candles = await exchange.candles(ticker.symbol, interval, limit)
    return Signals(ticker.symbol, snapshot(candles), last_hour_change(candles), ticker)
