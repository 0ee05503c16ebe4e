"""Warn once that a symbol was refused or skipped, so the runner can go on (issue 13, item 7).

A runner that loops over symbols catches `REFUSED` (and takes a `BelowMinimum` plan) for one
symbol, warns through `SymbolRefusals`, and goes on with the next symbol. The warning goes out
once per symbol and reason, not at every tick.
"""

from __future__ import annotations

from mexcore.errors import OrderRejected, SkipSymbol
from mexcore.lots import BelowMinimum
from mexcore.ports import Notifier, Store
from mexcore.services.warnings import WarnOnce

REFUSED = (OrderRejected, SkipSymbol)
Refusal = OrderRejected | SkipSymbol | BelowMinimum


def refusal_key(symbol: str, refusal: Refusal) -> str:
    """Return the key a refusal is warned under: the symbol and a reason stable across ticks.

    OrderRejected("Oversold", 30005) on BTCUSDC → "BTCUSDC.OrderRejected.30005".
    """
    if isinstance(refusal, OrderRejected):
        return f"{symbol}.{type(refusal).__name__}.{refusal.code}"
    if isinstance(refusal, SkipSymbol):
        return f"{symbol}.SkipSymbol.{refusal.reason}"
    return f"{symbol}.BelowMinimum.{refusal.reason}"


class SymbolRefusals:
    """Warn a runner's user once per symbol and reason that an order was not placed."""

    def __init__(self, store: Store, notifier: Notifier, runner: str) -> None:
        self._warn = WarnOnce(store, notifier, runner)

    async def warn(self, symbol: str, refusal: Refusal, doing: str) -> bool:
        """Warn that `doing` on `symbol` was refused; return True when a warning went out."""
        text = f"{doing} on {symbol} not placed ({refusal}); the other symbols go on"
        return await self._warn.once(refusal_key(symbol, refusal), text)
