"""Quiet promises in the core: profit sell levels, folding a journal in parts, Quiet's levels."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import fill_lists, fractions, money, positive_money, symbol_rules

from mexcore.positions import Position, apply_fill, apply_fills, position_from_fills
from mexcore.pricing import Hold, ProfitSell, profit_sell_decision, profit_sell_level
from mexcore.quiet import Quiet
from mexcore.values import Fill, Side, SymbolRules

D = Decimal
FEE_PRICES = {"MX": D("2.5")}
BELOW = 1 - D("1e-9")  # the scheduler wakes a little before the level: anything below holds
ABOVE = 1 + D("1e-9")
FACTORS = st.sampled_from([D("0.999"), D(1)])
THRESHOLDS = money("0", "1000", 2)
BTC_RULES = symbol_rules(symbol="BTCUSDC", base="BTC", quote="USDC")


def fill(n: int, side: Side, qty: str, price: str) -> Fill:
    return Fill("BTCUSDC", str(n), f"o{n}", side, D(price), D(qty), D(price) * D(qty),
                D(0), fee_asset="USDC", is_maker=False, time_ms=n)


@st.composite
def held_positions(draw: st.DrawFn) -> Position:
    """Draw a position holding something: built from fills, or any quantity and cost."""
    if draw(st.booleans()):
        history = draw(fill_lists(fee_assets=("USDC", "BTC", "MX"), max_size=10))
        buy = fill(10**7, Side.BUY, str(draw(positive_money("10", 6))),
                   str(draw(positive_money("100000", 2))))
        return position_from_fills([*history, buy], "BTC", "USDC", FEE_PRICES)
    return Position("BTC", "USDC", quantity=draw(positive_money("1000", 8)),
                    cost_basis=draw(money("0", "10000000", 8)))


# --- profit_sell_level ---------------------------------------------------------------------


def test_profit_sell_level_of_the_docstring_example() -> None:
    position = Position("BTC", "USDC", quantity=D("0.01"), cost_basis=D(300))

    assert profit_sell_level(position, D(7)) == D(30700)


def test_profit_sell_level_of_a_fee_paying_journal_includes_the_fee() -> None:
    bought = position_from_fills(
        [Fill("BTCUSDC", "1", "o1", Side.BUY, D(29940), D("0.001"), D("29.94"), D("0.03"),
              fee_asset="USDC", is_maker=False, time_ms=1)], "BTC", "USDC")

    assert profit_sell_level(bought, D("0.07")) == D(30040)  # (0.07 + 29.97) / 0.001


@pytest.mark.parametrize("quantity", [D(0), D("-0.5")])
def test_profit_sell_level_is_none_when_nothing_is_held(quantity: Decimal) -> None:
    position = Position("BTC", "USDC", quantity=quantity, cost_basis=D(10))

    assert profit_sell_level(position, D("0.07")) is None


@given(st.lists(st.tuples(st.sampled_from([Side.BUY, Side.SELL]), positive_money("5", 4)),
                max_size=8), THRESHOLDS)
def test_profit_sell_level_is_none_for_a_journal_that_sold_everything(
    trades: list[tuple[Side, Decimal]], threshold: Decimal
) -> None:
    fills_ = [fill(n, side, str(qty), "100") for n, (side, qty) in enumerate(trades)]
    held = position_from_fills(fills_, "BTC", "USDC")
    everything = fill(len(fills_), Side.SELL, str(held.quantity + 1), "100")
    flat = apply_fill(held, everything)

    assert flat.quantity == 0
    assert profit_sell_level(flat, threshold) is None


@settings(max_examples=100)
@given(held_positions(), THRESHOLDS, BTC_RULES, FACTORS, fractions("0", "1"))
def test_profit_sell_decision_holds_at_every_price_up_to_just_below_the_level(
    position: Position, threshold: Decimal, rules: SymbolRules, factor: Decimal,
    fraction: Decimal,
) -> None:
    level = profit_sell_level(position, threshold)
    assert level is not None
    for price in (level * BELOW, level * BELOW * fraction, D(0)):
        decision = profit_sell_decision(position, price, position.quantity, rules, threshold,
                                        factor)
        assert isinstance(decision, Hold), (price, decision)
        assert decision.unrealised <= threshold


@settings(max_examples=100)
@given(held_positions(), THRESHOLDS)
def test_unrealised_pnl_at_the_level_is_the_threshold(
    position: Position, threshold: Decimal
) -> None:
    level = profit_sell_level(position, threshold)
    assert level is not None
    scale = threshold + position.cost_basis  # the value of the position at the level

    error = abs(position.unrealised(level) - threshold)

    assert error <= D("1e-18") * scale
    if scale > 0:  # the level is tight: just above it, the PnL passes the threshold
        assert position.unrealised(level * ABOVE) > threshold


@settings(max_examples=100)
@given(held_positions(), THRESHOLDS, FACTORS)
def test_a_price_clearly_above_the_level_sells_when_the_rules_allow_it(
    position: Position, threshold: Decimal, factor: Decimal
) -> None:
    level = profit_sell_level(position, threshold)
    assert level is not None
    price = max(level * D("1.01"), D(1))  # unrealised over the threshold by 1 % of the value
    rules = SymbolRules("BTCUSDC", "BTC", "USDC", qty_step=D("1e-8"), price_tick=D("1e-8"))

    decision = profit_sell_decision(position, price, position.quantity, rules, threshold,
                                    factor)

    assert isinstance(decision, ProfitSell)
    assert decision.quantity == position.quantity.quantize(D("1e-8"), ROUND_DOWN)


# --- apply_fills ---------------------------------------------------------------------------


@settings(max_examples=100)
@given(fill_lists(fee_assets=("USDC", "BTC", "MX"), max_size=15), st.data())
def test_folding_a_journal_in_two_parts_equals_folding_it_at_once(
    history: list[Fill], data: st.DataObject
) -> None:
    split = data.draw(st.integers(0, len(history)), label="split")
    empty = Position("BTC", "USDC")

    first = apply_fills(empty, history[:split], FEE_PRICES)
    both = apply_fills(first, history[split:], FEE_PRICES)

    whole = position_from_fills(history, "BTC", "USDC", FEE_PRICES)
    assert both == whole
    assert [str(v) for v in attrs.astuple(both)] == [str(v) for v in attrs.astuple(whole)]


@settings(max_examples=50)
@given(fill_lists(fee_assets=("USDC", "BTC"), max_size=12), st.data())
def test_folding_a_journal_in_many_chunks_equals_folding_it_fill_by_fill(
    history: list[Fill], data: st.DataObject
) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(history)), max_size=4), label="cuts"))
    position = Position("BTC", "USDC")
    for start, end in zip([0, *cuts], [*cuts, len(history)], strict=True):
        position = apply_fills(position, iter(history[start:end]))  # any iterable
    one_by_one = Position("BTC", "USDC")
    for one in history:
        one_by_one = apply_fill(one_by_one, one)

    assert position == one_by_one == position_from_fills(history, "BTC", "USDC")


def test_apply_fills_applies_in_the_order_given_not_by_time() -> None:
    late_buy, early_sell = fill(9, Side.BUY, "1", "100"), fill(1, Side.SELL, "1", "120")

    position = apply_fills(Position("BTC", "USDC"), [late_buy, early_sell])

    assert (position.quantity, position.realised_pnl, position.untracked_qty) == (
        D(0), D(20), D(0))


def test_apply_fills_of_nothing_returns_an_equal_position() -> None:
    held = Position("BTC", "USDC", quantity=D("0.5"), cost_basis=D(15000), realised_pnl=D(3))

    assert apply_fills(held, []) == held


# --- Quiet ---------------------------------------------------------------------------------


def test_quiet_defaults_promise_nothing_but_an_account_change() -> None:
    quiet = Quiet()

    assert quiet.until_ms is None
    assert dict(quiet.rises_to) == {}


@pytest.mark.parametrize("level", [D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity")])
def test_quiet_rejects_a_non_finite_level_with_a_clear_error(level: Decimal) -> None:
    with pytest.raises(ValueError, match="the level of ETHUSDC must be a finite Decimal"):
        Quiet(rises_to={"BTCUSDC": D(30000), "ETHUSDC": level})


def test_quiet_rejects_a_float_level() -> None:
    with pytest.raises(ValueError, match="BTCUSDC"):
        Quiet(rises_to={"BTCUSDC": 30000.5})  # type: ignore[dict-item]


@given(st.dictionaries(st.sampled_from(["BTCUSDC", "ETHUSDC", "ADAUSDT"]),
                       st.decimals(allow_nan=False, allow_infinity=False), max_size=3),
       st.none() | st.integers(0, 2**62))
def test_quiet_keeps_any_finite_levels_and_time(
    levels: dict[str, Decimal], until_ms: int | None
) -> None:
    quiet = Quiet(until_ms, levels)

    assert quiet.until_ms == until_ms
    assert dict(quiet.rises_to) == levels


def test_quiet_rejects_a_non_finite_fund_amount_and_keeps_a_finite_one() -> None:
    with pytest.raises(ValueError, match="the level of USDT must be a finite Decimal"):
        Quiet(funds={"USDT": D("NaN")})
    assert Quiet(funds={"USDT": D(6)}).funds == {"USDT": D(6)}
