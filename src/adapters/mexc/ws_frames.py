"""MEXC spot WebSocket frames: binary protobuf pushes and JSON text replies, to typed values.

A binary frame is one serialized `PushDataV3ApiWrapper`; text frames are JSON acks, PONGs and
refusals. Prices, quantities and versions arrive as decimal text and become `Decimal` here.
Anything unreadable raises `FrameError`, which a connection logs and skips.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
from google.protobuf.message import DecodeError

from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from mexcore.errors import ExchangeDataError
from mexcore.money import ZERO
from mexcore.values import BookLevel, Candle, OrderStatus, OrderType, Side

__all__ = [
    "PING",
    "AccountPush",
    "Ack",
    "BookTickerPush",
    "DealsPush",
    "DepthDiffPush",
    "FrameError",
    "KlinePush",
    "LimitDepthPush",
    "OrderPush",
    "OtherPush",
    "OwnDealPush",
    "Pong",
    "PublicDeal",
    "Push",
    "Refusal",
    "Reply",
    "ServerNotice",
    "channel_symbol",
    "dec",
    "dec_or_zero",
    "decode_frame",
    "decode_push",
    "parse_text",
    "parse_wrapper",
    "side",
    "subscribe_message",
    "unsubscribe_message",
]


class FrameError(ExchangeDataError):
    """A WebSocket frame we cannot read: not protobuf, no body, a bad number, bad JSON."""


PING = '{"method":"PING"}'


def subscribe_message(channels: Sequence[str], request_id: int) -> str:
    """Return the SUBSCRIPTION request for `channels` (at most 30 per connection)."""
    return _request("SUBSCRIPTION", channels, request_id)


def unsubscribe_message(channels: Sequence[str], request_id: int) -> str:
    """Return the UNSUBSCRIPTION request for `channels`."""
    return _request("UNSUBSCRIPTION", channels, request_id)


def _request(method: str, channels: Sequence[str], request_id: int) -> str:
    if not channels:
        raise ValueError(f"{method}: name at least one channel")
    if request_id < 0:
        raise ValueError(f"{method}: the id must be an unsigned int, not {request_id}")
    return json.dumps({"method": method, "params": list(channels), "id": request_id},
                      separators=(",", ":"))


# --- text replies -----------------------------------------------------------------------------


@attrs.frozen
class Ack:
    """The server took a (un)subscription: `channels` as it echoed them."""

    request_id: int
    channels: tuple[str, ...]


@attrs.frozen
class Refusal:
    """The server refused channels; MEXC says so in `msg` while `code` is still 0."""

    channels: tuple[str, ...]
    reason: str


@attrs.frozen
class Pong:
    request_id: int


@attrs.frozen
class ServerNotice:
    """Any other text: an error code, a bare sentence such as `Invalid listen key`."""

    text: str

    @property
    def is_auth_failure(self) -> bool:
        # ccxt treats a bare "Invalid listen key" frame as auth failure (unverified in MEXC docs).
        return "invalid listen key" in self.text.lower()


Reply = Ack | Refusal | Pong | ServerNotice

_REFUSED = "Not Subscribed successfully"
_BRACKETS = re.compile(r"\[(.*?)\]")
_REASON = re.compile(r"Reason\s*[：:]\s*(.*)$", re.DOTALL)


def parse_text(text: str) -> Reply:
    """Read a JSON text frame: an ack, a refusal (code 0 all the same), a PONG or a notice."""
    try:
        data = json.loads(text)
    except ValueError:
        return ServerNotice(text)
    if not isinstance(data, dict):
        return ServerNotice(text)
    msg, code = str(data.get("msg", "")), data.get("code")
    given = data.get("id")
    request_id = given if isinstance(given, int) else 0
    if code not in (0, "0") or not msg:
        return ServerNotice(text)
    if msg.upper() == "PONG":
        return Pong(request_id)
    if msg.startswith(_REFUSED):
        listed = _BRACKETS.search(msg)
        reason = _REASON.search(msg)
        return Refusal(_split(listed.group(1) if listed else ""),
                       reason.group(1).strip() if reason else msg)
    return Ack(request_id, _split(msg))


def _split(joined: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in joined.split(",") if part.strip())


# --- binary pushes ----------------------------------------------------------------------------


@attrs.frozen
class BookTickerPush:
    """Best bid and ask of a symbol (aggregated book ticker, or one item of a batch)."""

    symbol: str
    bid: Decimal
    bid_qty: Decimal
    ask: Decimal
    ask_qty: Decimal
    time_ms: int


@attrs.frozen
class PublicDeal:
    price: Decimal
    qty: Decimal
    taker_side: Side
    time_ms: int


@attrs.frozen
class DealsPush:
    """Trades of a symbol, in the push's order (MEXC documents none: read `time_ms`)."""

    symbol: str
    deals: tuple[PublicDeal, ...]
    time_ms: int


@attrs.frozen
class LimitDepthPush:
    """The top levels of a book (5, 10 or 20 a side), best first."""

    symbol: str
    bids: tuple[BookLevel, ...]
    asks: tuple[BookLevel, ...]
    version: int
    time_ms: int


@attrs.frozen
class DepthDiffPush:
    """Changed levels covering book versions `from_version`..`to_version`; qty 0 removes."""

    symbol: str
    bids: tuple[BookLevel, ...]
    asks: tuple[BookLevel, ...]
    from_version: int
    to_version: int
    time_ms: int


@attrs.frozen
class KlinePush:
    """The forming (or just completed) candle; MEXC sends its times in seconds."""

    symbol: str
    interval: str
    candle: Candle
    close_time_ms: int
    time_ms: int


@attrs.frozen
class OtherPush:
    """A push of a kind no reader here needs (mini tickers, raw depth): kept by name only."""

    channel: str
    kind: str


def parse_wrapper(frame: bytes) -> PushDataV3ApiWrapper:
    """Parse a binary frame into the wrapper; FrameError when it is not one or has no body."""
    wrapper = PushDataV3ApiWrapper()
    try:
        wrapper.ParseFromString(frame)
    except (DecodeError, ValueError) as e:
        raise FrameError(f"MEXC push: not a PushDataV3ApiWrapper ({len(frame)} bytes)") from e
    if wrapper.WhichOneof("body") is None:
        raise FrameError(f"MEXC push without a body on channel {wrapper.channel!r}")
    return wrapper


def decode_frame(frame: bytes) -> Push:
    """Decode a binary frame into its typed push."""
    return decode_push(parse_wrapper(frame))


def decode_push(wrapper: PushDataV3ApiWrapper) -> Push:
    """Turn a parsed wrapper into its typed push (FrameError on unreadable values)."""
    kind = wrapper.WhichOneof("body")
    reader = _READERS.get(kind or "")
    if reader is None:
        return OtherPush(wrapper.channel, kind or "")
    try:
        return reader(wrapper)
    except (InvalidOperation, ValueError, TypeError) as e:
        raise FrameError(f"MEXC push on {wrapper.channel!r}: {e}") from e


def channel_symbol(channel: str) -> str:
    """Return the symbol named in a public channel (`…@100ms@BTCUSDT`, `…@BTCUSDT@Min1`)."""
    for part in channel.split("@")[2:]:
        if part.isalnum() and part.isupper():
            return part
    raise FrameError(f"MEXC channel names no symbol: {channel!r}")


def _symbol(wrapper: PushDataV3ApiWrapper) -> str:
    return wrapper.symbol if wrapper.HasField("symbol") else channel_symbol(wrapper.channel)


def _time_ms(wrapper: PushDataV3ApiWrapper) -> int:
    return int(wrapper.sendTime or wrapper.createTime)


def dec(text: str, what: str) -> Decimal:
    """Parse MEXC's decimal text; empty, NaN or infinite text is an error."""
    try:
        value = Decimal(text) if text else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValueError(f"{what} is not a number: {text!r}")
    return value


def dec_or_zero(text: str, what: str) -> Decimal:
    """Parse decimal text that proto3 leaves out when it is zero."""
    return dec(text, what) if text else ZERO


def side(trade_type: int) -> Side:
    """Map MEXC's tradeType (1 buy, 2 sell) to a Side."""
    if trade_type not in (1, 2):
        raise ValueError(f"tradeType must be 1 or 2, not {trade_type}")
    return Side.BUY if trade_type == 1 else Side.SELL


def _levels(items: Iterable[Any], what: str) -> tuple[BookLevel, ...]:
    return tuple(BookLevel(dec(i.price, f"{what} price"), dec(i.quantity, f"{what} quantity"))
                 for i in items)


def _version(text: str, what: str) -> int:
    if not text.isdigit():
        raise ValueError(f"{what} is not a version number: {text!r}")
    return int(text)


def _book_ticker(wrapper: PushDataV3ApiWrapper) -> BookTickerPush:
    body = getattr(wrapper, wrapper.WhichOneof("body") or "")
    return BookTickerPush(
        _symbol(wrapper), dec(body.bidPrice, "bidPrice"), dec(body.bidQuantity, "bidQuantity"),
        dec(body.askPrice, "askPrice"), dec(body.askQuantity, "askQuantity"), _time_ms(wrapper))


def _deals(wrapper: PushDataV3ApiWrapper) -> DealsPush:
    body = getattr(wrapper, wrapper.WhichOneof("body") or "")
    deals = tuple(PublicDeal(dec(d.price, "deal price"), dec(d.quantity, "deal quantity"),
                             side(d.tradeType), int(d.time)) for d in body.deals)
    return DealsPush(_symbol(wrapper), deals, _time_ms(wrapper))


def _limit_depth(wrapper: PushDataV3ApiWrapper) -> LimitDepthPush:
    body = wrapper.publicLimitDepths
    return LimitDepthPush(_symbol(wrapper), _levels(body.bids, "bid"), _levels(body.asks, "ask"),
                          _version(body.version, "version"), _time_ms(wrapper))


def _depth_diff(wrapper: PushDataV3ApiWrapper) -> DepthDiffPush:
    body = wrapper.publicAggreDepths
    first = _version(body.fromVersion, "fromVersion")
    last = _version(body.toVersion, "toVersion")
    if last < first:
        raise ValueError(f"toVersion {last} is before fromVersion {first}")
    return DepthDiffPush(_symbol(wrapper), _levels(body.bids, "bid"), _levels(body.asks, "ask"),
                         first, last, _time_ms(wrapper))


def _kline(wrapper: PushDataV3ApiWrapper) -> KlinePush:
    body = wrapper.publicSpotKline
    candle = Candle(
        open_time_ms=int(body.windowStart) * 1000, open=dec(body.openingPrice, "openingPrice"),
        high=dec(body.highestPrice, "highestPrice"), low=dec(body.lowestPrice, "lowestPrice"),
        close=dec(body.closingPrice, "closingPrice"), volume=dec_or_zero(body.volume, "volume"),
        quote_volume=dec_or_zero(body.amount, "amount"))
    return KlinePush(_symbol(wrapper), body.interval, candle, int(body.windowEnd) * 1000,
                     _time_ms(wrapper))



# --- private pushes (the user-data stream) ----------------------------------------------------


@attrs.frozen
class OrderPush:
    """One own order's state (`spot@private.orders.v3.api.pb`); status 5 is terminal."""

    symbol: str
    order_id: str
    client_order_id: str  # `clientId` in this push, `clientOrderId` in the deals push
    side: Side
    order_type: OrderType | None  # None: a stop-loss/take-profit order (type 100) or unknown
    status: OrderStatus
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    avg_price: Decimal
    executed_qty: Decimal
    executed_quote_qty: Decimal
    remaining_qty: Decimal
    remaining_quote_qty: Decimal
    last_fill_qty: Decimal | None
    is_maker: bool
    create_time_ms: int
    time_ms: int


@attrs.frozen
class OwnDealPush:
    """One own fill (`spot@private.deals.v3.api.pb`)."""

    symbol: str
    trade_id: str
    order_id: str
    client_order_id: str
    side: Side
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    fee: Decimal
    fee_asset: str
    is_maker: bool
    is_self_trade: bool
    fill_time_ms: int
    time_ms: int


@attrs.frozen
class AccountPush:
    """One asset's balance after a change (`spot@private.account.v3.api.pb`)."""

    asset: str
    free: Decimal
    free_change: Decimal
    locked: Decimal
    locked_change: Decimal
    change_type: str  # ENTRUST, ENTRUST_PLACE, DEPOSIT, TRADE_FEE, ...
    settle_time_ms: int
    time_ms: int


Push = (BookTickerPush | DealsPush | LimitDepthPush | DepthDiffPush | KlinePush | OrderPush
        | OwnDealPush | AccountPush | OtherPush)


# MEXC's push codes; 5 = partially filled then canceled, terminal (ccxt: closed).
_ORDER_STATUS = {1: OrderStatus.NEW, 2: OrderStatus.FILLED, 3: OrderStatus.PARTIALLY_FILLED,
                 4: OrderStatus.CANCELED, 5: OrderStatus.PARTIALLY_CANCELED}
_ORDER_TYPE = {1: OrderType.LIMIT, 2: OrderType.LIMIT_MAKER, 3: OrderType.IMMEDIATE_OR_CANCEL,
               4: OrderType.FILL_OR_KILL, 5: OrderType.MARKET}


def _order(wrapper: PushDataV3ApiWrapper) -> OrderPush:
    o = wrapper.privateOrders
    if o.status not in _ORDER_STATUS:
        raise ValueError(f"unknown order status {o.status}")
    last = o.lastDealQuantity if o.HasField("lastDealQuantity") else ""
    return OrderPush(
        symbol=_symbol_or_market(wrapper), order_id=o.id, client_order_id=o.clientId,
        side=side(o.tradeType), order_type=_ORDER_TYPE.get(o.orderType),
        status=_ORDER_STATUS[o.status], price=dec_or_zero(o.price, "price"),
        qty=dec_or_zero(o.quantity, "quantity"), quote_qty=dec_or_zero(o.amount, "amount"),
        avg_price=dec_or_zero(o.avgPrice, "avgPrice"),
        executed_qty=dec_or_zero(o.cumulativeQuantity, "cumulativeQuantity"),
        executed_quote_qty=dec_or_zero(o.cumulativeAmount, "cumulativeAmount"),
        remaining_qty=dec_or_zero(o.remainQuantity, "remainQuantity"),
        remaining_quote_qty=dec_or_zero(o.remainAmount, "remainAmount"),
        last_fill_qty=dec(last, "lastDealQuantity") if last else None,
        is_maker=o.isMaker, create_time_ms=int(o.createTime), time_ms=_time_ms(wrapper))


def _symbol_or_market(wrapper: PushDataV3ApiWrapper) -> str:
    if wrapper.HasField("symbol") and wrapper.symbol:
        return wrapper.symbol
    raise ValueError("the push names no symbol")


def _own_deal(wrapper: PushDataV3ApiWrapper) -> OwnDealPush:
    d = wrapper.privateDeals
    return OwnDealPush(
        symbol=_symbol_or_market(wrapper), trade_id=d.tradeId, order_id=d.orderId,
        client_order_id=d.clientOrderId, side=side(d.tradeType), price=dec(d.price, "price"),
        qty=dec(d.quantity, "quantity"), quote_qty=dec_or_zero(d.amount, "amount"),
        fee=dec_or_zero(d.feeAmount, "feeAmount"), fee_asset=d.feeCurrency,
        is_maker=d.isMaker, is_self_trade=d.isSelfTrade, fill_time_ms=int(d.time),
        time_ms=_time_ms(wrapper))


def _account(wrapper: PushDataV3ApiWrapper) -> AccountPush:
    a = wrapper.privateAccount
    if not a.vcoinName:
        raise ValueError("the account push names no asset")
    return AccountPush(
        asset=a.vcoinName, free=dec_or_zero(a.balanceAmount, "balanceAmount"),
        free_change=dec_or_zero(a.balanceAmountChange, "balanceAmountChange"),
        locked=dec_or_zero(a.frozenAmount, "frozenAmount"),
        locked_change=dec_or_zero(a.frozenAmountChange, "frozenAmountChange"),
        change_type=a.type, settle_time_ms=int(a.time), time_ms=_time_ms(wrapper))


_READERS: dict[str, Callable[[PushDataV3ApiWrapper], Push]] = {
    "publicAggreBookTicker": _book_ticker, "publicBookTicker": _book_ticker,
    "publicAggreDeals": _deals, "publicDeals": _deals, "publicLimitDepths": _limit_depth,
    "publicAggreDepths": _depth_diff, "publicSpotKline": _kline,
    "privateOrders": _order, "privateDeals": _own_deal, "privateAccount": _account,
}
