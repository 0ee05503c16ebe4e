"""Market orders sized from the symbol's rules, with the one re-derivation SPEC §1.1 allows."""

from __future__ import annotations

import logging
from decimal import Decimal

from mexcore.client_ids import client_order_id
from mexcore.errors import PrecisionRejected
from mexcore.lots import (
    BelowMinimum,
    Sized,
    SizedOrder,
    resize_coarser,
    size_market_buy,
    size_market_sell,
)
from mexcore.money import ZERO
from mexcore.services.deps import ServiceDeps
from mexcore.services.market import MarketView
from mexcore.values import Order, SymbolRules

log = logging.getLogger(__name__)


def went_through(order: Order | BelowMinimum) -> bool:
    """Tell whether an order bought or sold something, or still may (rests on the book).

    An order the exchange answers CANCELED or EXPIRED with nothing filled did neither.
    """
    if isinstance(order, BelowMinimum):
        return False
    return order.executed_qty > ZERO or order.status.is_open


class MarketOrders:
    """Buy by quote amount or sell by quantity at market, for one runner."""

    def __init__(self, runner: str, deps: ServiceDeps) -> None:
        self._runner = runner
        self._deps = deps

    async def buy(
        self, view: MarketView, symbol: str, quote_amount: Decimal, reason: str
    ) -> Order | BelowMinimum:
        """Market-buy `quote_amount` of `symbol`'s quote currency."""
        rules = view.rules[symbol]
        sized = size_market_buy(rules, quote_amount, view.price(symbol))
        return await self._place(sized, rules, reason)

    async def sell_value(
        self, view: MarketView, symbol: str, quote_amount: Decimal, reason: str
    ) -> Order | BelowMinimum:
        """Market-sell about `quote_amount` worth of `symbol` (quantity from the last price)."""
        rules, price = view.rules[symbol], view.price(symbol)
        if price is None:
            return BelowMinimum(symbol, "no price")
        qty = min(quote_amount / price, view.free(rules.base))
        return await self._place(size_market_sell(rules, qty, price), rules, reason)

    async def _place(self, sized: Sized, rules: SymbolRules, reason: str) -> Order | BelowMinimum:
        if isinstance(sized, BelowMinimum):
            log.info("%s: no order on %s: %s", self._runner, rules.symbol, sized)
            return sized
        try:
            return await self._submit(sized, reason, attempt=0)
        except PrecisionRejected as e:
            log.warning("%s: %s precision rejected (%s); re-deriving once", self._runner,
                        rules.symbol, e)
        coarse = resize_coarser(sized, rules)
        if isinstance(coarse, BelowMinimum):
            return coarse
        return await self._submit(coarse, f"{reason} (re-derived)", attempt=1)

    async def _submit(self, sized: SizedOrder, reason: str, attempt: int) -> Order:
        now = self._deps.clock.now_ms()
        cid = client_order_id(self._runner, sized.symbol, now, attempt, side=sized.side,
                              purpose=reason)
        return await self._deps.executor.submit(self._runner, sized.request(cid), reason)
