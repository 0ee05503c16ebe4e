from decimal import Decimal
from random import Random

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import fill_lists, fills, positive_money

from mexcore.positions import (
    MissingFeePrice,
    Position,
    apply_fill,
    fee_in_quote,
    merge_fills,
    position_from_fills,
    positions_from_fills,
    total_pnl,
    total_unrealised,
)
from mexcore.values import Fill, Side, Symbol

D = Decimal


def fill(
    n: int, side: Side, qty: str, price: str, fee: str = "0", fee_asset: str = "USDC"
) -> Fill:
    return Fill(
        symbol="BTCUSDC", trade_id=str(n), order_id=f"o{n}", side=side, price=D(price),
        qty=D(qty), quote_qty=D(price) * D(qty), fee=D(fee), fee_asset=fee_asset,
        is_maker=False, time_ms=n,
    )


def on(symbol: str, one: Fill) -> Fill:
    return attrs.evolve(one, symbol=symbol)


WORKED = [
    fill(1, Side.BUY, "0.010", "60000", "0.6"),
    fill(2, Side.BUY, "0.010", "62000", "0.62"),
    fill(3, Side.SELL, "0.015", "65000", "0.975"),
]


def test_worked_example_of_the_docstring() -> None:
    position = position_from_fills(WORKED, "BTC", "USDC")
    assert position.quantity == D("0.005")
    assert position.cost_basis == D("305.305")
    assert position.realised_pnl == D("58.11")
    assert position.avg_cost == D(61061)
    assert position.unrealised(D(64000)) == D("14.695")
    assert position.fees_paid == D("2.195")


def test_buys_add_quantity_and_cost_with_fees() -> None:
    position = position_from_fills(WORKED[:2], "BTC", "USDC")
    assert (position.quantity, position.cost_basis) == (D("0.020"), D("1221.22"))
    assert position.avg_cost == D(61061)


def test_a_base_fee_reduces_quantity_and_keeps_cost() -> None:
    position = position_from_fills([fill(1, Side.BUY, "1", "100", "0.001", "BTC")], "BTC", "USDC")
    assert position.quantity == D("0.999")
    assert position.cost_basis == D(100)
    assert position.fees_paid == D("0.1")


def test_a_base_fee_on_a_sell_leaves_on_top_of_the_sold_quantity() -> None:
    fills_ = [fill(1, Side.BUY, "2", "100"), fill(2, Side.SELL, "1", "110", "0.01", "BTC")]
    position = position_from_fills(fills_, "BTC", "USDC")
    assert position.quantity == D("0.99")
    assert position.realised_pnl == D(110) - D(101)


def test_a_third_asset_fee_is_converted_at_the_given_price() -> None:
    buy = fill(1, Side.BUY, "1", "100", "0.5", "MX")
    position = position_from_fills([buy], "BTC", "USDC", {"MX": D("2.4")})
    assert position.cost_basis == D("101.2")
    assert fee_in_quote(buy, "BTC", "USDC", {"MX": D("2.4")}) == D("1.2")


def test_a_third_asset_fee_without_a_price_is_a_clear_error() -> None:
    with pytest.raises(MissingFeePrice, match="MX") as caught:
        position_from_fills([fill(1, Side.BUY, "1", "100", "0.5", "MX")], "BTC", "USDC")
    assert (caught.value.asset, caught.value.quote) == ("MX", "USDC")


def test_a_zero_fee_in_a_third_asset_needs_no_price() -> None:
    position = position_from_fills([fill(1, Side.BUY, "1", "100", "0", "MX")], "BTC", "USDC")
    assert position.cost_basis == D(100)


def test_selling_more_than_held_realises_only_the_matched_part() -> None:
    fills_ = [fill(1, Side.BUY, "1", "100"), fill(2, Side.SELL, "3", "120", "0.36")]
    position = position_from_fills(fills_, "BTC", "USDC")
    assert position.quantity == 0
    assert position.cost_basis == 0
    assert position.realised_pnl == D("119.88") - D(100)
    assert position.untracked_qty == D(2)
    assert position.untracked_proceeds == D("239.76")


def test_a_sell_with_nothing_held_is_all_untracked() -> None:
    position = apply_fill(Position("BTC", "USDC"), fill(1, Side.SELL, "1", "50"))
    assert (position.quantity, position.realised_pnl, position.untracked_qty) == (0, 0, 1)


def test_a_flat_position_has_zero_average_cost() -> None:
    assert Position("BTC", "USDC").avg_cost == 0


def test_fills_are_applied_oldest_first() -> None:
    assert position_from_fills(list(reversed(WORKED)), "BTC", "USDC").realised_pnl == D("58.11")


def test_positions_from_fills_groups_by_symbol_and_ignores_the_rest() -> None:
    eth = on("ETHUSDC", fill(9, Side.BUY, "1", "3000", "3"))
    other = on("ADAUSDT", fill(10, Side.BUY, "1", "1"))
    symbols = [Symbol("BTCUSDC", "BTC", "USDC"), Symbol("ETHUSDC", "ETH", "USDC"),
               Symbol("DOTUSDC", "DOT", "USDC")]
    positions = positions_from_fills(symbols, [*WORKED, eth, other])
    assert set(positions) == {"BTCUSDC", "ETHUSDC", "DOTUSDC"}
    assert positions["ETHUSDC"].cost_basis == D(3003)
    assert positions["DOTUSDC"] == Position("DOT", "USDC")


def test_positions_from_fills_uses_fee_prices_by_quote() -> None:
    mx_fee = on("ETHUSDC", fill(1, Side.BUY, "1", "3000", "1", "MX"))
    positions = positions_from_fills(
        [Symbol("ETHUSDC", "ETH", "USDC")], [mx_fee], {"USDC": {"MX": D(2)}}
    )
    assert positions["ETHUSDC"].cost_basis == D(3002)


def test_total_pnl_sums_realised_and_priced_unrealised() -> None:
    positions = {"BTCUSDC": position_from_fills(WORKED, "BTC", "USDC"),
                 "ETHUSDC": position_from_fills([fill(1, Side.BUY, "1", "3000")], "ETH", "USDC")}
    assert total_unrealised(positions, {"BTCUSDC": D(64000)}) == D("14.695")
    assert total_pnl(positions, {"BTCUSDC": D(64000), "ETHUSDC": D(2900)}) == (
        D("58.11") + D("14.695") - D(100)
    )


def test_merge_fills_drops_duplicates_and_keeps_the_journal_copy() -> None:
    journal = [fill(1, Side.BUY, "1", "100"), fill(3, Side.BUY, "1", "101")]
    exchange = [attrs.evolve(journal[0], client_order_id="x"), fill(2, Side.SELL, "1", "102")]
    merged = merge_fills(journal, exchange)
    assert [f.trade_id for f in merged] == ["1", "2", "3"]
    assert merged[0].client_order_id == ""


def test_merge_fills_keeps_the_same_trade_id_on_two_symbols() -> None:
    merged = merge_fills([fill(1, Side.BUY, "1", "1")], [on("X", fill(1, Side.BUY, "1", "1"))])
    assert len(merged) == 2


@given(fill_lists(sides=(Side.BUY,), fee_assets=("USDC", "BTC", "MX")), st.randoms())
def test_average_cost_is_order_independent_within_a_run_of_buys(
    buys: list[Fill], random: Random
) -> None:
    same_time = [attrs.evolve(f, time_ms=0) for f in buys]
    shuffled = list(same_time)
    random.shuffle(shuffled)
    prices = {"MX": D("2.5")}
    one = position_from_fills(same_time, "BTC", "USDC", prices)
    other = position_from_fills(shuffled, "BTC", "USDC", prices)
    assert (one.quantity, one.cost_basis, one.avg_cost) == (
        other.quantity, other.cost_basis, other.avg_cost
    )


@given(fill_lists(sides=(Side.BUY,), fee_assets=("USDC", "MX")), positive_money("100000", 2))
def test_selling_everything_leaves_zero_cost_basis(buys: list[Fill], price: Decimal) -> None:
    position = position_from_fills(buys, "BTC", "USDC", {"MX": D(3)})
    sell = fill(10**7, Side.SELL, str(position.quantity), str(price))
    after = apply_fill(position, sell)
    assert after.quantity == 0
    assert after.cost_basis == 0
    assert after.untracked_qty == 0


@given(
    fill_lists(fee_assets=("USDC", "BTC", "MX"), max_size=15), positive_money("100000", 2),
)
def test_realised_plus_unrealised_equals_proceeds_plus_value_minus_spent(
    history: list[Fill], price: Decimal
) -> None:
    position = position_from_fills(history, "BTC", "USDC", {"MX": D("2.5")})
    lhs = position.realised_pnl + position.unrealised(price)
    rhs = position.proceeds + position.value(price) - position.spent
    assert abs(lhs - rhs) <= D("1E-12") * max(D(1), position.spent)


@given(fill_lists(fee_assets=("USDC", "BTC")))
def test_a_position_never_holds_a_negative_quantity_or_cost(history: list[Fill]) -> None:
    position = position_from_fills(history, "BTC", "USDC")
    assert position.quantity >= 0
    assert position.cost_basis >= 0


@given(
    st.lists(fills(trade_id=None), max_size=10), st.lists(fills(), max_size=10), st.data(),
)
def test_merge_fills_is_unique_and_time_ordered(
    journal: list[Fill], exchange: list[Fill], data: st.DataObject
) -> None:
    extra = data.draw(st.lists(st.sampled_from(journal), max_size=3)) if journal else []
    merged = merge_fills(journal, [*exchange, *extra])
    keys = [(f.symbol, f.trade_id) for f in merged]
    assert len(keys) == len(set(keys))
    assert set(keys) == {(f.symbol, f.trade_id) for f in (*journal, *exchange)}
    assert [f.time_ms for f in merged] == sorted(f.time_ms for f in merged)
