"""The MEXC spot v3 endpoints of the sandbox, each over the account's FakeExchange."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from adapters.fake import FakeExchange
from adapters.mexc.constants import KLINE_INTERVALS, MAX_KLINES, MY_TRADES_PAGE
from adapters.sandbox import render
from adapters.sandbox.auth import MexcError, bad_request
from adapters.sandbox.config import SandboxAccount
from adapters.sandbox.klines import kline_window
from adapters.sandbox.listen_keys import listen_key_param
from adapters.sandbox.state import Sandbox
from adapters.sandbox.ws_feeds import book_version
from mexcore.errors import OrderNotFound, OutcomeUnknown
from mexcore.values import Order, OrderRequest, OrderType, Side

Body = Any  # JSON-ready data, or bytes already encoded


@attrs.frozen
class Call:
    """One request as a handler sees it."""

    sandbox: Sandbox
    params: dict[str, str]
    account: SandboxAccount | None = None

    @property
    def exchange(self) -> FakeExchange:
        """Return the FakeExchange of the calling account (public calls: any)."""
        return self.sandbox.exchange_for(None if self.account is None else self.account.api_key)

    def need(self, name: str) -> str:
        """Return a mandatory parameter, or answer 700004."""
        value = self.params.get(name, "")
        if value == "":
            raise bad_request(700004, f"Mandatory parameter '{name}' was not sent, was "
                              "empty/null, or malformed.")
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        """Return an integer parameter (or `default`), or answer 33333."""
        value = self.params.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except ValueError as e:
            raise bad_request(33333, f"param is error: {name}") from e

    def decimal(self, name: str) -> Decimal | None:
        """Return a decimal parameter exactly, or answer 33333."""
        value = self.params.get(name)
        if value in (None, ""):
            return None
        try:
            result = Decimal(value)
        except InvalidOperation as e:
            raise bad_request(33333, f"param is error: {name}") from e
        if not result.is_finite():
            raise bad_request(33333, f"param is error: {name}")
        return result


Handler = Callable[[Call], Awaitable[Body]]


async def ping(call: Call) -> Body:
    """Answer `GET /api/v3/ping`."""
    return {}


async def server_time(call: Call) -> Body:
    """Answer `GET /api/v3/time` with the (skewed) server clock."""
    return {"serverTime": call.sandbox.server_ms()}


async def exchange_info(call: Call) -> Body:
    """Answer `GET /api/v3/exchangeInfo` (all symbols, `symbol` or `symbols`)."""
    rules = await call.exchange.symbol_rules()
    wanted = call.params.get("symbols") or call.params.get("symbol")
    names = wanted.split(",") if wanted else sorted(rules)
    if wanted and any(n not in rules for n in names):
        raise bad_request(-1121, "Invalid symbol.")
    return render.exchange_info((rules[n] for n in names), call.sandbox.server_ms())


async def default_symbols(call: Call) -> Body:
    """Answer `GET /api/v3/defaultSymbols`: the API-tradeable symbols."""
    rules = await call.exchange.symbol_rules()
    names = sorted(s for s, r in rules.items() if r.api_tradeable)
    return render.envelope(names, call.sandbox.server_ms())


async def self_symbols(call: Call) -> Body:
    """Answer `GET /api/v3/selfSymbols`: the key's own pair list."""
    assert call.account is not None
    if call.account.symbols is not None:
        return render.envelope(list(call.account.symbols), call.sandbox.server_ms())
    return await default_symbols(call)


async def depth(call: Call) -> Body:
    """Answer `GET /api/v3/depth`."""
    limit = min(call.integer("limit", 100) or 100, 5000)
    exchange = call.exchange
    book = await exchange.order_book(call.need("symbol"), limit)
    return render.depth(book, book_version(exchange, book.symbol))  # the streams' version


async def klines(call: Call) -> Body:
    """Answer `GET /api/v3/klines`: MEXC intervals only, `limit` ≤ 1000, paged by time."""
    symbol, interval = call.need("symbol"), call.need("interval")
    if interval not in KLINE_INTERVALS:
        raise bad_request(-1121, "Invalid interval.")
    limit = max(1, min(call.integer("limit", 500) or 500, MAX_KLINES))
    await call.exchange.candles(symbol, interval, 1)  # the symbol's checks and faults
    query = (symbol, interval, call.integer("startTime"), call.integer("endTime"), limit)
    rows = kline_window(call.exchange.market, call.sandbox.clock.now_ms(), query,
                        call.sandbox.faults.klines_missing)
    return [render.kline(c, interval) for c in rows]


async def ticker_24h(call: Call) -> Body:
    """Answer `GET /api/v3/ticker/24hr` for one symbol or all."""
    tickers = await call.exchange.tickers_24h()
    now = call.sandbox.server_ms()
    symbol = call.params.get("symbol")
    if symbol:
        if symbol not in tickers:
            raise bad_request(-1121, "Invalid symbol.")
        return render.ticker(tickers[symbol], now)
    return [render.ticker(t, now) for t in tickers.values()]


async def account(call: Call) -> Body:
    """Answer `GET /api/v3/account`."""
    assert call.account is not None
    return render.account(await call.exchange.balances(), call.account.can_withdraw)


def _order_request(call: Call) -> OrderRequest:
    try:
        side, kind = Side(call.need("side")), OrderType(call.need("type"))
    except ValueError as e:
        raise bad_request(33333, "param is error: side or type") from e
    cid = call.params.get("newClientOrderId") or f"sbx{call.sandbox.requests}"
    if not (cid.isascii() and cid.isalnum() and len(cid) <= 32):
        raise bad_request(700008, "Illegal characters found in parameter 'newClientOrderId'")
    return OrderRequest(call.need("symbol"), side, kind, cid, quantity=call.decimal("quantity"),
                        quote_qty=call.decimal("quoteOrderQty"), price=call.decimal("price"))


async def new_order(call: Call) -> Body:
    """Answer `POST /api/v3/order`: place, then ack without status (or lose the ack)."""
    assert call.account is not None
    request = _order_request(call)
    lost, exchange = False, call.exchange
    try:
        order = await exchange.place_order(request)
    except OutcomeUnknown:  # the fake's own lost-answer fault: the order exists
        order = exchange.engine.get(request.symbol, request.client_order_id).to_order()
        lost = True
    call.sandbox.note_created(call.account.api_key, request.client_order_id)
    faults = call.sandbox.faults
    if faults.lose_next_order_answers > 0 or lost:
        faults.lose_next_order_answers = max(0, faults.lose_next_order_answers - 1)
        exchange.injector.note_lost(request.client_order_id)
        if faults.lost_answer_delay_s > 0:
            await asyncio.sleep(faults.lost_answer_delay_s)
        else:
            raise MexcError(504, 504, "Gateway Time-out")
    return render.order_ack(order)


async def order_test(call: Call) -> Body:
    """Answer `POST /api/v3/order/test`: validate the parameters only."""
    _order_request(call)
    return {}


async def _find(call: Call, symbol: str) -> Order:
    cid = call.params.get("origClientOrderId")
    if cid:
        return await call.exchange.get_order(symbol, cid)
    order_id = call.params.get("orderId")
    if not order_id:
        raise bad_request(700004, "Param 'origClientOrderId' or 'orderId' must be sent, but "
                          "both were empty/null")
    for order in call.exchange.all_orders():
        if order.order_id == order_id and order.symbol == symbol:
            return order
    raise OrderNotFound("Order does not exist. (-2013)")


async def query_order(call: Call) -> Body:
    """Answer `GET /api/v3/order` (-2013 while a fresh order is hidden)."""
    assert call.account is not None
    order = await _find(call, call.need("symbol"))
    if call.sandbox.hidden(call.account.api_key, order.client_order_id):
        raise bad_request(-2013, "Order does not exist.")
    return render.order(order)


async def cancel_order(call: Call) -> Body:
    """Answer `DELETE /api/v3/order` with MEXC's pre-cancel status."""
    symbol = call.need("symbol")
    try:
        before = await _find(call, symbol)
    except OrderNotFound as e:
        raise bad_request(-2011, "Unknown order sent.") from e
    after = await call.exchange.cancel_order(symbol, before.client_order_id)
    return render.cancel_ack(before, after)


async def open_orders(call: Call) -> Body:
    """Answer `GET /api/v3/openOrders`."""
    return [render.order(o) for o in await call.exchange.open_orders(call.params.get("symbol"))]


async def cancel_open_orders(call: Call) -> Body:
    """Answer `DELETE /api/v3/openOrders` for up to 5 symbols."""
    answers = []
    for symbol in call.need("symbol").split(",")[:5]:
        for before in await call.exchange.open_orders(symbol):
            after = await call.exchange.cancel_order(symbol, before.client_order_id)
            answers.append(render.cancel_ack(before, after))
    return answers


async def all_orders(call: Call) -> Body:
    """Answer `GET /api/v3/allOrders`."""
    symbol = call.need("symbol")
    await call.exchange.symbol_rules()
    orders = [o for o in call.exchange.all_orders() if o.symbol == symbol]
    limit = max(1, min(call.integer("limit", 500) or 500, 1000))
    return [render.order(o) for o in orders[-limit:]]


async def my_trades(call: Call) -> Body:
    """Answer `GET /api/v3/myTrades` (≤ 100 rows, time window, orderId)."""
    symbol = call.need("symbol")
    start, end = call.integer("startTime"), call.integer("endTime")
    order_id = call.params.get("orderId")
    limit = max(1, min(call.integer("limit", MY_TRADES_PAGE) or MY_TRADES_PAGE, MY_TRADES_PAGE))
    fills = await call.exchange.trade_history(symbol, start, end)
    rows = [f for f in fills if order_id is None or f.order_id == order_id]
    return [render.trade(f) for f in rows[:limit]]  # the oldest rows of a fuller window


async def trade_fee(call: Call) -> Body:
    """Answer `GET /api/v3/tradeFee` (rates as JSON numbers)."""
    fees = await call.exchange.trade_fees(call.need("symbol"))
    return render.trade_fee_body(fees.maker, fees.taker, call.sandbox.server_ms())


def _owner(call: Call) -> str:
    assert call.account is not None
    return call.account.api_key


async def create_listen_key(call: Call) -> Body:
    """Answer `POST /api/v3/userDataStream`: a new key, valid 60 minutes."""
    return {"listenKey": call.sandbox.keys().create(_owner(call))}


async def keep_alive_listen_key(call: Call) -> Body:
    """Answer `PUT /api/v3/userDataStream`: the key is valid 60 more minutes."""
    key = listen_key_param(call.params)
    return {"listenKey": call.sandbox.keys().keep_alive(_owner(call), key)}


async def delete_listen_key(call: Call) -> Body:
    """Answer `DELETE /api/v3/userDataStream`: the key and its streams end."""
    key = listen_key_param(call.params)
    return {"listenKey": call.sandbox.keys().delete(_owner(call), key)}


async def list_listen_keys(call: Call) -> Body:
    """Answer `GET /api/v3/userDataStream`: every valid key of the account."""
    return {"listenKey": call.sandbox.keys().valid(_owner(call))}


# (method, path) → (handler, signed)
ROUTES: dict[tuple[str, str], tuple[Handler, bool]] = {
    ("GET", "/api/v3/ping"): (ping, False),
    ("GET", "/api/v3/time"): (server_time, False),
    ("GET", "/api/v3/exchangeInfo"): (exchange_info, False),
    ("GET", "/api/v3/defaultSymbols"): (default_symbols, False),
    ("GET", "/api/v3/selfSymbols"): (self_symbols, True),
    ("GET", "/api/v3/depth"): (depth, False),
    ("GET", "/api/v3/klines"): (klines, False),
    ("GET", "/api/v3/ticker/24hr"): (ticker_24h, False),
    ("GET", "/api/v3/account"): (account, True),
    ("POST", "/api/v3/order"): (new_order, True),
    ("POST", "/api/v3/order/test"): (order_test, True),
    ("GET", "/api/v3/order"): (query_order, True),
    ("DELETE", "/api/v3/order"): (cancel_order, True),
    ("GET", "/api/v3/openOrders"): (open_orders, True),
    ("DELETE", "/api/v3/openOrders"): (cancel_open_orders, True),
    ("GET", "/api/v3/allOrders"): (all_orders, True),
    ("GET", "/api/v3/myTrades"): (my_trades, True),
    ("GET", "/api/v3/tradeFee"): (trade_fee, True),
    ("POST", "/api/v3/userDataStream"): (create_listen_key, True),
    ("PUT", "/api/v3/userDataStream"): (keep_alive_listen_key, True),
    ("DELETE", "/api/v3/userDataStream"): (delete_listen_key, True),
    ("GET", "/api/v3/userDataStream"): (list_listen_keys, True),
}
