from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import money

from mexcore.allocation import Action5050
from mexcore.planning import Skip
from mexcore.planning_5050 import (
    Leg,
    Operation5050,
    TopUp,
    alt_legs,
    btceth_legs,
    plan_5050,
    plan_usdc_top_up,
    split,
)
from mexcore.policies import Balancer5050Policy
from mexcore.values import SymbolRules

D = Decimal
POLICY = Balancer5050Policy()
ALL = frozenset({"BTCUSDC", "ETHUSDC", *POLICY.alts})
USDCUSDT = SymbolRules(
    symbol="USDCUSDT", base="USDC", quote="USDT", qty_step=D("0.01"), price_tick=D("0.0001"),
    min_notional=D(1), min_notional_market=D(1), taker_fee=D("0.0005"),
)


def test_defaults_are_those_of_the_spec() -> None:
    assert (POLICY.min_balance, POLICY.max_operation, POLICY.reserve, POLICY.deviation,
            POLICY.min_per_asset) == (D(10), D(100), D(20), D("0.10"), D(5))
    assert POLICY.alts == ("ADAUSDC", "DOTUSDC", "LINKUSDC", "MATICUSDC", "AVAXUSDC")


def test_alts_over_buy_btc_eth_sixty_forty() -> None:
    operation = plan_5050(D(80), D(20), D(150), True, ALL, POLICY)
    assert isinstance(operation, Operation5050)
    assert operation.action is Action5050.BUY_BTCETH_USDC
    assert operation.legs == (Leg("BTCUSDC", D(9)), Leg("ETHUSDC", D(6)))


def test_alts_under_buy_equal_alts_as_many_as_keep_five_each() -> None:
    operation = plan_5050(D(20), D(80), D(150), True, ALL, POLICY)
    assert isinstance(operation, Operation5050)
    assert operation.action is Action5050.BUY_ALTS_USDC
    assert operation.legs == tuple(Leg(s, D(5)) for s in ("ADAUSDC", "DOTUSDC", "LINKUSDC"))
    assert operation.total == D(15)


def test_a_big_alts_buy_spreads_over_all_five_capped_at_one_hundred() -> None:
    operation = plan_5050(D(0), D(1000), D(1000), True, ALL, POLICY)
    assert isinstance(operation, Operation5050)
    assert operation.legs == tuple(Leg(s, D(20)) for s in POLICY.alts)


def test_the_operation_waits_for_the_cooldown() -> None:
    assert plan_5050(D(80), D(20), D(150), False, ALL, POLICY) == Skip("cooldown not passed")


def test_the_operation_needs_ten_usdc() -> None:
    assert isinstance(plan_5050(D(80), D(20), D("9.99"), True, ALL, POLICY), Skip)


def test_the_operation_leaves_twenty_usdc() -> None:
    operation = plan_5050(D(0), D(1000), D(30), True, ALL, POLICY)
    assert isinstance(operation, Operation5050)
    assert operation.total == D(10)
    assert isinstance(plan_5050(D(0), D(1000), D(20), True, ALL, POLICY), Skip)


def test_a_split_within_ten_points_does_nothing() -> None:
    skip = plan_5050(D(60), D(40), D(150), True, ALL, POLICY)
    assert isinstance(skip, Skip)
    assert "50/50" in skip.reason


def test_an_amount_under_five_does_nothing() -> None:
    skip = plan_5050(D(7), D(3), D(150), True, ALL, POLICY)
    assert isinstance(skip, Skip)
    assert "per asset" in skip.reason


def test_a_small_btc_eth_amount_goes_all_to_btc() -> None:
    legs, skipped = btceth_legs(D(8), POLICY, ALL)
    assert legs == [Leg("BTCUSDC", D(8))]
    assert skipped[0][0] == "ETHUSDC"


def test_untradeable_alts_are_skipped_with_a_reason() -> None:
    legs, skipped = alt_legs(D(100), POLICY, ALL - {"MATICUSDC"})
    assert [leg.symbol for leg in legs] == ["ADAUSDC", "DOTUSDC", "LINKUSDC", "AVAXUSDC"]
    assert legs[0].quote_amount == D(25)
    assert skipped == [("MATICUSDC", "not listed or not tradeable by API")]


def test_alt_legs_for_twelve_are_two_of_six_and_for_seven_one_of_seven() -> None:
    assert alt_legs(D(12), POLICY, ALL)[0] == [Leg("ADAUSDC", D(6)), Leg("DOTUSDC", D(6))]
    assert alt_legs(D(7), POLICY, ALL)[0] == [Leg("ADAUSDC", D(7))]


def test_nothing_tradeable_skips_the_operation() -> None:
    skip = plan_5050(D(80), D(20), D(150), True, frozenset(), POLICY)
    assert skip == Skip("no tradeable symbol for BUY_BTCETH_USDC")


def test_top_up_buys_the_shortfall_with_the_fee_in_whole_steps() -> None:
    top_up = plan_usdc_top_up(D(30), {"USDC": D(12), "USDT": D(100)}, D("1.0002"), USDCUSDT)
    assert isinstance(top_up, TopUp)
    assert top_up.quote_qty == D(19)
    assert top_up.covers
    assert top_up.expected_usdc >= D(18)


def test_top_up_with_enough_usdc_does_nothing() -> None:
    assert plan_usdc_top_up(D(10), {"USDC": D(10)}, D(1), USDCUSDT) == Skip("enough USDC")


def test_top_up_is_capped_by_free_usdt_and_says_it_does_not_cover() -> None:
    top_up = plan_usdc_top_up(D(30), {"USDC": D(0), "USDT": D("7.555")}, D(1), USDCUSDT)
    assert top_up == TopUp(D("7.555"), D("7.555") * D("0.9995"), covers=False)


def test_top_up_rises_to_the_pair_minimum() -> None:
    rules = attrs.evolve(USDCUSDT, min_notional_market=D(5))
    top_up = plan_usdc_top_up(D("10.5"), {"USDC": D(10), "USDT": D(100)}, D(1), rules)
    assert isinstance(top_up, TopUp)
    assert top_up.quote_qty == D(5)


def test_top_up_without_enough_usdt_for_the_minimum_is_skipped() -> None:
    rules = attrs.evolve(USDCUSDT, min_notional_market=D(5))
    skip = plan_usdc_top_up(D(20), {"USDC": D(10), "USDT": D(4)}, D(1), rules)
    assert isinstance(skip, Skip)
    assert "minimum" in skip.reason
    assert isinstance(plan_usdc_top_up(D(20), {"USDT": D(40)}, D(0), rules), Skip)


@given(money("0", "5000", 2), money("0", "5000", 2), money("0", "500", 2), st.booleans(),
       st.sets(st.sampled_from(sorted(ALL))))
def test_a_5050_operation_never_breaks_a_reserve_a_cap_or_a_minimum(
    alts: Decimal, majors: Decimal, free: Decimal, ready: bool, tradeable: set[str]
) -> None:
    operation = plan_5050(alts, majors, free, ready, tradeable, POLICY)
    if isinstance(operation, Skip):
        return
    assert ready
    assert free >= POLICY.min_balance
    assert operation.total <= POLICY.max_operation
    assert free - operation.total >= POLICY.reserve
    assert all(leg.quote_amount >= POLICY.min_per_asset for leg in operation.legs)
    assert all(leg.symbol in tradeable for leg in operation.legs)
    assert operation.total == operation.decision.amount  # the legs never spend more


@given(money("0", "500", 2), money("0", "500", 2), money("0", "500", 2),
       money("0.9", "1.1", 4))
def test_a_top_up_never_spends_more_usdt_than_free_nor_under_the_minimum(
    required: Decimal, usdc: Decimal, usdt: Decimal, price: Decimal
) -> None:
    top_up = plan_usdc_top_up(required, {"USDC": usdc, "USDT": usdt}, price, USDCUSDT)
    if isinstance(top_up, Skip):
        return
    assert USDCUSDT.min_notional_market <= top_up.quote_qty <= usdt
    assert top_up.covers == (top_up.expected_usdc >= required - usdc)
    if top_up.quote_qty < usdt - 1:
        assert top_up.covers


def test_a_split_into_thirds_spends_exactly_the_amount_never_a_hair_more() -> None:
    # 97.19 / 3 = 32.3966…67 three times summed to 97.19000000000000000000000001: over the
    # amount, and under the reserve by 1E-26 (hypothesis found it with 117.19 free).
    operation = plan_5050(D(0), D("388.76"), D("117.19"), True,
                          {"ADAUSDC", "AVAXUSDC", "DOTUSDC"}, POLICY)
    assert not isinstance(operation, Skip)
    assert operation.total == D("97.19")
    assert D("117.19") - operation.total >= POLICY.reserve


@given(money("0", "100000", 8), st.lists(money("0.01", "10", 2), min_size=1, max_size=6))
def test_a_split_sums_to_exactly_the_amount_in_proportion_to_the_weights(
    amount: Decimal, parts_weights: list[Decimal]
) -> None:
    parts = split(amount, parts_weights)
    total = sum(parts_weights, D(0))

    assert sum(parts, D(0)) == amount
    assert all(part >= 0 for part in parts)
    for part, weight in zip(parts, parts_weights, strict=True):
        assert abs(part - amount * weight / total) <= D("1E-8") * len(parts_weights)
