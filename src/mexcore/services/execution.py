"""Send an order the crash-safe way: journal the intent, send, record what happened."""

from __future__ import annotations

import logging
from collections.abc import Callable

import attrs

from mexcore.errors import (
    OrderNotFound,
    OrderRejected,
    OutcomeUnknown,
    RetryLater,
    TradingPaused,
)
from mexcore.ports import Clock, Exchange, Store
from mexcore.services.fills import FillSync
from mexcore.values import (
    IntentStatus,
    Order,
    OrderIntent,
    OrderRequest,
    OrderStatus,
)

log = logging.getLogger(__name__)

_INTENT_OF_STATUS = {
    OrderStatus.NEW: IntentStatus.ACKNOWLEDGED,
    OrderStatus.PARTIALLY_FILLED: IntentStatus.ACKNOWLEDGED,
    OrderStatus.FILLED: IntentStatus.FILLED,
    OrderStatus.CANCELED: IntentStatus.CANCELLED,
    OrderStatus.PARTIALLY_CANCELED: IntentStatus.CANCELLED,
    OrderStatus.EXPIRED: IntentStatus.CANCELLED,
}


def intent_status_of(order: Order) -> IntentStatus:
    """Map an exchange order status to the status of the bot's intent."""
    return _INTENT_OF_STATUS[order.status]


class OrderExecutor:
    """Every order of every runner goes through here.

    The intent is written before the request leaves, so a crash at any point leaves a record
    that reconciliation resolves by client order id. The same client order id is never sent
    twice: a second submit of a known intent looks the order up instead.
    """

    def __init__(
        self,
        exchange: Exchange,
        store: Store,
        clock: Clock,
        is_paused: Callable[[str], bool],
    ) -> None:
        self._exchange = exchange
        self._store = store
        self._clock = clock
        self._is_paused = is_paused
        self.sent = 0

    def check_not_paused(self, runner: str) -> None:
        """Raise TradingPaused if `runner` may not place new orders now."""
        if self._is_paused(runner):
            raise TradingPaused(f"{runner}: new orders are paused")

    async def submit(self, runner: str, request: OrderRequest, reason: str) -> Order:
        """Place `request` for `runner`, or return the order an earlier submit already placed."""
        self.check_not_paused(runner)
        known = self._store.intent(request.client_order_id)
        if known is not None:
            return await self._resolve_known(known)
        self._save(_intent(runner, request, reason, self._clock.now_ms()))
        return await self._send(request)

    async def cancel(self, symbol: str, client_order_id: str) -> Order:
        """Cancel an open order and record the outcome on its intent."""
        try:
            await self._exchange.cancel_order(symbol, client_order_id)
        except OrderNotFound:
            log.info("cancel %s: the exchange no longer knows it as open", client_order_id)
        # A cancel answer reports the status before the cancel: read the order again.
        order = await self.refresh(symbol, client_order_id)
        await self._journal_fills(order)
        return order

    async def refresh(self, symbol: str, client_order_id: str) -> Order:
        """Read an order's state from the exchange and record it on its intent."""
        order = await self._exchange.get_order(symbol, client_order_id)
        self._update(client_order_id, intent_status_of(order), order.order_id)
        return order

    async def _send(self, request: OrderRequest) -> Order:
        cid = request.client_order_id
        self._update(cid, IntentStatus.SENT)
        self.sent += 1
        try:
            order = await self._exchange.place_order(request)
        except OrderRejected as e:
            self._update(cid, IntentStatus.REJECTED, reason=str(e))
            raise
        except OutcomeUnknown:
            self._update(cid, IntentStatus.UNKNOWN)
            raise
        self._update(cid, intent_status_of(order), order.order_id)
        await self._journal_fills(order)
        log.info("order %s %s %s %s: %s", cid, request.side, request.type, request.symbol,
                 order.status)
        return order

    async def _journal_fills(self, order: Order) -> None:
        """Import the order's fills now, whatever runner (if any) watches its symbol."""
        if order.executed_qty <= 0:
            return
        try:
            await FillSync(self._exchange, self._store).sync([order.symbol])
        except RetryLater as e:  # the order stands; the next sync or reconciliation imports
            log.warning("fills of %s not journaled yet: %s", order.client_order_id, e)

    async def _resolve_known(self, intent: OrderIntent) -> Order:
        try:
            return await self.refresh(intent.symbol, intent.client_order_id)
        except OrderNotFound as e:
            raise OutcomeUnknown(
                f"intent {intent.client_order_id} exists but the exchange has no such order"
            ) from e

    def _save(self, intent: OrderIntent) -> None:
        self._store.save_intent(intent)

    def _update(
        self, cid: str, status: IntentStatus, order_id: str | None = None, reason: str = ""
    ) -> None:
        intent = self._store.intent(cid)
        if intent is None:
            return
        new = attrs.evolve(intent, status=status, updated_ms=self._clock.now_ms())
        if order_id is not None:
            new = attrs.evolve(new, order_id=order_id)
        if reason:
            joined = f"{intent.reason}; {reason}" if intent.reason else reason
            new = attrs.evolve(new, reason=joined)
        self._save(new)


def _intent(runner: str, request: OrderRequest, reason: str, now_ms: int) -> OrderIntent:
    return OrderIntent(
        client_order_id=request.client_order_id,
        runner=runner,
        symbol=request.symbol,
        side=request.side,
        type=request.type,
        status=IntentStatus.INTENDED,
        created_ms=now_ms,
        quantity=request.quantity,
        quote_qty=request.quote_qty,
        price=request.price,
        updated_ms=now_ms,
        reason=reason,
    )
