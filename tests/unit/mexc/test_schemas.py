from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.mexc.support import recorded, sample

from adapters.fake import default_rules
from adapters.mexc.schemas import (
    envelope_error,
    parse_account,
    parse_cancel_ack,
    parse_depth,
    parse_exchange_info,
    parse_fills,
    parse_json,
    parse_klines,
    parse_order,
    parse_server_time,
    parse_symbol_list,
    parse_ticker,
    parse_tickers,
    parse_trade_fee,
)
from adapters.sandbox.render import exchange_info
from mexcore.errors import ExchangeDataError
from mexcore.trade_side import may_trade
from mexcore.values import OrderStatus, OrderType, Side, SymbolStatus, TradeSide

API_SYMBOLS = parse_symbol_list(recorded("/api/v3/defaultSymbols"))


def test_default_symbols_exclude_btcusdt_and_include_the_usdc_pairs() -> None:
    assert "BTCUSDT" not in API_SYMBOLS
    assert "ETHUSDT" not in API_SYMBOLS
    assert {"BTCUSDC", "ETHUSDC", "USDCUSDT"} <= API_SYMBOLS
    assert len(API_SYMBOLS) == 1991


def test_exchange_info_btcusdt_rules_come_from_precisions_and_band() -> None:
    rules = parse_exchange_info(recorded("/api/v3/exchangeInfo"), API_SYMBOLS)["BTCUSDT"]
    assert rules.qty_step == Decimal("0.00000001")
    assert rules.price_tick == Decimal("0.01")
    assert rules.min_qty == Decimal("0.000001")
    assert rules.min_notional == rules.min_notional_market == Decimal(1)
    assert rules.max_notional == rules.max_notional_market == Decimal(4000000)
    assert rules.bid_multiplier_up == rules.ask_multiplier_down == Decimal("0.005")
    assert rules.maker_fee == 0
    assert rules.taker_fee == Decimal("0.0005")
    assert rules.status is SymbolStatus.ONLINE


def test_exchange_info_btcusdt_is_not_api_tradeable() -> None:
    rules = parse_exchange_info(recorded("/api/v3/exchangeInfo"), API_SYMBOLS)
    assert not rules["BTCUSDT"].api_tradeable
    assert not rules["BTCUSDT"].tradeable


def test_exchange_info_alts_with_zero_base_size_have_no_minimum_quantity() -> None:
    rules = parse_exchange_info(recorded("/api/v3/exchangeInfo"), None)
    assert rules["PYTHUSDT"].min_qty == 0
    assert rules["PYTHUSDT"].bid_multiplier_up == Decimal("0.02")
    assert rules["METALUSDT"].max_notional_market == Decimal(100000)
    assert rules["RARIUSDT"].qty_step == Decimal("0.01")
    assert rules["RARIUSDT"].price_tick == Decimal("0.0001")
    assert all(r.api_tradeable for s, r in rules.items() if s != "BTCUSDT")


def test_exchange_info_accepts_ioc_and_fok_when_limit_is_listed() -> None:
    rules = parse_exchange_info(recorded("/api/v3/exchangeInfo", "symbol=BTCUSDT"), None)
    assert rules["BTCUSDT"].order_types == frozenset(OrderType)


@pytest.mark.parametrize(("status", "expected"), [
    ("1", SymbolStatus.ONLINE), ("ENABLED", SymbolStatus.ONLINE), ("2", SymbolStatus.PAUSED),
    ("3", SymbolStatus.OFFLINE), ("HALT", SymbolStatus.OFFLINE)])
def test_exchange_info_status_old_and_new_spellings(status: str, expected: SymbolStatus) -> None:
    data = recorded("/api/v3/exchangeInfo", "symbol=BTCUSDT")
    row = {**data["symbols"][0], "status": status}
    assert parse_exchange_info({"symbols": [row]}, None)["BTCUSDT"].status is expected


def test_exchange_info_symbol_without_precision_is_a_data_error() -> None:
    row = dict(recorded("/api/v3/exchangeInfo", "symbol=BTCUSDT")["symbols"][0])
    del row["quotePrecision"]
    with pytest.raises(ExchangeDataError, match="quotePrecision"):
        parse_exchange_info({"symbols": [row]}, None)


def test_server_time_reads_the_recorded_answer() -> None:
    assert parse_server_time(recorded("/api/v3/time")) == 1767211150479


def test_klines_rows_become_candles_with_exact_decimals() -> None:
    query = "endTime=1767204403384&interval=5m&startTime=1767204283384&symbol=BTCUSDT"
    (candle,) = parse_klines(recorded("/api/v3/klines", query))
    assert candle.open_time_ms == 1767204300000
    assert (candle.open, candle.high, candle.low, candle.close) == (
        Decimal("87667.2"), Decimal("87904.15"), Decimal("87635.56"), Decimal("87868.15"))
    assert candle.volume == Decimal("72.17327432")
    assert candle.quote_volume == Decimal("6339710.08")


def test_depth_keeps_order_and_reads_the_extra_timestamp() -> None:
    book = parse_depth("BTCUSDT", recorded("/api/v3/depth", "limit=10&symbol=BTCUSDT"))
    assert book.best_bid == Decimal("87900.00")
    assert book.best_ask == Decimal("87903.98")
    assert book.time_ms == 1767205854814
    assert [b.price for b in book.bids] == sorted((b.price for b in book.bids), reverse=True)


def test_ticker_single_uses_open_and_last_for_the_change_fraction() -> None:
    ticker = parse_ticker(recorded("/api/v3/ticker/24hr", "symbol=BTCUSDT"))
    assert ticker.last_price == Decimal(87904)
    assert ticker.quote_volume == Decimal("677764373.43")
    assert ticker.bid == Decimal("87903.99")
    assert round(ticker.change_pct, 4) == Decimal("-0.0056")


def test_tickers_list_parses_every_recorded_row() -> None:
    tickers, problems = parse_tickers(recorded("/api/v3/ticker/24hr"))
    assert problems == []
    assert "METALUSDT" in tickers
    assert tickers["METALUSDT"].ask == Decimal("0.16254")


def test_tickers_list_skips_a_row_with_nan_and_says_why() -> None:
    rows = [*recorded("/api/v3/ticker/24hr"), {"symbol": "BADUSDT", "lastPrice": "NaN"}]
    tickers, problems = parse_tickers(rows)
    assert "BADUSDT" not in tickers
    assert "lastPrice" in problems[0]


def test_account_balances_and_withdraw_permission() -> None:
    account = parse_account(sample("account"))
    assert account.balances["USDT"].free == Decimal("25789.44")
    assert account.balances["SOL"].total == Decimal("0.009678398")
    assert account.can_withdraw is True
    assert account.permissions == ("SPOT",)


def test_order_filled_gives_average_price_from_quote_over_quantity() -> None:
    order = parse_order(sample("order_filled"))
    assert order.status is OrderStatus.FILLED
    assert order.side is Side.SELL
    assert order.avg_price == Decimal("17.341")
    assert order.update_time_ms == 1757177392000


def test_order_with_times_as_strings_and_null_client_id_uses_the_given_id() -> None:
    order = parse_order(sample("order_canceled_strings"), "mxabc")
    assert order.client_order_id == "mxabc"
    assert order.time_ms == 1647667102000
    assert order.orig_quote_qty == Decimal(6)


def test_open_order_with_null_update_time_uses_creation_time() -> None:
    order = parse_order(sample("open_orders")[0])
    assert order.update_time_ms == order.time_ms == 1695571596791


def test_cancel_ack_reporting_new_becomes_canceled() -> None:
    order = parse_cancel_ack(sample("cancel_ack"), "mxabc")
    assert order.status is OrderStatus.CANCELED
    assert order.client_order_id == "mxabc"


def test_fills_take_side_from_is_buyer_and_fee_in_the_quote_asset() -> None:
    buy, sell = parse_fills(sample("my_trades"))
    assert (buy.side, buy.fee, buy.fee_asset, buy.is_maker) == (
        Side.BUY, Decimal("0.0015"), "USDT", False)
    assert sell.side is Side.SELL
    assert sell.time_ms == 1707671871000
    assert sell.quote_qty == Decimal("5.54124")


def test_trade_fee_numbers_are_read_exactly_not_through_float() -> None:
    fees = parse_trade_fee(parse_json(b'{"data":{"makerCommission":0.003000000000000000,'
                                      b'"takerCommission":0.1},"code":0}'))
    assert fees.maker == Decimal("0.003000000000000000")
    assert fees.taker == Decimal("0.1")


def test_self_symbols_envelope_lists_symbols() -> None:
    assert parse_symbol_list(sample("self_symbols")) == {"SNTUSDT", "CGPTUSDT", "HEGICUSDT"}


def test_parse_json_refuses_html_and_nan() -> None:
    with pytest.raises(ExchangeDataError, match="not JSON"):
        parse_json(b"<html><body>Access Denied</body></html>")
    with pytest.raises(ExchangeDataError, match="non-finite"):
        parse_json(b'{"price": NaN}')


def test_envelope_error_sees_error_bodies_but_not_successful_envelopes() -> None:
    assert envelope_error(sample("errors.not_api")) == (10007, "symbol not support api")
    assert envelope_error(sample("self_symbols")) is None
    assert envelope_error({"code": 200, "data": []}) is None
    assert envelope_error([1, 2]) is None


def test_order_with_unknown_status_is_a_data_error() -> None:
    with pytest.raises(ExchangeDataError, match="status"):
        parse_order({**sample("order_filled"), "status": "EXPIRED_IN_MATCH"})


@given(st.decimals(allow_nan=False, allow_infinity=False, places=18,
                   min_value=Decimal(0), max_value=Decimal(10) ** 12))
def test_decimal_strings_round_trip_exactly_through_the_parsers(value: Decimal) -> None:
    row = {**sample("my_trades")[0], "price": str(value), "qty": format(value, "f")}
    (fill,) = parse_fills([row])
    assert fill.price == value
    assert fill.qty == value


def test_exchange_info_recorded_trade_side_type_1_allows_both_sides() -> None:
    rules = parse_exchange_info(recorded("/api/v3/exchangeInfo"), None)
    assert all(r.trade_side is TradeSide.ALL for r in rules.values())
    assert may_trade(rules["METALUSDT"], Side.BUY)
    assert may_trade(rules["METALUSDT"], Side.SELL)


@pytest.mark.parametrize(("raw", "expected", "buy", "sell"), [
    (1, TradeSide.ALL, True, True), ("1", TradeSide.ALL, True, True),
    (2, TradeSide.BUY_ONLY, True, False), ("2", TradeSide.BUY_ONLY, True, False),
    (3, TradeSide.SELL_ONLY, False, True), ("3", TradeSide.SELL_ONLY, False, True),
    (4, TradeSide.NONE, False, False), (7, TradeSide.NONE, False, False),
    ("close", TradeSide.NONE, False, False), (None, TradeSide.ALL, True, True)])
def test_exchange_info_trade_side_type_decides_which_sides_may_trade(
    raw: object, expected: TradeSide, buy: bool, sell: bool
) -> None:
    row = dict(recorded("/api/v3/exchangeInfo", "symbol=BTCUSDT")["symbols"][0])
    row["isSpotTradingAllowed"] = True
    if raw is None:
        del row["tradeSideType"]  # the payloads before Aug 2024 had no such field
    else:
        row["tradeSideType"] = raw
    rules = parse_exchange_info({"symbols": [row]}, None)["BTCUSDT"]
    assert rules.trade_side is expected
    assert (may_trade(rules, Side.BUY), may_trade(rules, Side.SELL)) == (buy, sell)
    assert rules.tradeable is (expected is not TradeSide.NONE)


@pytest.mark.parametrize("side", list(TradeSide))
def test_the_sandbox_renders_trade_side_type_as_the_parser_reads_it(side: TradeSide) -> None:
    rules = attrs.evolve(default_rules()["ADAUSDT"], trade_side=side)
    info = exchange_info([rules], 0)
    assert parse_exchange_info(info, None)["ADAUSDT"].trade_side is side
