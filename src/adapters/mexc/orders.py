"""Orders on MEXC: place, query, cancel, and the look-up after an unknown outcome.

An order is never re-posted blindly. When the answer to a new order is lost (timeout,
broken connection, 5xx), the order is looked up by its client order id, allowing for
MEXC's brief -2013 right after creation, and the adapter carries on from what it finds.
"""

from __future__ import annotations

import logging

from adapters.mexc.client import MexcHttp
from adapters.mexc.constants import MAX_CLIENT_ORDER_ID, OPEN_ORDERS, ORDER
from adapters.mexc.errors import NetworkError, ServerError
from adapters.mexc.schemas import parse_cancel_ack, parse_order
from mexcore.errors import OrderNotFound, OrderRejected, OutcomeUnknown, RetryLater
from mexcore.money import format_decimal
from mexcore.values import Order, OrderRequest, OrderType

log = logging.getLogger("adapters.mexc")

# Pauses between look-ups while MEXC may still answer -2013 for a fresh order (seconds).
LOOKUP_DELAYS_S = (0.25, 0.5, 1.0, 2.0)
_PRICED = frozenset({OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.IMMEDIATE_OR_CANCEL,
                     OrderType.FILL_OR_KILL})


def order_params(request: OrderRequest) -> list[tuple[str, str]]:
    """Return the new-order parameters, decimals as plain strings (no exponent, no zeros)."""
    _check(request)
    params = [("symbol", request.symbol), ("side", request.side.value),
              ("type", request.type.value)]
    for name, value in (("quantity", request.quantity), ("quoteOrderQty", request.quote_qty),
                        ("price", request.price)):
        if value is not None:
            params.append((name, format_decimal(value)))
    params.append(("newClientOrderId", request.client_order_id))
    return params


def _check(request: OrderRequest) -> None:
    cid = request.client_order_id
    if not (cid.isascii() and cid.isalnum() and 0 < len(cid) <= MAX_CLIENT_ORDER_ID):
        raise OrderRejected(f"client order id {cid!r} must be 1-32 ASCII letters or digits")
    if request.type in _PRICED and (request.price is None or request.quantity is None):
        raise OrderRejected(f"a {request.type.value} order needs a price and a quantity")
    if request.type is OrderType.MARKET and (request.quantity is None) == (
            request.quote_qty is None):
        raise OrderRejected("a MARKET order needs exactly one of quantity and quote_qty")


class MexcOrders:
    """Place, look up and cancel orders by client order id."""

    def __init__(self, http: MexcHttp, *, repost_when_absent: bool = False) -> None:
        self._http = http
        self._repost = repost_when_absent

    async def get(self, symbol: str, client_order_id: str) -> Order:
        """Return the order with this client order id (OrderNotFound on -2013)."""
        data = await self._http.signed_read(
            ORDER, [("symbol", symbol), ("origClientOrderId", client_order_id)], symbol=symbol)
        return parse_order(data, client_order_id)

    async def open_orders(self, symbol: str | None) -> list[Order]:
        """Return the open orders of one symbol, or of all symbols."""
        params = [("symbol", symbol)] if symbol else []
        data = await self._http.signed_read(OPEN_ORDERS, params, symbol=symbol)
        if not isinstance(data, list):
            data = [data]
        return [parse_order(row) for row in data]

    async def place(self, request: OrderRequest) -> Order:
        """Post a new order, then query it and return the full Order."""
        params = order_params(request)
        try:
            await self._post(request, params)
        except (NetworkError, ServerError) as e:
            return await self._recover(request, params, e)
        return await self._confirm(request)

    async def cancel(self, symbol: str, client_order_id: str) -> Order:
        """Cancel by client order id; after a lost answer, look the order up and go on."""
        params = [("symbol", symbol), ("origClientOrderId", client_order_id)]
        try:
            data = await self._http.send("DELETE", ORDER, params, symbol=symbol, signed=True)
        except (NetworkError, ServerError):
            order = await self.get(symbol, client_order_id)
            if not order.status.is_open:
                return order
            data = await self._http.send("DELETE", ORDER, params, symbol=symbol, signed=True)
        return parse_cancel_ack(data, client_order_id)

    async def _post(self, request: OrderRequest, params: list[tuple[str, str]]) -> None:
        log.info("placing %s %s %s on %s (client id %s)", request.side.value,
                 request.type.value, params, request.symbol, request.client_order_id)
        await self._http.send("POST", ORDER, params, symbol=request.symbol, signed=True)

    async def _confirm(self, request: OrderRequest) -> Order:
        found = await self._lookup(request.symbol, request.client_order_id)
        if found is None:
            raise OutcomeUnknown(
                f"MEXC accepted order {request.client_order_id} on {request.symbol} but "
                "does not show it yet: look it up again before anything else")
        return found

    async def _lookup(self, symbol: str, client_order_id: str) -> Order | None:
        for delay in (0.0, *LOOKUP_DELAYS_S):
            if delay:
                await self._http.sleep(delay)
            try:
                return await self.get(symbol, client_order_id)
            except OrderNotFound:
                continue
        return None

    async def _recover(self, request: OrderRequest, params: list[tuple[str, str]],
                       cause: RetryLater) -> Order:
        cid, symbol = request.client_order_id, request.symbol
        log.warning("order %s on %s: outcome unknown (%s); looking it up", cid, symbol, cause)
        found = await self._safe_lookup(request, cause)
        if found is not None:
            return found
        if not self._repost:
            raise OutcomeUnknown(f"order {cid} on {symbol}: the answer was lost ({cause}) and "
                                 "MEXC does not show the order; look it up again before "
                                 "sending it again under the same client order id")
        log.warning("order %s on %s: confirmed absent; re-posting under the same id", cid, symbol)
        try:
            await self._post(request, params)
        except (NetworkError, ServerError) as e:
            found = await self._safe_lookup(request, e)
            if found is None:
                raise OutcomeUnknown(f"order {cid} on {symbol}: outcome unknown twice ({e})"
                                     ) from None
            return found
        return await self._confirm(request)

    async def _safe_lookup(self, request: OrderRequest, cause: RetryLater) -> Order | None:
        try:
            return await self._lookup(request.symbol, request.client_order_id)
        except RetryLater as e:
            raise OutcomeUnknown(
                f"order {request.client_order_id} on {request.symbol}: the answer was lost "
                f"({cause}) and the look-up failed ({e}); look it up before anything else",
                retry_after_s=e.retry_after_s) from None

