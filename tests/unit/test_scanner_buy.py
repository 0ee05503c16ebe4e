"""The scanner's buy amount after the anti-hype multiplier (SPEC §1.1, §1.7; issue 13, item 9)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import money

from mexcore.planning import scanner_buy_amount
from mexcore.policies import ScannerPolicy
from mexcore.scanner_buy import scaled_buy_amount

D = Decimal
POLICY = ScannerPolicy()
MULTIPLIERS = st.sampled_from([D(0), D("0.5"), D(1), D(2)]) | money("0", "5", places=2)


@pytest.mark.parametrize(("free", "multiplier", "amount"), [
    ("100", "1", D(30)), ("100", "0.5", D(15)), ("100", "2", D(50)),  # 60 capped at $50
    ("40", "2", D(24)), ("15", "0.5", D(6)),  # 4.5 raised to the $6 minimum
    ("15", "2", D(15)),  # 18: capped at the free USDT
    ("1000", "0.5", D(25)), ("6", "2", D(6)), ("5.99", "2", None), ("100", "0", None)])
def test_the_multiplier_scales_the_amount_then_the_cap_and_minimum_apply_again(
    free: str, multiplier: str, amount: Decimal | None
) -> None:
    assert scaled_buy_amount(D(free), POLICY, D(multiplier)) == amount


@given(money("0", "100000", places=8), MULTIPLIERS)
def test_a_scaled_amount_stays_within_the_minimum_the_cap_and_the_free_usdt(
    free: Decimal, multiplier: Decimal
) -> None:
    amount = scaled_buy_amount(free, POLICY, multiplier)
    if amount is None:
        assert multiplier == 0 or scanner_buy_amount(free, POLICY) is None
        return
    assert POLICY.min_buy <= amount <= min(POLICY.max_buy, free)
    assert isinstance(amount, Decimal)


@given(money("0", "100000", places=8), MULTIPLIERS)
def test_a_scaled_amount_is_the_planned_amount_times_the_multiplier_when_that_fits(
    free: Decimal, multiplier: Decimal
) -> None:
    planned = scanner_buy_amount(free, POLICY)
    amount = scaled_buy_amount(free, POLICY, multiplier)
    if planned is None or multiplier == 0:
        assert amount is None
        return
    scaled = planned * multiplier
    if POLICY.min_buy <= scaled <= min(POLICY.max_buy, free):
        assert amount == scaled
    assert (amount > planned) <= (multiplier > 1)  # only a boost buys more than planned
    assert (amount < planned) <= (multiplier < 1)  # only damping buys less


@given(money("0", "100000", places=8), MULTIPLIERS, MULTIPLIERS)
def test_a_larger_multiplier_never_buys_less(
    free: Decimal, low: Decimal, high: Decimal
) -> None:
    low, high = sorted((low, high))
    small = scaled_buy_amount(free, POLICY, low)
    large = scaled_buy_amount(free, POLICY, high)
    if small is not None:
        assert large is not None
        assert large >= small


@given(money("0", "100000", places=8))
def test_a_multiplier_of_one_buys_the_planned_amount(free: Decimal) -> None:
    assert scaled_buy_amount(free, POLICY, D(1)) == scanner_buy_amount(free, POLICY)
