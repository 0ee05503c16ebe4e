"""Binary pushes as MEXC sends them: one serialized `PushDataV3ApiWrapper` per frame."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from mexcore.money import format_decimal
from mexcore.values import Balance, BookLevel, Candle, Fill, Order, OrderStatus, OrderType, Side

ZERO = Decimal(0)
MALFORMED = b"\x0a\xff\xff\xff\xff\x0f"  # a length-delimited field that runs past the end
_TRADE_TYPE = {Side.BUY: 1, Side.SELL: 2}
_ORDER_TYPE = {OrderType.LIMIT: 1, OrderType.LIMIT_MAKER: 2, OrderType.IMMEDIATE_OR_CANCEL: 3,
               OrderType.FILL_OR_KILL: 4, OrderType.MARKET: 5}
_STATUS = {OrderStatus.NEW: 1, OrderStatus.FILLED: 2, OrderStatus.PARTIALLY_FILLED: 3,
           OrderStatus.CANCELED: 4, OrderStatus.PARTIALLY_CANCELED: 5, OrderStatus.EXPIRED: 4}


def text(value: Decimal) -> str:
    """Return a decimal as MEXC's strings write it."""
    return format_decimal(value)


def _encode(push: PushDataV3ApiWrapper) -> bytes:
    return bytes(push.SerializeToString())


def wrapper(channel: str, symbol: str | None, now_ms: int) -> PushDataV3ApiWrapper:
    """Return an empty push of `channel` (symbol and send time set as MEXC sets them)."""
    push = PushDataV3ApiWrapper(channel=channel, sendTime=now_ms)
    if symbol is not None:
        push.symbol = symbol
    return push


def book_ticker(channel: str, symbol: str, bid: BookLevel, ask: BookLevel, now_ms: int) -> bytes:
    """Return a `publicAggreBookTicker` push of the best bid and ask."""
    push = wrapper(channel, symbol, now_ms)
    body = push.publicAggreBookTicker
    body.bidPrice, body.bidQuantity = text(bid.price), text(bid.qty)
    body.askPrice, body.askQuantity = text(ask.price), text(ask.qty)
    return _encode(push)


def deals(channel: str, symbol: str, trades: Iterable[tuple[Decimal, Decimal, Side, int]],
          now_ms: int) -> bytes:
    """Return a `publicAggreDeals` push of (price, quantity, taker side, time) trades."""
    push = wrapper(channel, symbol, now_ms)
    body = push.publicAggreDeals
    body.eventType = channel.rsplit("@", 1)[0]
    for price, qty, side, time_ms in trades:
        body.deals.add(price=text(price), quantity=text(qty), tradeType=_TRADE_TYPE[side],
                       time=time_ms)
    return _encode(push)


def limit_depth(channel: str, symbol: str, book: tuple[Sequence[BookLevel], Sequence[BookLevel]],
                version: int, now_ms: int) -> bytes:
    """Return a `publicLimitDepths` push: the top levels of (bids, asks), whole."""
    push = wrapper(channel, symbol, now_ms)
    body = push.publicLimitDepths
    body.eventType = channel.rsplit("@", 2)[0]
    body.version = str(version)
    bids, asks = book
    for level in asks:
        body.asks.add(price=text(level.price), quantity=text(level.qty))
    for level in bids:
        body.bids.add(price=text(level.price), quantity=text(level.qty))
    return _encode(push)


def depth_diff(channel: str, symbol: str, changes: tuple[dict[Decimal, Decimal],
               dict[Decimal, Decimal]], versions: tuple[int, int], now_ms: int) -> bytes:
    """Return a `publicAggreDepths` push: changed (bids, asks) sizes, absolute, 0 = removed."""
    push = wrapper(channel, symbol, now_ms)
    body = push.publicAggreDepths
    body.eventType = channel.rsplit("@", 1)[0]
    body.fromVersion, body.toVersion = str(versions[0]), str(versions[1])
    bids, asks = changes
    for price in sorted(asks):
        body.asks.add(price=text(price), quantity=text(asks[price]))
    for price in sorted(bids, reverse=True):
        body.bids.add(price=text(price), quantity=text(bids[price]))
    return _encode(push)


def kline(channel: str, symbol: str, candle: Candle, interval: tuple[str, int],
          now_ms: int) -> bytes:
    """Return a `publicSpotKline` push; its window times are in seconds, as MEXC's are."""
    push = wrapper(channel, symbol, now_ms)
    push.symbolId, push.createTime = symbol.lower(), now_ms
    push.ClearField("sendTime")
    body = push.publicSpotKline
    name, length_ms = interval
    body.interval = name
    body.windowStart = candle.open_time_ms // 1000
    body.windowEnd = (candle.open_time_ms + length_ms) // 1000
    body.openingPrice, body.closingPrice = text(candle.open), text(candle.close)
    body.highestPrice, body.lowestPrice = text(candle.high), text(candle.low)
    body.volume, body.amount = text(candle.volume), text(candle.quote_volume)
    return _encode(push)


def order(channel: str, o: Order, now_ms: int) -> bytes:
    """Return a `privateOrders` push of an order's state now."""
    push = wrapper(channel, o.symbol, now_ms)
    body = push.privateOrders
    body.id, body.clientId = o.order_id, o.client_order_id
    body.price, body.quantity = text(o.price or ZERO), text(o.orig_qty)
    body.amount = text(o.orig_quote_qty or ZERO)
    body.avgPrice = text(o.avg_price or ZERO)
    body.orderType, body.tradeType = _ORDER_TYPE[o.type], _TRADE_TYPE[o.side]
    body.isMaker = o.type is OrderType.LIMIT_MAKER
    body.remainQuantity = text(max(ZERO, o.orig_qty - o.executed_qty))
    body.remainAmount = text(max(ZERO, (o.orig_quote_qty or ZERO) - o.cumm_quote_qty))
    body.cumulativeQuantity, body.cumulativeAmount = text(o.executed_qty), text(o.cumm_quote_qty)
    status = o.status
    if status is OrderStatus.CANCELED and o.executed_qty > ZERO:
        status = OrderStatus.PARTIALLY_CANCELED  # MEXC's 5: partly filled, then canceled
    body.status, body.createTime = _STATUS[status], o.time_ms
    return _encode(push)


def own_deal(channel: str, fill: Fill, now_ms: int) -> bytes:
    """Return a `privateDeals` push of one own fill."""
    push = wrapper(channel, fill.symbol, now_ms)
    body = push.privateDeals
    body.price, body.quantity, body.amount = text(fill.price), text(fill.qty), text(
        fill.quote_qty)
    body.tradeType, body.isMaker = _TRADE_TYPE[fill.side], fill.is_maker
    body.tradeId, body.clientOrderId, body.orderId = (fill.trade_id, fill.client_order_id,
                                                      fill.order_id)
    body.feeAmount, body.feeCurrency, body.time = text(fill.fee), fill.fee_asset, fill.time_ms
    return _encode(push)


def account(channel: str, before: Balance | None, after: Balance, change: str,
            now_ms: int) -> bytes:
    """Return a `privateAccount` push of one asset's free and locked amounts after a change."""
    push = wrapper(channel, None, now_ms)
    push.createTime = now_ms
    body = push.privateAccount
    old_free = ZERO if before is None else before.free
    old_locked = ZERO if before is None else before.locked
    body.vcoinName, body.coinId = after.asset, after.asset.lower()
    body.balanceAmount, body.balanceAmountChange = text(after.free), text(after.free - old_free)
    body.frozenAmount, body.frozenAmountChange = (text(after.locked),
                                                  text(after.locked - old_locked))
    body.type, body.time = change, now_ms
    return _encode(push)
