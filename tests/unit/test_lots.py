from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import money, positive_money, prices_on, steps, symbol_rules

from mexcore.lots import (
    NO_PRICE,
    UNDER_MIN_NOTIONAL,
    UNDER_MIN_NOTIONAL_MARKET,
    UNDER_MIN_QTY,
    ZERO_AFTER_ROUNDING,
    BelowMinimum,
    SizedOrder,
    band_limit,
    ceil_to_step,
    clamp_to_band,
    coarser_rules,
    floor_to_step,
    resize_coarser,
    round_price,
    round_qty,
    round_quote,
    size_limit_order,
    size_market_buy,
    size_market_sell,
    within_band,
)
from mexcore.values import OrderType, Side, SymbolRules

D = Decimal
BTC = SymbolRules(
    symbol="BTCUSDC", base="BTC", quote="USDC", qty_step=D("0.000001"), price_tick=D("0.01"),
    min_qty=D("0.000001"), min_notional=D(5), min_notional_market=D(5),
    max_notional=D(4_000_000), max_notional_market=D(4_000_000),
    bid_multiplier_up=D("0.005"), ask_multiplier_down=D("0.005"),
)
ADA = SymbolRules(
    symbol="ADAUSDT", base="ADA", quote="USDT", qty_step=D("0.01"), price_tick=D("0.0001"),
    min_notional=D(1), min_notional_market=D(1), max_notional_market=D(100_000),
    bid_multiplier_up=D("0.2"), ask_multiplier_down=D("0.2"),
)


def on_step(value: Decimal, step: Decimal) -> bool:
    return value % step == 0


def test_round_qty_down_below_step_returns_zero() -> None:
    assert round_qty(D("0.0000009"), BTC) == 0


def test_round_qty_rounds_down_to_the_step() -> None:
    assert round_qty(D("0.0012345678"), BTC) == D("0.001234")


def test_round_price_rounds_a_buy_down_and_a_sell_up() -> None:
    assert round_price(D("65000.129"), Side.BUY, BTC) == D("65000.12")
    assert round_price(D("65000.121"), Side.SELL, BTC) == D("65000.13")


def test_round_quote_rounds_down_to_the_quote_step() -> None:
    assert round_quote(D("12.34567"), ADA) == D("12.3456")


def test_floor_and_ceil_refuse_a_non_positive_step() -> None:
    with pytest.raises(ValueError, match="step"):
        floor_to_step(D(1), D(0))
    with pytest.raises(ValueError, match="step"):
        ceil_to_step(D(1), D(-1))


def test_size_limit_order_returns_exact_quantity_and_price() -> None:
    sized = size_limit_order(BTC, Side.BUY, D("0.0012345678"), D("65000.129"))
    assert sized == SizedOrder("BTCUSDC", Side.BUY, OrderType.LIMIT, quantity=D("0.001234"),
                               price=D("65000.12"), ref_price=D("65000.12"))
    assert sized.notional == D("80.21014808")


def test_size_limit_order_under_min_notional_is_typed() -> None:
    sized = size_limit_order(BTC, Side.BUY, D("0.00005"), D(65000))
    assert sized == BelowMinimum("BTCUSDC", UNDER_MIN_NOTIONAL, D(5), D("3.25"))
    assert "need 5" in str(sized)


def test_size_limit_order_zero_after_rounding_is_typed() -> None:
    sized = size_limit_order(BTC, Side.SELL, D("0.0000001"), D(65000))
    assert isinstance(sized, BelowMinimum)
    assert sized.reason == ZERO_AFTER_ROUNDING


def test_size_limit_order_under_min_qty_is_typed() -> None:
    rules = attrs.evolve(ADA, min_qty=D(10))
    sized = size_limit_order(rules, Side.BUY, D("9.99"), D(1))
    assert isinstance(sized, BelowMinimum)
    assert sized.reason == UNDER_MIN_QTY


def test_size_limit_order_with_zero_price_is_typed() -> None:
    sized = size_limit_order(ADA, Side.BUY, D(100), D("0.00001"))
    assert isinstance(sized, BelowMinimum)
    assert sized.reason == NO_PRICE


def test_size_limit_order_caps_at_max_notional() -> None:
    rules = attrs.evolve(ADA, max_notional=D(100))
    sized = size_limit_order(rules, Side.BUY, D(1000), D("0.3"))
    assert isinstance(sized, SizedOrder)
    assert sized.quantity == D("333.33")
    assert sized.capped


def test_size_limit_order_clamps_into_the_band_with_a_reference() -> None:
    sized = size_limit_order(BTC, Side.BUY, D("0.001"), D(70000), OrderType.LIMIT_MAKER, D(65000))
    assert isinstance(sized, SizedOrder)
    assert sized.price == D("65325.00")
    assert sized.type is OrderType.LIMIT_MAKER


def test_size_market_buy_rounds_the_quote_amount_down() -> None:
    sized = size_market_buy(attrs.evolve(ADA, price_tick=D("0.01")), D("12.3456"))
    assert isinstance(sized, SizedOrder)
    assert sized.quote_qty == D("12.34")
    assert sized.request("cid1").quote_qty == D("12.34")
    assert sized.request("cid1").quantity is None


def test_size_market_buy_under_the_market_minimum_is_typed() -> None:
    rules = attrs.evolve(ADA, min_notional=D(0), min_notional_market=D(5))
    sized = size_market_buy(rules, D("4.99"))
    assert isinstance(sized, BelowMinimum)
    assert sized.reason == UNDER_MIN_NOTIONAL_MARKET


def test_size_market_buy_checks_min_qty_against_the_reference_price() -> None:
    rules = attrs.evolve(ADA, min_qty=D(100))
    sized = size_market_buy(rules, D(10), ref_price=D("0.5"))
    assert isinstance(sized, BelowMinimum)
    assert sized.reason == UNDER_MIN_QTY


def test_size_market_buy_caps_at_the_market_maximum() -> None:
    sized = size_market_buy(ADA, D(250_000))
    assert isinstance(sized, SizedOrder)
    assert sized.quote_qty == D(100_000)
    assert sized.capped


def test_size_market_sell_under_the_minimum_is_typed() -> None:
    eth = attrs.evolve(BTC, symbol="ETHUSDC", qty_step=D("0.00001"))
    sized = size_market_sell(eth, D("0.0016666"), D(3000))
    assert sized == BelowMinimum("ETHUSDC", UNDER_MIN_NOTIONAL_MARKET, D(5), D("4.98"))


def test_size_market_sell_without_a_price_is_typed() -> None:
    sized = size_market_sell(ADA, D(100), D(0))
    assert isinstance(sized, BelowMinimum)
    assert sized.reason == NO_PRICE


def test_band_limits_of_a_half_percent_band() -> None:
    assert band_limit(Side.BUY, D(100), BTC) == D("100.5")
    assert band_limit(Side.SELL, D(100), BTC) == D("99.5")
    assert band_limit(Side.BUY, D(100), attrs.evolve(BTC, bid_multiplier_up=None)) is None
    assert band_limit(Side.SELL, D(100), attrs.evolve(BTC, ask_multiplier_down=None)) is None


def test_within_band_accepts_the_edge_and_refuses_beyond() -> None:
    assert within_band(D("100.5"), Side.BUY, D(100), BTC)
    assert not within_band(D("100.51"), Side.BUY, D(100), BTC)
    assert within_band(D("99.5"), Side.SELL, D(100), BTC)
    assert not within_band(D("99.49"), Side.SELL, D(100), BTC)


def test_clamp_to_band_lands_on_the_tick_inside() -> None:
    assert clamp_to_band(D(101), Side.BUY, D(100), BTC) == D("100.5")
    assert clamp_to_band(D(99), Side.SELL, D(100), BTC) == D("99.5")
    assert clamp_to_band(D("100.2"), Side.BUY, D(100), BTC) == D("100.2")
    assert clamp_to_band(D("100.123"), Side.BUY, D("100.001"), BTC) == D("100.12")


def test_resize_coarser_drops_one_decimal_of_a_quote_amount() -> None:
    rules = attrs.evolve(ADA, price_tick=D("0.01"))
    sized = size_market_buy(rules, D("12.34"))
    assert isinstance(sized, SizedOrder)
    again = resize_coarser(sized, rules)
    assert isinstance(again, SizedOrder)
    assert again.quote_qty == D("12.3")


def test_resize_coarser_drops_one_decimal_of_a_quantity_and_keeps_the_price() -> None:
    sized = size_limit_order(BTC, Side.BUY, D("0.001234"), D(65000))
    assert isinstance(sized, SizedOrder)
    again = resize_coarser(sized, BTC)
    assert isinstance(again, SizedOrder)
    assert (again.quantity, again.price) == (D("0.00123"), D(65000))
    assert coarser_rules(BTC, sized).qty_step == D("0.00001")


def test_resize_coarser_of_a_market_sell_can_fall_under_the_minimum() -> None:
    sized = size_market_sell(ADA, D("1.09"), D("0.95"))
    assert isinstance(sized, SizedOrder)
    again = resize_coarser(sized, ADA)
    assert again == BelowMinimum("ADAUSDT", UNDER_MIN_NOTIONAL_MARKET, D(1), D("0.95"))


@given(money("0", "1000000", 12), steps())
def test_floor_to_step_never_exceeds_the_input_and_lands_on_the_step(
    value: Decimal, step: Decimal
) -> None:
    rounded = floor_to_step(value, step)
    assert rounded <= value < rounded + step
    assert on_step(rounded, step)


@given(money("0", "1000000", 12), steps())
def test_ceil_to_step_never_falls_under_the_input_and_lands_on_the_step(
    value: Decimal, step: Decimal
) -> None:
    rounded = ceil_to_step(value, step)
    assert rounded - step < value <= rounded
    assert on_step(rounded, step)


def assert_respects(sized: SizedOrder, rules: SymbolRules, min_notional: Decimal) -> None:
    assert sized.quantity is not None
    assert sized.quantity > 0
    assert on_step(sized.quantity, rules.qty_step)
    assert sized.quantity >= rules.min_qty
    assert sized.notional >= min_notional


@given(symbol_rules(), st.sampled_from(Side), money("0", "1000", 8), st.data())
def test_a_sized_limit_order_never_violates_the_rules(
    rules: SymbolRules, side: Side, qty: Decimal, data: st.DataObject
) -> None:
    ref = data.draw(prices_on(rules.price_tick, 10**6))
    price = data.draw(money("0", str(ref * 2), 10))
    sized = size_limit_order(rules, side, qty, price, band_ref=ref)
    if isinstance(sized, BelowMinimum):
        return
    assert_respects(sized, rules, rules.min_notional)
    assert sized.price is not None
    assert on_step(sized.price, rules.price_tick)
    assert within_band(sized.price, side, ref, rules)
    assert sized.quantity is not None
    assert sized.quantity <= qty
    assert rules.max_notional is None or sized.notional <= rules.max_notional


@given(symbol_rules(), money("0", "1000000", 8), positive_money("100000", 6))
def test_a_sized_market_buy_never_violates_the_rules(
    rules: SymbolRules, quote_qty: Decimal, ref: Decimal
) -> None:
    sized = size_market_buy(rules, quote_qty, ref)
    if isinstance(sized, BelowMinimum):
        assert sized.reason
        return
    assert sized.quote_qty is not None
    assert 0 < sized.quote_qty <= quote_qty
    assert on_step(sized.quote_qty, rules.quote_amount_step)
    assert sized.quote_qty >= rules.min_notional_market
    assert sized.quote_qty / ref >= rules.min_qty
    cap = rules.max_notional_market
    assert cap is None or sized.quote_qty <= cap


@given(symbol_rules(), money("0", "1000", 8), positive_money("100000", 6))
def test_a_sized_market_sell_never_violates_the_rules(
    rules: SymbolRules, qty: Decimal, ref: Decimal
) -> None:
    sized = size_market_sell(rules, qty, ref)
    if isinstance(sized, BelowMinimum):
        return
    assert_respects(sized, rules, rules.min_notional_market)
    assert sized.quantity is not None
    assert sized.quantity <= qty


@given(symbol_rules(), money("0", "1000", 8), positive_money("100000", 6))
def test_a_resized_order_is_never_larger_and_stays_on_the_coarser_step(
    rules: SymbolRules, qty: Decimal, ref: Decimal
) -> None:
    sized = size_market_sell(rules, qty, ref)
    if isinstance(sized, BelowMinimum):
        return
    again = resize_coarser(sized, rules)
    if isinstance(again, SizedOrder):
        assert again.quantity is not None
        assert sized.quantity is not None
        assert again.quantity <= sized.quantity
        assert on_step(again.quantity, rules.qty_step * 10)


@given(symbol_rules(), st.sampled_from(Side), st.data())
def test_clamp_to_band_is_always_within_band_and_on_tick(
    rules: SymbolRules, side: Side, data: st.DataObject
) -> None:
    ref = data.draw(prices_on(rules.price_tick, 10**6))
    price = data.draw(money("0", str(ref * 3), 10))
    clamped = clamp_to_band(price, side, ref, rules)
    assert on_step(clamped, rules.price_tick)
    assert within_band(clamped, side, ref, rules)
