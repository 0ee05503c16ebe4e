"""A market quoted in another coin (XUSDC), derived minute by minute from XUSDT and USDCUSDT.

Its prices are never stored: every derived value is an elementwise function of the two USDT
markets' same minute, so a window computed on demand equals the same rows of the whole derived
table. Only its running volume sums (which need every minute before) are kept.
"""

from __future__ import annotations

import numpy as np

from adapters.fake.series import Floats, MinuteSeries, Window, running_sums

USDC_VOLUME_SHARE = 0.1  # USDC books are thinner than USDT ones
BLOCK_MINUTES = 2048  # derived prices are computed in blocks of this many minutes ...
KEPT_BLOCKS = 3  # ... and the last few blocks computed are kept (a run moves forward)


def round_window(window: Window, decimals: int) -> Window:
    """Round prices to `decimals` places, then widen high and low to cover open and close."""
    o, h, low, c = (np.round(x, decimals) for x in window)
    return o, np.maximum(h, np.maximum(o, c)), np.minimum(low, np.minimum(o, c)), c


def derive_window(base: Window, quote_open: Floats, quote_close: Floats, decimals: int) -> Window:
    """Return X/Y prices from X/USDT prices and Y/USDT's open and close of the same minutes."""
    base_open, base_high, base_low, base_close = base
    o, c = base_open / quote_open, base_close / quote_close
    h = np.maximum(base_high / quote_close, np.maximum(o, c))
    low = np.minimum(base_low / quote_close, np.minimum(o, c))
    return round_window((o, h, low, c), decimals)


class DerivedSeries(MinuteSeries):
    """X/Y from the series of X/USDT (`base`) and Y/USDT (`quote`), prices to `decimals` places.

    Besides the running sums it keeps at most `KEPT_BLOCKS` blocks of computed prices.
    """

    __slots__ = ("_base", "_blocks", "_decimals", "_quote_series", "_scale")

    def __init__(self, base: MinuteSeries, quote: MinuteSeries, decimals: int) -> None:
        """Keep both series by reference and only the running sums of the derived volumes."""
        if len(base) != len(quote):
            raise ValueError(f"series of {len(base)} and {len(quote)} minutes: not one grid")
        self._base, self._quote_series, self._decimals = base, quote, decimals
        self._scale = 10.0**decimals  # as numpy's round: rint(x × 10^d) / 10^d
        self._quote = None
        self._blocks: dict[int, Window] = {}
        self._day = None
        volume, close = self.volume, self._derive(0, len(base))[3]
        self.cum_volume, self.cum_quote = running_sums(volume, close * volume)

    @property
    def open(self) -> Floats:
        """Return the open of every minute."""
        return self.window(0, len(self))[0]

    @property
    def high(self) -> Floats:
        """Return the high of every minute."""
        return self.window(0, len(self))[1]

    @property
    def low(self) -> Floats:
        """Return the low of every minute."""
        return self.window(0, len(self))[2]

    @property
    def close(self) -> Floats:
        """Return the close of every minute."""
        return self.window(0, len(self))[3]

    @property
    def volume(self) -> Floats:
        """Return the base volume of every minute: a share of the USDT market's."""
        return self._base.volume * USDC_VOLUME_SHARE

    def window(self, first: int, stop: int) -> Window:
        """Return (open, high, low, close) of minutes `first` .. `stop - 1` (do not modify)."""
        lo, hi = first // BLOCK_MINUTES, (stop - 1) // BLOCK_MINUTES
        if stop <= first or hi - lo > 1:
            return self._derive(first, stop)
        blocks = [self._block(b) for b in range(lo, hi + 1)]
        a, b = first - lo * BLOCK_MINUTES, stop - lo * BLOCK_MINUTES
        if len(blocks) == 1:
            o, h, low, c = blocks[0]
            return o[a:b], h[a:b], low[a:b], c[a:b]
        o, h, low, c = (np.concatenate(pair)[a:b] for pair in zip(*blocks, strict=True))
        return o, h, low, c

    def _block(self, index: int) -> Window:
        found = self._blocks.get(index)
        if found is None:
            if len(self._blocks) >= KEPT_BLOCKS:
                del self._blocks[next(iter(self._blocks))]  # the oldest computed
            first = index * BLOCK_MINUTES
            found = self._blocks[index] = self._derive(first, min(len(self), first + BLOCK_MINUTES))
        return found

    def _derive(self, first: int, stop: int) -> Window:
        quote_open, _, _, quote_close = self._quote_series.window(first, stop)
        return derive_window(self._base.window(first, stop), quote_open, quote_close,
                             self._decimals)

    def open_at(self, index: int) -> float:
        """Return the open of minute `index`."""
        ratio = self._base.open_at(index) / self._quote_series.open_at(index)
        return round(ratio * self._scale) / self._scale

    def close_at(self, index: int) -> float:
        """Return the close of minute `index`."""
        ratio = self._base.close_at(index) / self._quote_series.close_at(index)
        return round(ratio * self._scale) / self._scale

    def volume_at(self, index: int) -> float:
        """Return the base volume of minute `index`."""
        return self._base.volume_at(index) * USDC_VOLUME_SHARE
