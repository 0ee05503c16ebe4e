"""Send an order the crash-safe way: journal the intent, send, record what happened."""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal

import attrs

from mexcore.errors import (
    ClientIdReused,
    ExchangeDataError,
    OrderNotFound,
    OrderRejected,
    OrderUnresolved,
    OutcomeUnknown,
    RetryLater,
    SkipSymbol,
    StopForHuman,
    TradingPaused,
)
from mexcore.money import ZERO, format_decimal
from mexcore.ports import Clock, Exchange, Store
from mexcore.services.fills import FillSync
from mexcore.services.pending import (
    DELISTED,
    NOT_PLACED_AFTER_S,
    PendingOrders,
    is_delisted,
    never_placed,
)
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
    twice: a second submit of the same request looks the order up instead, and a different
    request under a known id is refused (`ClientIdReused`). Any failure after the request may
    have left (lost answer, network, 5xx, a failed confirmation) leaves the intent `unknown`;
    `follow_up` looks such orders up while running (see `mexcore.services.pending`), and no
    runner places a second order on a symbol while one of its orders there is unresolved.
    """

    def __init__(
        self,
        exchange: Exchange,
        store: Store,
        clock: Clock,
        is_paused: Callable[[str], bool],
        unknown_grace_s: int = NOT_PLACED_AFTER_S,
    ) -> None:
        self._exchange = exchange
        self._unknown_grace_s = unknown_grace_s
        self._store = store
        self._clock = clock
        self._is_paused = is_paused
        self._pending = PendingOrders(store)
        self._executed_seen: dict[str, Decimal] = {}  # per open order: cuts myTrades reads
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
            _check_same_request(known, request, reason)
            return await self._resolve_known(known)
        await self._clear_the_way(runner, request.symbol)
        self._save(_intent(runner, request, reason, self._clock.now_ms()))
        log.info("%s decides %s: %s (%s)", runner, request.client_order_id,
                 _request_text(request), reason)
        return await self._send(request)

    async def follow_up(self, runner: str, symbol: str | None = None) -> int:
        """Look up `runner`'s unresolved orders that are due; return how many stay unresolved."""
        now = self._clock.now_ms()
        for intent in self._pending.due(runner, now, symbol):
            await self._look_up(intent, now)
        return len(self._pending.unresolved(runner, symbol))

    async def cancel(self, symbol: str, client_order_id: str) -> Order:
        """Cancel an open order and record the outcome on its intent."""
        try:
            await self._exchange.cancel_order(symbol, client_order_id)
        except OrderNotFound:
            log.info("cancel %s: the exchange no longer knows it as open", client_order_id)
        # A cancel answer reports the status before the cancel: read the order again.
        order = await self.refresh(symbol, client_order_id)
        log.info("cancel %s %s: %s, %s filled", client_order_id, symbol, order.status,
                 format_decimal(order.executed_qty))
        return order

    async def refresh(self, symbol: str, client_order_id: str) -> Order:
        """Read an order's state from the exchange, record it on its intent, journal new fills.

        Fills are imported when the order has filled more since this executor last read it
        (or ended with fills), so they reach the journal whether or not a PnL monitor runs.
        """
        order = await self._exchange.get_order(symbol, client_order_id)
        self._update(client_order_id, intent_status_of(order), order.order_id)
        seen = self._executed_seen.pop(client_order_id, ZERO)
        if order.status.is_open:
            self._executed_seen[client_order_id] = order.executed_qty
        if order.executed_qty > seen or not order.status.is_open:
            await self._journal_fills(order)
        return order

    async def _clear_the_way(self, runner: str, symbol: str) -> None:
        if not await self.follow_up(runner, symbol):
            return
        [first, *_] = self._pending.unresolved(runner, symbol)
        raise OrderUnresolved(
            f"{runner}: no new order on {symbol} while order {first.client_order_id} is "
            f"{first.status} (its outcome is being looked up)")

    async def _look_up(self, intent: OrderIntent, now_ms: int) -> None:
        cid = intent.client_order_id
        try:
            order = await self.refresh(intent.symbol, cid)
        except OrderNotFound:
            self._not_found(intent, now_ms)
            return
        except SkipSymbol as e:
            if await is_delisted(self._exchange, intent.symbol):
                self._resolve_delisted(intent, e)
                return
            self._pending.failed(intent, now_ms, missing=False)
            log.warning("order %s on %s: look-up refused, trying again later: %s", cid,
                        intent.symbol, e)
            return
        except (RetryLater, ExchangeDataError) as e:
            self._pending.failed(intent, now_ms, missing=False)
            log.warning("order %s on %s: look-up failed, trying again later: %s", cid,
                        intent.symbol, e)
            return
        self._pending.forget(intent)
        log.warning("order %s %s %s (outcome was %s): %s", cid, intent.side, intent.symbol,
                    intent.status, order.status)

    def _resolve_delisted(self, intent: OrderIntent, error: SkipSymbol) -> None:
        self._update(intent.client_order_id, IntentStatus.CANCELLED, reason=f"{DELISTED} "
                     f"({error.reason})")
        self._pending.forget(intent)
        log.warning("order %s %s %s (outcome was %s): %s", intent.client_order_id, intent.side,
                    intent.symbol, intent.status, DELISTED)

    def _not_found(self, intent: OrderIntent, now_ms: int) -> None:
        lookups = self._pending.failed(intent, now_ms, missing=True)
        if not never_placed(intent, lookups, now_ms, self._unknown_grace_s):
            return
        why = f"never placed: not found in {lookups.missing} look-ups by client order id"
        self._update(intent.client_order_id, IntentStatus.REJECTED, reason=why)
        self._pending.forget(intent)
        log.warning("order %s %s %s: %s", intent.client_order_id, intent.side, intent.symbol,
                    why)

    async def _send(self, request: OrderRequest) -> Order:
        cid = request.client_order_id
        self._update(cid, IntentStatus.SENT)
        self.sent += 1
        try:
            order = await self._exchange.place_order(request)
        except (OrderRejected, SkipSymbol, StopForHuman) as e:  # refused: nothing placed
            self._update(cid, IntentStatus.REJECTED, reason=str(e))
            log.info("order %s %s %s refused: %s", cid, request.side, request.symbol, e)
            raise
        except BaseException as e:  # the request may have reached the exchange
            self._update(cid, IntentStatus.UNKNOWN, reason=f"outcome unknown: {e}")
            log.warning("order %s %s %s: outcome unknown (%s: %s); looking it up later", cid,
                        request.side, request.symbol, type(e).__name__, e)
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
        if intent.status.is_final and not status.is_final:
            status = intent.status  # a push saw it end while our slower answer was on its way
        new = attrs.evolve(intent, status=status, updated_ms=self._clock.now_ms())
        if order_id is not None:
            new = attrs.evolve(new, order_id=order_id)
        if reason:
            joined = f"{intent.reason}; {reason}" if intent.reason else reason
            new = attrs.evolve(new, reason=joined)
        self._save(new)


def _check_same_request(known: OrderIntent, request: OrderRequest, reason: str) -> None:
    same = (known.symbol, known.side, known.type) == (request.symbol, request.side, request.type)
    amounts = ((known.quantity, request.quantity), (known.quote_qty, request.quote_qty),
               (known.price, request.price))
    if same and all((a or ZERO) == (b or ZERO) for a, b in amounts):
        return
    raise ClientIdReused(
        f"client order id {request.client_order_id} already names {known.runner}'s "
        f"{known.side} {known.type} {known.symbol} qty {known.quantity} quote "
        f"{known.quote_qty} price {known.price} ({known.reason!r}), not this {request.side} "
        f"{request.type} {request.symbol} qty {request.quantity} quote {request.quote_qty} "
        f"price {request.price} ({reason!r}): a new decision needs its own purpose")


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


def _request_text(request: OrderRequest) -> str:
    """Render a request as `BUY LIMIT_MAKER 0.001 BTCUSDC @ 20000` (quote amounts: `for 20`)."""
    amount = (format_decimal(request.quantity) if request.quantity is not None
              else f"for {format_decimal(request.quote_qty or ZERO)}")
    price = f" @ {format_decimal(request.price)}" if request.price is not None else ""
    return f"{request.side} {request.type} {amount} {request.symbol}{price}"
