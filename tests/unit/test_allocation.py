from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import fractions, money

from mexcore.allocation import (
    Action5050,
    AllocationState,
    RebalanceLeg,
    allocation_state,
    asset_values,
    decide_5050,
    deviations,
    most_lagging,
    plan_portfolio_rebalance,
    rebalance_block_reason,
    redistribute,
    split_alts_majors,
    values_by_symbol,
    weights,
)
from mexcore.policies import BalanceMonitorPolicy, Balancer5050Policy, PortfolioRebalancePolicy
from mexcore.values import Balance, Side

D = Decimal
TARGETS = BalanceMonitorPolicy().targets
DEVIATION = BalanceMonitorPolicy().rebalance_deviation


def test_default_targets_are_sixty_forty_with_ten_points_of_deviation() -> None:
    assert dict(TARGETS) == {"BTCUSDC": D("0.6"), "ETHUSDC": D("0.4")}
    assert D("0.10") == DEVIATION
    assert Balancer5050Policy().deviation == D("0.10")


def test_asset_values_multiply_totals_by_prices_and_skip_unpriced() -> None:
    balances = {"BTC": Balance("BTC", D("0.001"), D("0.001")), "USDC": Balance("USDC", D(10)),
                "DUST": Balance("DUST", D(5))}
    assert asset_values(balances, {"BTC": D(65000), "USDC": D(1)}) == {"BTC": 130, "USDC": 10}


def test_values_by_symbol_use_the_base_balance_and_the_symbol_price() -> None:
    balances = {"BTC": Balance("BTC", D("0.002"))}
    values = values_by_symbol(balances, {"BTCUSDC": D(65000), "ETHUSDC": D(3000)},
                              {"BTCUSDC": "BTC", "ETHUSDC": "ETH", "ADAUSDC": "ADA"})
    assert values == {"BTCUSDC": 130, "ETHUSDC": 0}


def test_weights_of_an_empty_portfolio_are_zero() -> None:
    assert weights({"A": D(0), "B": D(0)}) == {"A": 0, "B": 0}
    assert weights({"A": D(70), "B": D(30)}) == {"A": D("0.7"), "B": D("0.3")}


def test_deviations_are_weight_minus_target() -> None:
    devs = deviations({"BTCUSDC": D(75), "ETHUSDC": D(25)}, TARGETS)
    assert devs == {"BTCUSDC": D("0.15"), "ETHUSDC": D("-0.15")}


def test_ten_points_off_is_not_yet_rebalance_mode() -> None:
    state = allocation_state({"BTCUSDC": D(70), "ETHUSDC": D(30)}, TARGETS, DEVIATION)
    assert not state.rebalance_mode
    assert state.lagging == "ETHUSDC"


def test_more_than_ten_points_off_buys_only_the_lagging_asset() -> None:
    state = allocation_state({"BTCUSDC": D(75), "ETHUSDC": D(25)}, TARGETS, DEVIATION)
    assert state.rebalance_mode
    assert state.lagging == "ETHUSDC"
    assert state.weights == {"BTCUSDC": D("0.75"), "ETHUSDC": D("0.25")}


def test_an_empty_portfolio_is_bought_by_the_targets_not_rebalanced() -> None:
    state = allocation_state({}, TARGETS, DEVIATION)
    assert not state.rebalance_mode
    assert state.values == {"BTCUSDC": 0, "ETHUSDC": 0}


def test_most_lagging_picks_among_the_given_keys() -> None:
    state = AllocationState({}, {}, {"A": D("-0.2"), "B": D("-0.1")})
    assert most_lagging(state, ["A", "B"]) == "A"
    assert most_lagging(state, ["B", "C"]) == "B"
    assert most_lagging(state, ["C"]) is None


def test_5050_with_alts_over_buys_btc_eth_for_half_the_deviation() -> None:
    decision = decide_5050(D(80), D(20), D(100), D("0.10"))
    assert decision is not None
    assert decision.action is Action5050.BUY_BTCETH_USDC
    assert decision.amount == D(15)
    assert decision.deviation_value == D(30)


def test_5050_with_alts_under_buys_alts_capped_by_the_safe_amount() -> None:
    decision = decide_5050(D(100), D(900), D(40), D("0.10"))
    assert decision is not None
    assert decision.action is Action5050.BUY_ALTS_USDC
    assert decision.amount == D(40)


def test_5050_within_ten_points_does_nothing() -> None:
    assert decide_5050(D(60), D(40), D(100), D("0.10")) is None
    assert decide_5050(D(0), D(0), D(100), D("0.10")) is None
    assert decide_5050(D("60.01"), D("39.99"), D(100), D("0.10")) is not None


def test_split_alts_majors_ignores_stablecoins() -> None:
    values = {"BTC": D(10), "ETH": D(5), "USDT": D(100), "USDC": D(50), "ADA": D(3), "DOT": D(2)}
    assert split_alts_majors(values) == (D(5), D(15))


def test_hourly_rebalance_sells_the_excess_and_buys_the_shortfall() -> None:
    legs = plan_portfolio_rebalance({"BTCUSDC": D(80), "ETHUSDC": D(20)}, TARGETS)
    assert legs == (RebalanceLeg("BTCUSDC", Side.SELL, D(20)),
                    RebalanceLeg("ETHUSDC", Side.BUY, D(20)))


def test_hourly_rebalance_drops_legs_under_the_minimum() -> None:
    assert plan_portfolio_rebalance({"BTCUSDC": D(62), "ETHUSDC": D(38)}, TARGETS, D(5)) == ()


def test_hourly_rebalance_at_target_does_nothing() -> None:
    assert plan_portfolio_rebalance({"BTCUSDC": D(60), "ETHUSDC": D(40)}, TARGETS) == ()


def test_rebalance_is_blocked_by_negative_pnl_unless_allowed() -> None:
    policy = PortfolioRebalancePolicy()
    assert policy.allow_negative_pnl is False
    assert rebalance_block_reason(D("-0.01"), policy) is not None
    assert rebalance_block_reason(D(0), policy) is None
    assert rebalance_block_reason(D(-5), attrs.evolve(policy, allow_negative_pnl=True)) is None


def test_redistribute_splits_the_freed_amount_by_the_targets() -> None:
    assert redistribute(D(100), D(103), D(2), TARGETS) == {"BTCUSDC": 60, "ETHUSDC": 40}


def test_redistribute_never_touches_the_reserve() -> None:
    assert redistribute(D(100), D(50), D(2), TARGETS) == {"BTCUSDC": D("28.8"),
                                                         "ETHUSDC": D("19.2")}
    assert redistribute(D(100), D(1), D(2), TARGETS) == {"BTCUSDC": 0, "ETHUSDC": 0}
    assert redistribute(D(1), D(1), D(0), {}) == {}


values_st = st.fixed_dictionaries({"BTCUSDC": money("0", "100000", 2),
                                   "ETHUSDC": money("0", "100000", 2)})


@given(values_st)
def test_weights_sum_to_one_or_zero(values: dict[str, Decimal]) -> None:
    total = sum(weights(values).values())
    assert total == 0 or abs(total - 1) < D("1E-20")


@given(values_st, money("0", "1000", 2))
def test_rebalance_buys_never_exceed_what_the_sells_free(
    values: dict[str, Decimal], min_leg: Decimal
) -> None:
    legs = plan_portfolio_rebalance(values, TARGETS, min_leg)
    sold = sum((leg.quote_amount for leg in legs if leg.side is Side.SELL), D(0))
    bought = sum((leg.quote_amount for leg in legs if leg.side is Side.BUY), D(0))
    assert bought <= sold
    assert all(leg.quote_amount >= min_leg and leg.quote_amount > 0 for leg in legs)
    for leg in legs:
        assert leg.quote_amount <= values[leg.symbol] or leg.side is Side.BUY


@given(money("0", "10000", 2), money("0", "10000", 2), money("0", "1000", 2),
       fractions("0", "0.5"))
def test_5050_amount_never_exceeds_the_safe_amount_or_half_the_gap(
    alts: Decimal, majors: Decimal, safe: Decimal, deviation: Decimal
) -> None:
    decision = decide_5050(alts, majors, safe, deviation)
    if decision is None:
        return
    assert 0 <= decision.amount <= safe
    assert decision.amount <= abs(alts - (alts + majors) / 2) / 2 + D("1E-20")
    over = alts > majors
    assert (decision.action is Action5050.BUY_BTCETH_USDC) == over


@given(money("0", "1000", 2), money("0", "1000", 2), money("0", "100", 2))
def test_redistribute_never_spends_more_than_freed_or_past_the_reserve(
    freed: Decimal, free: Decimal, reserve: Decimal
) -> None:
    spent = sum(redistribute(freed, free, reserve, TARGETS).values())
    assert spent <= freed
    assert free - spent >= reserve or spent == 0
