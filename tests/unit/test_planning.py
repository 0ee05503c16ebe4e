from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import money

from mexcore.lots import UNDER_MIN_NOTIONAL
from mexcore.planning import (
    MarketInputs,
    PlannedBuy,
    Skip,
    Verdict,
    plan_balance_purchase,
    safe_amount,
    scaled_amounts,
    scanner_buy_amount,
    scanner_min_free,
)
from mexcore.policies import BalanceMonitorPolicy, ScannerPolicy
from mexcore.values import SymbolRules

D = Decimal
SCANNER = ScannerPolicy()
POLICY = BalanceMonitorPolicy()


def rules(symbol: str, base: str, qty_step: str) -> SymbolRules:
    return SymbolRules(symbol=symbol, base=base, quote="USDC", qty_step=D(qty_step),
                       price_tick=D("0.01"), min_notional=D(5), min_notional_market=D(5),
                       bid_multiplier_up=D("0.005"), ask_multiplier_down=D("0.005"))


RULES = {"BTCUSDC": rules("BTCUSDC", "BTC", "0.000001"),
         "ETHUSDC": rules("ETHUSDC", "ETH", "0.00001")}
PRICES = {"BTCUSDC": D(65000), "ETHUSDC": D(3000)}
MARKET = MarketInputs(PRICES, RULES)


@pytest.mark.parametrize(
    ("usdt", "amount"),
    [("15", "9"), ("20", "6"), ("100", "30"), ("500", "50"), ("8", "6"), ("6", "6"),
     ("19.99", "11.994"), ("166.66", "49.998"), ("170", "50")],
)
def test_scanner_amount_worked_examples(usdt: str, amount: str) -> None:
    assert scanner_buy_amount(D(usdt), SCANNER) == D(amount)


def test_scanner_amount_is_none_when_six_is_unaffordable() -> None:
    assert scanner_buy_amount(D("5.99"), SCANNER) is None
    assert scanner_buy_amount(D(0), SCANNER) is None


def test_scanner_defaults_are_those_of_the_spec() -> None:
    assert (SCANNER.min_buy, SCANNER.small_balance, SCANNER.small_balance_fraction,
            SCANNER.fraction, SCANNER.max_buy) == (D(6), D(20), D("0.6"), D("0.3"), D(50))


def test_balance_monitor_defaults_are_those_of_the_spec() -> None:
    assert (POLICY.min_balance, POLICY.max_purchase, POLICY.reserve) == (D(10), D(100), D(2))
    assert dict(POLICY.min_qty) == {"BTCUSDC": D("0.0001"), "ETHUSDC": D("0.001")}


def test_safe_amount_leaves_the_reserve_and_respects_the_cap() -> None:
    assert safe_amount(D(52), D(10), D(100), D(2)) == D(50)
    assert safe_amount(D(500), D(10), D(100), D(2)) == D(100)
    assert isinstance(safe_amount(D("9.99"), D(10), D(100), D(2)), Skip)
    assert isinstance(safe_amount(D(15), D(10), D(100), D(20)), Skip)


def test_plan_needs_ten_usdc_free() -> None:
    plan = plan_balance_purchase(D("9.99"), {}, MARKET, POLICY)
    assert plan.buys == ()
    assert "minimum balance 10" in plan.reason


def test_plan_splits_sixty_forty_by_value() -> None:
    plan = plan_balance_purchase(D(52), {}, MARKET, POLICY)
    assert [b.symbol for b in plan.buys] == ["BTCUSDC", "ETHUSDC"]
    btc, eth = plan.buys
    assert btc == PlannedBuy("BTCUSDC", D("29.9650"), D("0.000461"), D(65000), currency="USDC",
                             filter_reason="no filter verdict", multiplier=D(1))
    assert eth.quantity == D("0.00666")
    assert plan.total <= D(50)
    assert plan.safe_amount == D(50)


def test_plan_spends_at_most_one_hundred() -> None:
    plan = plan_balance_purchase(D(10_000), {}, MARKET, POLICY)
    assert D(99) < plan.total <= D(100)


def test_plan_in_rebalance_mode_buys_only_the_lagging_asset() -> None:
    plan = plan_balance_purchase(D(52), {"BTCUSDC": D(75), "ETHUSDC": D(25)}, MARKET, POLICY)
    assert plan.rebalance_mode
    assert [b.symbol for b in plan.buys] == ["ETHUSDC"]
    assert plan.buys[0].amount == D("49.98")


def test_plan_applies_the_multiplier_before_the_caps() -> None:
    market = attrs.evolve(MARKET, verdicts={"BTCUSDC": Verdict(D(2), "dip")})
    plan = plan_balance_purchase(D(52), {}, market, POLICY)
    btc, eth = plan.buys
    assert (btc.multiplier, btc.filter_reason) == (D(2), "dip")
    assert btc.amount <= D("37.5")
    assert eth.amount <= D("12.5")
    assert plan.total <= D(50)


def test_plan_skips_a_blocked_symbol_with_its_reason() -> None:
    market = attrs.evolve(MARKET, verdicts={"ETHUSDC": Verdict(D(0), "pump +20%")})
    plan = plan_balance_purchase(D(52), {}, market, POLICY)
    assert [b.symbol for b in plan.buys] == ["BTCUSDC"]
    assert ("ETHUSDC", "blocked: pump +20%") in plan.skipped


def test_plan_buys_only_the_lagging_one_when_both_minimums_cannot_be_met() -> None:
    plan = plan_balance_purchase(D(14), {"BTCUSDC": D(60), "ETHUSDC": D(45)}, MARKET, POLICY)
    assert [b.symbol for b in plan.buys] == ["BTCUSDC"]
    assert plan.buys[0].quantity >= D("0.0001")
    assert any("lagging that fits, BTCUSDC" in why for _, why in plan.skipped)


def test_plan_falls_back_to_the_next_lagging_when_the_most_lagging_cannot_fit() -> None:
    policy = attrs.evolve(POLICY, min_qty={"BTCUSDC": D("0.001"), "ETHUSDC": D("0.001")})
    plan = plan_balance_purchase(D(30), {}, MARKET, policy)
    assert [b.symbol for b in plan.buys] == ["ETHUSDC"]
    assert D(27) < plan.buys[0].amount <= D(28)


def test_plan_respects_the_exchange_minimum_notional() -> None:
    plan = plan_balance_purchase(D(10), {"BTCUSDC": D(60), "ETHUSDC": D(40)}, MARKET, POLICY)
    assert [b.symbol for b in plan.buys] == ["BTCUSDC"]
    tiny = plan_balance_purchase(D(10), {}, attrs.evolve(MARKET, prices={}), POLICY)
    assert tiny.buys == ()
    assert tiny.reason == "nothing to buy"


def test_plan_reports_the_exchange_minimum_as_a_skip_reason() -> None:
    market = attrs.evolve(MARKET, verdicts={"BTCUSDC": Verdict(D(0), "blocked")})
    policy = attrs.evolve(POLICY, min_qty={})
    plan = plan_balance_purchase(D(12), {}, market, policy)
    assert plan.buys == ()
    assert plan.skipped[0] == ("BTCUSDC", "blocked: blocked")
    assert plan.skipped[1][0] == "ETHUSDC"
    assert UNDER_MIN_NOTIONAL in plan.skipped[1][1]


def test_scaled_amounts_cap_the_total_and_drop_blocked() -> None:
    shares = {"A": D("0.6"), "B": D("0.4")}
    assert scaled_amounts(shares, D(50), {"A": D(2)}) == {"A": D("37.5"), "B": D("12.5")}
    assert scaled_amounts(shares, D(50), {"A": D("0.5")}) == {"A": D(15), "B": D(20)}
    assert scaled_amounts(shares, D(50), {"A": D(0), "B": D(0)}) == {}


@given(money("0", "100000", 2))
def test_scanner_amount_is_between_six_and_fifty_and_affordable(usdt: Decimal) -> None:
    amount = scanner_buy_amount(usdt, SCANNER)
    if amount is None:
        assert usdt < SCANNER.min_buy
        return
    assert SCANNER.min_buy <= amount <= SCANNER.max_buy
    assert amount <= usdt


multipliers = st.sampled_from([D(0), D("0.5"), D(1), D(2)])


@given(money("0", "1000", 2), money("0", "500", 2), money("0", "500", 2), multipliers,
       multipliers)
def test_planned_spends_never_break_the_reserve_or_the_cap(
    free: Decimal, btc_value: Decimal, eth_value: Decimal, btc_x: Decimal, eth_x: Decimal
) -> None:
    market = attrs.evolve(MARKET, verdicts={"BTCUSDC": Verdict(btc_x, "x"),
                                            "ETHUSDC": Verdict(eth_x, "x")})
    plan = plan_balance_purchase(free, {"BTCUSDC": btc_value, "ETHUSDC": eth_value}, market,
                                 POLICY)
    assert plan.total <= POLICY.max_purchase
    assert plan.buys == () or free - plan.total >= POLICY.reserve
    assert plan.buys == () or free >= POLICY.min_balance
    for buy in plan.buys:
        assert buy.amount == buy.quantity * buy.price
        assert buy.quantity >= POLICY.min_qty[buy.symbol]
        assert buy.amount >= RULES[buy.symbol].min_notional
        assert buy.multiplier > 0


@given(money("10", "1000", 2), st.sampled_from([D("0.5"), D(2), D(10)]))
def test_multipliers_never_raise_a_plan_above_its_caps(free: Decimal, boost: Decimal) -> None:
    boosted = attrs.evolve(MARKET, verdicts={s: Verdict(boost, "x") for s in RULES})
    plan = plan_balance_purchase(free, {}, boosted, POLICY)
    assert plan.total <= min(POLICY.max_purchase, free - POLICY.reserve)


@given(
    money("0", "1000", 2), money("0.01", "100", 2), money("0.01", "1", 2),
    money("0.01", "1", 2), money("0", "100", 2),
)
def test_the_scanner_can_buy_exactly_when_its_minimum_free_usdt_is_there(
    usdt: Decimal, min_buy: Decimal, fraction: Decimal, small_fraction: Decimal,
    small_balance: Decimal,
) -> None:
    policy = attrs.evolve(SCANNER, min_buy=min_buy, fraction=fraction,
                          small_balance_fraction=small_fraction, small_balance=small_balance,
                          max_buy=max(min_buy, SCANNER.max_buy))
    can_buy = scanner_buy_amount(usdt, policy) is not None
    assert can_buy == (usdt >= scanner_min_free(policy))
