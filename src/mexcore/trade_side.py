"""Which sides of a symbol may trade: MEXC exchangeInfo `tradeSideType` (SymbolRules.trade_side)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mexcore.values import SymbolRules


class TradeSide(StrEnum):
    """MEXC's `tradeSideType`: 1 both sides, 2 buy only, 3 sell only, 4 ("close") none."""

    ALL = "1"
    BUY_ONLY = "2"
    SELL_ONLY = "3"
    NONE = "4"

    @property
    def is_open(self) -> bool:
        return self is not TradeSide.NONE

    def allows(self, side: str) -> bool:
        """Tell whether an order on `side` (a `values.Side`: "BUY" or "SELL") may be placed."""
        return self is TradeSide.ALL or (str(side), self) in _ONLY


_ONLY = frozenset({("BUY", TradeSide.BUY_ONLY), ("SELL", TradeSide.SELL_ONLY)})


def may_trade(rules: SymbolRules, side: str) -> bool:
    """Tell whether the API may place an order on `side` of `rules.symbol` now.

    Online, API-tradeable, and a `tradeSideType` that allows the side: a BUY on a sell-only
    symbol (3) gives False.
    """
    return rules.tradeable and rules.trade_side.allows(side)
