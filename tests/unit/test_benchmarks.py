"""Benchmarks: buy-and-hold quantities and value, a series' return and its max drawdown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runners.benchmarks import (
    benchmark,
    buy_quantities,
    holding_value,
    split_funds,
    targets_label,
)

D = Decimal
money_st = st.decimals(min_value=D("0.01"), max_value=D(1_000_000), places=2)
price_st = st.decimals(min_value=D("0.0001"), max_value=D(100_000), places=4)
fee_st = st.decimals(min_value=D(0), max_value=D("0.01"), places=5)
weight_st = st.decimals(min_value=D(0), max_value=D(1), places=2)
TOLERANCE = D("1e-18")


def _points(values: list[Decimal]) -> list[tuple[int, Decimal]]:
    return [(i * 60_000, v) for i, v in enumerate(values)]


@given(st.lists(money_st, min_size=1, max_size=50))
def test_max_drawdown_of_any_series_is_a_fraction_between_minus_one_and_zero(
    values: list[Decimal],
) -> None:
    assert -1 <= benchmark("bot", "bot", _points(values)).drawdown <= 0


@given(money_st, st.integers(min_value=1, max_value=30))
def test_a_constant_series_returns_nothing_and_never_falls(value: Decimal, n: int) -> None:
    b = benchmark("hold", "hold", _points([value] * n))
    assert (b.total_return, b.drawdown) == (0, 0)


@given(st.lists(money_st, min_size=1, max_size=50))
def test_the_return_is_the_change_from_the_first_to_the_last_value(
    values: list[Decimal],
) -> None:
    b = benchmark("bot", "bot", _points(values))
    assert (b.start_value, b.final_value) == (values[0], values[-1])
    assert b.total_return == (values[-1] - values[0]) / values[0]


def test_a_fall_from_120_to_90_is_a_drawdown_of_a_quarter() -> None:
    b = benchmark("bot", "bot", _points([D(100), D(120), D(90), D(130)]))
    assert b.drawdown == D("-0.25")


def test_a_benchmark_without_values_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="'targets'"):
        benchmark("targets", "buy", [])


@given(money_st, weight_st, fee_st)
def test_a_split_of_the_funds_sums_to_the_funds_less_the_fees(
    funds: Decimal, btc: Decimal, fee: Decimal,
) -> None:
    parts = split_funds(funds, {"BTC": btc, "ETH": 1 - btc}, {"BTC": fee, "ETH": fee})
    assert abs(sum(parts.values()) - funds * (1 - fee)) <= TOLERANCE * funds
    assert all(v >= 0 for v in parts.values())


def test_600_usdt_at_60_40_buys_360_of_btc_and_240_of_eth_less_the_taker_fee() -> None:
    parts = split_funds(D(600), {"BTC": D("0.6"), "ETH": D("0.4")},
                        {"BTC": D("0.0005"), "ETH": D("0.0005")})
    assert parts == {"BTC": D("359.82"), "ETH": D("239.88")}


@settings(max_examples=50)
@given(money_st, weight_st, price_st, price_st, fee_st)
def test_bought_quantities_are_worth_the_funds_less_fees_at_the_buying_prices(
    funds: Decimal, btc: Decimal, btc_price: Decimal, eth_price: Decimal, fee: Decimal,
) -> None:
    prices = {"BTC": btc_price, "ETH": eth_price}
    quantities = buy_quantities(funds, {"BTC": btc, "ETH": 1 - btc}, prices,
                                {"BTC": fee, "ETH": fee})
    assert abs(holding_value(quantities, prices) - funds * (1 - fee)) <= TOLERANCE * funds


@given(money_st, price_st, st.decimals(min_value=D("0.1"), max_value=D(10), places=2))
def test_a_holding_moves_with_its_price(funds: Decimal, price: Decimal, move: Decimal) -> None:
    quantities = buy_quantities(funds, {"BTC": D(1)}, {"BTC": price}, {})
    moved = holding_value(quantities, {"BTC": price * move})
    assert abs(moved - funds * move) <= TOLERANCE * funds * move


def test_buying_without_a_price_is_an_error_naming_the_asset() -> None:
    with pytest.raises(ValueError, match="ETH"):
        buy_quantities(D(100), {"BTC": D("0.6"), "ETH": D("0.4")}, {"BTC": D(1)}, {})


def test_weights_adding_up_to_more_than_one_are_refused() -> None:
    with pytest.raises(ValueError, match="add up to at most 1"):
        split_funds(D(100), {"BTC": D("0.7"), "ETH": D("0.4")}, {})


def test_an_asset_without_a_price_counts_nothing_in_a_holding() -> None:
    assert holding_value({"BTC": D(1), "XYZ": D(5)}, {"BTC": D(100)}) == D(100)


def test_the_targets_benchmark_is_named_by_its_assets_and_weights() -> None:
    assert targets_label({"BTC": D("0.6"), "ETH": D("0.4")}) == "buy BTC/ETH 60/40 and hold"
