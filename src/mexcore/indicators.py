"""Technical indicators for the scanner and the anti-hype filter (TA-Lib over float64 arrays).

Money and indicators meet once: candles become float64 arrays in `candle_arrays`, TA-Lib runs
on them, and `indicator_decimal` turns every output into a `Decimal` (or `None` while an
indicator is still inside its lookback). No float and no NaN leaves this module.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from decimal import Decimal

import attrs
import numpy as np
import talib
from numpy.typing import ArrayLike, NDArray

from mexcore.money import ZERO
from mexcore.values import Candle

RSI_PERIOD = 14
MACD_FAST, MACD_SLOW, MACD_SIGNAL = 12, 26, 9
BB_PERIOD, BB_DEVIATIONS = 20, 2.0
VOLUME_LOOKBACK = 20
MIN_CANDLES_MACD = MACD_SLOW + MACD_SIGNAL - 1  # 34: TA-Lib's first MACD value
HOUR_MS = 3_600_000
SIGNIFICANT_DIGITS = 10

FloatArray = NDArray[np.float64]
_RSI_PLACES = Decimal("0.01")
_RATIO_PLACES = Decimal("0.0001")


@attrs.frozen
class IndicatorSnapshot:
    """The indicators at the last candle; `None` where the history is too short.

    `bb_position` places the close in the Bollinger channel: 0 at the lower band, 1 at the
    upper band, below 0 under it, above 1 over it. `volume_ratio` is the last candle's volume
    over the mean volume of the 20 candles before it. `prev_*` are one candle earlier.
    """

    candles: int
    close: Decimal | None = None
    rsi: Decimal | None = None
    macd: Decimal | None = None
    macd_signal: Decimal | None = None
    macd_hist: Decimal | None = None
    prev_macd: Decimal | None = None
    prev_macd_signal: Decimal | None = None
    prev_macd_hist: Decimal | None = None
    bb_upper: Decimal | None = None
    bb_middle: Decimal | None = None
    bb_lower: Decimal | None = None
    bb_position: Decimal | None = None
    volume_ratio: Decimal | None = None

    @property
    def macd_bullish_cross(self) -> bool:
        """The MACD line crossed above its signal on the last candle."""
        if self.macd_hist is None or self.prev_macd_hist is None:
            return False
        return self.prev_macd_hist <= ZERO < self.macd_hist

    @property
    def macd_bearish_cross(self) -> bool:
        """The MACD line crossed below its signal on the last candle."""
        if self.macd_hist is None or self.prev_macd_hist is None:
            return False
        return self.prev_macd_hist >= ZERO > self.macd_hist

    @property
    def macd_hist_rising(self) -> bool:
        """The MACD histogram is positive and higher than one candle before."""
        if self.macd_hist is None or self.prev_macd_hist is None:
            return False
        return self.macd_hist > ZERO and self.macd_hist > self.prev_macd_hist


def indicator_decimal(value: float, places: Decimal | None = None) -> Decimal | None:
    """Turn one indicator float into a Decimal: None for NaN/inf (lookback), else rounded.

    With `places` the value is quantized to it; without, it keeps 10 significant digits,
    which suits price-scale values from 0.00001234 to 100000.

    >>> indicator_decimal(27.4321, Decimal("0.01")), indicator_decimal(float("nan"))
    (Decimal('27.43'), None)
    """
    if not math.isfinite(value):
        return None
    if places is not None:
        return Decimal(repr(value)).quantize(places)
    return Decimal(format(value, f".{SIGNIFICANT_DIGITS}g"))


def candle_arrays(candles: Sequence[Candle]) -> tuple[FloatArray, FloatArray]:
    """Return (close, volume) float64 arrays of the candles, oldest first."""
    close = np.array([c.close_float for c in candles], dtype=np.float64)
    volume = np.array([c.volume_float for c in candles], dtype=np.float64)
    return close, volume


def snapshot(candles: Sequence[Candle]) -> IndicatorSnapshot:
    """Compute the indicators of candles (oldest first); the close stays exact."""
    close, volume = candle_arrays(candles)
    return snapshot_from_arrays(close, volume, candles[-1].close if candles else None)


def snapshot_from_arrays(
    close: ArrayLike, volume: ArrayLike, exact_close: Decimal | None = None
) -> IndicatorSnapshot:
    """Compute the indicators from close and volume arrays (oldest first), the cheap path.

    `exact_close` is the last close as the exchange gave it (else it is read off the floats).
    """
    c = np.ascontiguousarray(close, dtype=np.float64)
    v = np.ascontiguousarray(volume, dtype=np.float64)
    if c.shape != v.shape or c.ndim != 1:
        raise ValueError(f"close and volume must be 1-D of one length: {c.shape} {v.shape}")
    n = len(c)
    if n == 0:
        return IndicatorSnapshot(candles=0)
    macd, signal, hist, prev_macd, prev_signal, prev_hist = _macd(c)
    upper, middle, lower, position = _bollinger(c)
    return IndicatorSnapshot(
        candles=n, close=exact_close if exact_close is not None else indicator_decimal(
            float(c[-1])), rsi=_rsi(c),
        macd=macd, macd_signal=signal, macd_hist=hist,
        prev_macd=prev_macd, prev_macd_signal=prev_signal, prev_macd_hist=prev_hist,
        bb_upper=upper, bb_middle=middle, bb_lower=lower, bb_position=position,
        volume_ratio=_volume_ratio(v),
    )


def _rsi(close: FloatArray) -> Decimal | None:
    if len(close) <= RSI_PERIOD or close.max() == close.min():
        return None  # too short, or flat: no gains and no losses, RSI is undefined
    return indicator_decimal(float(talib.RSI(close, timeperiod=RSI_PERIOD)[-1]), _RSI_PLACES)


def _macd(close: FloatArray) -> tuple[Decimal | None, ...]:
    if len(close) < MIN_CANDLES_MACD:
        return (None,) * 6
    line, signal, hist = talib.MACD(close, MACD_FAST, MACD_SLOW, MACD_SIGNAL)
    last = [indicator_decimal(float(a[-1])) for a in (line, signal, hist)]
    prev = [indicator_decimal(float(a[-2])) for a in (line, signal, hist)]
    return (*last, *prev)


def _bollinger(close: FloatArray) -> tuple[Decimal | None, ...]:
    if len(close) < BB_PERIOD:
        return (None,) * 4
    bands = talib.BBANDS(close, timeperiod=BB_PERIOD, nbdevup=BB_DEVIATIONS,
                         nbdevdn=BB_DEVIATIONS)  # simple moving average, TA-Lib's default
    upper, middle, lower = (float(a[-1]) for a in bands)
    width = upper - lower
    position = (float(close[-1]) - lower) / width if width > 0 else math.nan
    return (
        indicator_decimal(upper),
        indicator_decimal(middle),
        indicator_decimal(lower),
        indicator_decimal(position, _RATIO_PLACES),
    )


def _volume_ratio(volume: FloatArray) -> Decimal | None:
    if len(volume) <= VOLUME_LOOKBACK:
        return None
    mean = float(volume[-VOLUME_LOOKBACK - 1 : -1].mean())
    if mean <= 0:
        return None
    return indicator_decimal(float(volume[-1]) / mean, _RATIO_PLACES)


def change_since(candles: Sequence[Candle], window_ms: int) -> Decimal | None:
    """Return the close-to-close change over the last `window_ms` as a fraction, exactly.

    The reference is the close of the candle opened `window_ms` before the last one (or the
    latest before that, at most one more window back); None when there is no such candle.
    With 15m candles closing at 100 one hour ago and 108 now: Decimal('0.08').
    """
    if not candles:
        return None
    target = candles[-1].open_time_ms - window_ms
    opens = [c.open_time_ms for c in candles]
    index = bisect.bisect_right(opens, target) - 1
    if index < 0 or opens[index] <= target - window_ms:
        return None
    reference = candles[index].close
    if reference == ZERO:
        return None
    return (candles[-1].close - reference) / reference


def last_hour_change(candles: Sequence[Candle]) -> Decimal | None:
    """Return the change over the last hour from 1m/5m/15m/30m/60m candles (None if unknown)."""
    return change_since(candles, HOUR_MS)
