"""Orders as the fake exchange tracks them, with the funds each one holds."""

from __future__ import annotations

from decimal import Decimal

import attrs

from mexcore.money import ZERO
from mexcore.values import Order, OrderRequest, OrderStatus, OrderType, Side, SymbolRules

PRICED_TYPES = frozenset(
    {OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.IMMEDIATE_OR_CANCEL, OrderType.FILL_OR_KILL}
)


@attrs.define
class OrderState:
    """One order: its request, progress, and the funds it still holds (`held` of `held_asset`)."""

    request: OrderRequest
    rules: SymbolRules
    order_id: str
    time_ms: int
    status: OrderStatus = OrderStatus.NEW
    executed_qty: Decimal = ZERO
    cumm_quote_qty: Decimal = ZERO
    held: Decimal = ZERO
    update_time_ms: int = 0
    first_minute: int = 0

    @property
    def is_buy(self) -> bool:
        return self.request.side is Side.BUY

    @property
    def held_asset(self) -> str:
        return self.rules.quote if self.is_buy else self.rules.base

    @property
    def remaining_qty(self) -> Decimal:
        return (self.request.quantity or ZERO) - self.executed_qty

    def to_order(self) -> Order:
        """Return the order as the port shows it."""
        r = self.request
        return Order(
            symbol=r.symbol,
            order_id=self.order_id,
            client_order_id=r.client_order_id,
            side=r.side,
            type=r.type,
            status=self.status,
            price=r.price if r.type in PRICED_TYPES else None,
            orig_qty=r.quantity if r.quantity is not None else self.executed_qty,
            executed_qty=self.executed_qty,
            cumm_quote_qty=self.cumm_quote_qty,
            orig_quote_qty=r.quote_qty if r.quote_qty is not None else _limit_value(r),
            time_ms=self.time_ms,
            update_time_ms=self.update_time_ms or self.time_ms,
        )


def _limit_value(request: OrderRequest) -> Decimal | None:
    if request.price is None or request.quantity is None:
        return None
    return request.price * request.quantity


def closed_status(executed: Decimal, complete: bool) -> OrderStatus:
    """Return the final status of an order that stops working now."""
    if complete:
        return OrderStatus.FILLED
    return OrderStatus.PARTIALLY_CANCELED if executed > ZERO else OrderStatus.CANCELED
