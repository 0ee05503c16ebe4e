import contextlib
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.ws_frames import (
    PING,
    AccountPush,
    Ack,
    BookTickerPush,
    DealsPush,
    DepthDiffPush,
    FrameError,
    KlinePush,
    LimitDepthPush,
    OrderPush,
    OtherPush,
    OwnDealPush,
    Pong,
    Refusal,
    ServerNotice,
    channel_symbol,
    decode_frame,
    parse_text,
    subscribe_message,
    unsubscribe_message,
)
from mexcore.values import BookLevel, OrderStatus, OrderType, Side

BOOK = "spot@public.aggre.bookTicker.v3.api.pb@100ms@BTCUSDT"


def frame(channel: str, symbol: str | None = "BTCUSDT", **fields: object) -> PushDataV3ApiWrapper:
    wrapper = PushDataV3ApiWrapper(channel=channel, sendTime=1_755_973_886_309, **fields)
    if symbol is not None:
        wrapper.symbol = symbol
    return wrapper


def test_an_aggregated_book_ticker_decodes_to_decimals() -> None:
    wrapper = frame(BOOK)
    wrapper.publicAggreBookTicker.bidPrice = "93387.28"
    wrapper.publicAggreBookTicker.bidQuantity = "3.73485"
    wrapper.publicAggreBookTicker.askPrice = "93387.29"
    wrapper.publicAggreBookTicker.askQuantity = "7.669875"
    push = decode_frame(wrapper.SerializeToString())
    assert push == BookTickerPush("BTCUSDT", Decimal("93387.28"), Decimal("3.73485"),
                                  Decimal("93387.29"), Decimal("7.669875"), 1_755_973_886_309)


def test_a_push_without_symbol_takes_it_from_the_channel() -> None:
    wrapper = frame(BOOK, symbol=None)
    wrapper.publicAggreBookTicker.MergeFrom(wrapper.publicAggreBookTicker.__class__(
        bidPrice="1", bidQuantity="2", askPrice="3", askQuantity="4"))
    push = decode_frame(wrapper.SerializeToString())
    assert isinstance(push, BookTickerPush)
    assert push.symbol == "BTCUSDT"


def test_aggregated_deals_decode_with_the_taker_side() -> None:
    wrapper = frame("spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT")
    wrapper.publicAggreDeals.deals.add(price="93220.00", quantity="0.04438243", tradeType=2,
                                       time=1_736_409_765_051)
    wrapper.publicAggreDeals.deals.add(price="93221.5", quantity="0.1", tradeType=1, time=7)
    push = decode_frame(wrapper.SerializeToString())
    assert isinstance(push, DealsPush)
    assert [(d.price, d.qty, d.taker_side, d.time_ms) for d in push.deals] == [
        (Decimal("93220.00"), Decimal("0.04438243"), Side.SELL, 1_736_409_765_051),
        (Decimal("93221.5"), Decimal("0.1"), Side.BUY, 7)]


def test_limit_depth_decodes_the_levels_and_version() -> None:
    wrapper = frame("spot@public.limit.depth.v3.api.pb@BTCUSDT@5")
    wrapper.publicLimitDepths.bids.add(price="100.5", quantity="2")
    wrapper.publicLimitDepths.asks.add(price="100.6", quantity="0.3")
    wrapper.publicLimitDepths.version = "36913293511"
    push = decode_frame(wrapper.SerializeToString())
    assert push == LimitDepthPush("BTCUSDT", (BookLevel("100.5", "2"),),
                                  (BookLevel("100.6", "0.3"),), 36_913_293_511, 1_755_973_886_309)


def test_aggregated_depth_decodes_its_version_range_and_removals() -> None:
    wrapper = frame("spot@public.aggre.depth.v3.api.pb@100ms@BTCUSDT")
    wrapper.publicAggreDepths.asks.add(price="92877.58", quantity="0.00000000")
    wrapper.publicAggreDepths.fromVersion = "10589632359"
    wrapper.publicAggreDepths.toVersion = "10589632360"
    push = decode_frame(wrapper.SerializeToString())
    assert isinstance(push, DepthDiffPush)
    assert (push.from_version, push.to_version) == (10_589_632_359, 10_589_632_360)
    assert push.asks == (BookLevel("92877.58", "0"),)
    assert push.bids == ()


def test_a_depth_push_whose_versions_run_backwards_is_malformed() -> None:
    wrapper = frame("spot@public.aggre.depth.v3.api.pb@100ms@BTCUSDT")
    wrapper.publicAggreDepths.fromVersion = "11"
    wrapper.publicAggreDepths.toVersion = "10"
    with pytest.raises(FrameError, match="before fromVersion"):
        decode_frame(wrapper.SerializeToString())


def test_a_min1_kline_turns_its_second_times_into_milliseconds() -> None:
    wrapper = frame("spot@public.kline.v3.api.pb@BTCUSDT@Min1")
    k = wrapper.publicSpotKline
    k.interval, k.windowStart, k.windowEnd = "Min1", 1_736_410_380, 1_736_410_440
    k.openingPrice, k.closingPrice = "92925", "92925.01"
    k.highestPrice, k.lowestPrice = "92925.01", "92924.98"
    k.volume, k.amount = "0.00111", "103.14"
    push = decode_frame(wrapper.SerializeToString())
    assert isinstance(push, KlinePush)
    assert push.interval == "Min1"
    assert push.candle.open_time_ms == 1_736_410_380_000
    assert push.close_time_ms == 1_736_410_440_000
    assert (push.candle.open, push.candle.high, push.candle.low, push.candle.close) == (
        Decimal("92925"), Decimal("92925.01"), Decimal("92924.98"), Decimal("92925.01"))
    assert (push.candle.volume, push.candle.quote_volume) == (Decimal("0.00111"),
                                                              Decimal("103.14"))


def test_an_order_push_decodes_client_id_and_terminal_status_five() -> None:
    wrapper = frame("spot@private.orders.v3.api.pb")
    o = wrapper.privateOrders
    o.id, o.clientId, o.price, o.quantity = "C02__1", "mexbot-dca-7", "50000", "0.002"
    o.amount, o.avgPrice, o.orderType, o.tradeType = "100", "50000", 1, 1
    o.remainQuantity, o.remainAmount = "0.001", "50"
    o.cumulativeQuantity, o.cumulativeAmount = "0.001", "50"
    o.lastDealQuantity, o.status, o.createTime = "0.001", 5, 1_700_000_000_000
    push = decode_frame(wrapper.SerializeToString())
    assert isinstance(push, OrderPush)
    assert (push.client_order_id, push.order_id, push.side) == ("mexbot-dca-7", "C02__1", Side.BUY)
    assert (push.status, push.order_type) == (OrderStatus.PARTIALLY_CANCELED, OrderType.LIMIT)
    assert not push.status.is_open
    assert (push.executed_qty, push.last_fill_qty, push.remaining_qty) == (
        Decimal("0.001"), Decimal("0.001"), Decimal("0.001"))


def test_an_order_push_without_a_fill_has_no_last_fill_quantity() -> None:
    wrapper = frame("spot@private.orders.v3.api.pb")
    wrapper.privateOrders.MergeFrom(wrapper.privateOrders.__class__(
        id="1", clientId="c", price="1", quantity="2", orderType=5, tradeType=2, status=1))
    push = decode_frame(wrapper.SerializeToString())
    assert isinstance(push, OrderPush)
    assert push.last_fill_qty is None
    assert push.executed_qty == Decimal(0)
    assert (push.side, push.order_type, push.status) == (Side.SELL, OrderType.MARKET,
                                                         OrderStatus.NEW)


def test_an_own_deal_push_decodes_fee_and_ids() -> None:
    wrapper = frame("spot@private.deals.v3.api.pb")
    d = wrapper.privateDeals
    d.price, d.quantity, d.amount, d.tradeType = "1.804", "0.01", "0.01804", 2
    d.isMaker, d.tradeId, d.clientOrderId = True, "505979017439002624X1", "mexbot-x"
    d.orderId, d.feeAmount, d.feeCurrency, d.time = "C02__5", "0.000009", "USDT", 1_736_417_034
    push = decode_frame(wrapper.SerializeToString())
    assert isinstance(push, OwnDealPush)
    assert (push.trade_id, push.client_order_id, push.side) == (
        "505979017439002624X1", "mexbot-x", Side.SELL)
    assert (push.quote_qty, push.fee, push.fee_asset) == (
        Decimal("0.01804"), Decimal("0.000009"), "USDT")
    assert push.is_maker
    assert not push.is_self_trade


def test_an_account_push_needs_no_symbol() -> None:
    wrapper = frame("spot@private.account.v3.api.pb", symbol=None)
    a = wrapper.privateAccount
    a.vcoinName, a.balanceAmount, a.balanceAmountChange = "USDT", "21.94210356004384", "10"
    a.frozenAmount, a.frozenAmountChange, a.type, a.time = "0", "0", "CONTRACT_TRANSFER", 17
    push = decode_frame(wrapper.SerializeToString())
    assert push == AccountPush("USDT", Decimal("21.94210356004384"), Decimal(10), Decimal(0),
                               Decimal(0), "CONTRACT_TRANSFER", 17, 1_755_973_886_309)


def test_a_push_of_a_kind_nobody_reads_is_kept_by_name() -> None:
    wrapper = frame("spot@public.miniTickers.v3.api.pb@UTC+8", symbol=None)
    wrapper.publicMiniTickers.items.add(symbol="BTCUSDT", price="1")
    assert decode_frame(wrapper.SerializeToString()) == OtherPush(
        "spot@public.miniTickers.v3.api.pb@UTC+8", "publicMiniTickers")


@pytest.mark.parametrize("frame_bytes", [b"\xff\xff\xff", b"\x0a\x05ab", b"", b"\x08\x01"])
def test_bytes_that_are_no_wrapper_with_a_body_raise_frame_error(frame_bytes: bytes) -> None:
    with pytest.raises(FrameError):
        decode_frame(frame_bytes)


@pytest.mark.parametrize("price", ["", "abc", "NaN", "Infinity"])
def test_a_price_that_is_no_finite_number_raises_frame_error(price: str) -> None:
    wrapper = frame(BOOK)
    wrapper.publicAggreBookTicker.MergeFrom(wrapper.publicAggreBookTicker.__class__(
        bidPrice=price, bidQuantity="1", askPrice="2", askQuantity="1"))
    with pytest.raises(FrameError, match="bidPrice"):
        decode_frame(wrapper.SerializeToString())


def test_a_deal_with_an_unknown_trade_type_raises_frame_error() -> None:
    wrapper = frame("spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT")
    wrapper.publicAggreDeals.deals.add(price="1", quantity="1", tradeType=3)
    with pytest.raises(FrameError, match="tradeType"):
        decode_frame(wrapper.SerializeToString())


@given(st.binary(max_size=64))
def test_any_bytes_decode_to_a_push_or_raise_frame_error(data: bytes) -> None:
    with contextlib.suppress(FrameError):
        decode_frame(data)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=8,
                   min_value=Decimal(0), max_value=Decimal(10) ** 12))
def test_prices_survive_the_wire_exactly(price: Decimal) -> None:
    wrapper = frame(BOOK)
    wrapper.publicAggreBookTicker.MergeFrom(wrapper.publicAggreBookTicker.__class__(
        bidPrice=str(price), bidQuantity="1", askPrice=str(price), askQuantity="1"))
    push = decode_frame(wrapper.SerializeToString())
    assert isinstance(push, BookTickerPush)
    assert push.bid == price == push.ask


def test_an_ack_lists_the_echoed_channels() -> None:
    reply = parse_text('{"id":3,"code":0,"msg":"spot@a@BTCUSDT,spot@b@ETHUSDT"}')
    assert reply == Ack(3, ("spot@a@BTCUSDT", "spot@b@ETHUSDT"))


def test_a_refusal_is_detected_although_its_code_is_zero() -> None:
    text = ('{"id":0,"code":0,"msg":"Not Subscribed successfully! '
            '[spot@public.deals.v3.api@BTCUSDT,spot@x].  Reason： Blocked! "}')
    assert parse_text(text) == Refusal(("spot@public.deals.v3.api@BTCUSDT", "spot@x"),
                                       "Blocked!")


def test_pong_and_other_texts_are_told_apart() -> None:
    assert parse_text('{"id":0,"code":0,"msg":"PONG"}') == Pong(0)
    assert parse_text("Invalid listen key").is_auth_failure  # type: ignore[union-attr]
    assert parse_text('{"code":1,"msg":"bad"}') == ServerNotice('{"code":1,"msg":"bad"}')
    assert parse_text("[1]") == ServerNotice("[1]")


def test_requests_are_compact_json_with_the_channels() -> None:
    assert json.loads(subscribe_message(["spot@a@BTCUSDT"], 1)) == {
        "method": "SUBSCRIPTION", "params": ["spot@a@BTCUSDT"], "id": 1}
    assert json.loads(unsubscribe_message(["x"], 2))["method"] == "UNSUBSCRIPTION"
    assert json.loads(PING) == {"method": "PING"}
    with pytest.raises(ValueError, match="at least one channel"):
        subscribe_message([], 1)


@pytest.mark.parametrize(("channel", "symbol"), [
    ("spot@public.kline.v3.api.pb@BTCUSDT@Min1", "BTCUSDT"),
    ("spot@public.limit.depth.v3.api.pb@ETHUSDC@5", "ETHUSDC"),
    ("spot@public.aggre.deals.v3.api.pb@10ms@MXUSDT", "MXUSDT"),
])
def test_the_symbol_is_read_from_any_public_channel(channel: str, symbol: str) -> None:
    assert channel_symbol(channel) == symbol
