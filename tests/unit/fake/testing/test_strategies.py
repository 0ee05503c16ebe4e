"""The kit's strategies draw valid things: rules like MEXC's, positive paths of their regime,
whole markets the exchange trades on, balances and fault plans."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.fake import FakeClock, FakeExchange, Faults, MarketData
from adapters.fake.market import MINUTE_MS
from adapters.fake.testing.strategies import (
    REGIMES,
    balances,
    fault_plans,
    markets,
    price_paths,
    symbol_rules,
)
from mexcore.values import SymbolRules

D = Decimal
POWERS_OF_TEN = {D(1).scaleb(-n) for n in range(9)}


@given(symbol_rules())
def test_drawn_rules_have_power_of_ten_steps_and_sane_minimums(rules: SymbolRules) -> None:
    assert rules.qty_step in POWERS_OF_TEN
    assert rules.price_tick in POWERS_OF_TEN
    assert rules.min_qty >= 0
    assert rules.min_notional >= 0
    assert rules.bid_multiplier_up is None or 0 < rules.bid_multiplier_up < 1


@given(price_paths())
def test_every_price_path_stays_positive_and_finite(closes: list[float]) -> None:
    assert 60 <= len(closes) <= 600
    assert all(0 < c < float("inf") for c in closes)


@given(st.data())
@settings(max_examples=30)
def test_a_pump_ends_above_its_start_and_a_dump_below(data: st.DataObject) -> None:
    pump = data.draw(price_paths("pump", minutes=200))
    dump = data.draw(price_paths("dump", minutes=200))

    assert pump[-1] > pump[0] * 1.02
    assert dump[-1] < dump[0] * 0.98


@given(price_paths("gap", minutes=100))
def test_a_gap_moves_most_of_its_size_in_one_minute(closes: list[float]) -> None:
    steps = [abs(b / a - 1) for a, b in itertools.pairwise(closes)]
    assert max(steps) > 0.04


def test_an_unknown_regime_is_named() -> None:
    with pytest.raises(ValueError, match="unknown regime 'moon'"):
        price_paths("moon")


@given(markets(("BTCUSDC", "ADAUSDT"), regimes=REGIMES, minutes=(60, 120)))
@settings(max_examples=20)
def test_a_drawn_market_trades_on_the_fake_exchange(market: MarketData) -> None:
    exchange = FakeExchange(FakeClock(market.start_ms + 30 * MINUTE_MS), market)

    assert market.symbols == ["ADAUSDT", "BTCUSDC"]
    assert 60 <= market.minutes <= 120
    assert exchange.last_price("BTCUSDC") > 0
    assert exchange.last_price("ADAUSDT") > 0


@given(balances({"USDC": "500", "BTC": "0.1"}, places=4))
def test_drawn_balances_are_exact_and_within_their_top(drawn: dict[str, Decimal]) -> None:
    assert set(drawn) == {"USDC", "BTC"}
    assert all(isinstance(v, Decimal) for v in drawn.values())
    assert D(0) <= drawn["USDC"] <= 500
    assert D(0) <= drawn["BTC"] <= D("0.1")


@given(fault_plans())
def test_a_fault_plan_is_a_valid_faults_setting(faults: Faults) -> None:
    rates = (faults.error_rate, faults.lost_answer_rate, faults.fill_rate,
             faults.post_only_cancel_rate, faults.price_move_rate, faults.rate_limit_rate)
    assert all(0 <= r <= 1 for r in rates)
    assert faults.price_move_ticks >= 1
    assert min(faults.fail_next, faults.lose_next_answers, faults.fill_next) >= 0


@given(fault_plans(hostile=False))
def test_a_tame_fault_plan_has_only_one_shot_faults(faults: Faults) -> None:
    assert faults.error_rate == faults.lost_answer_rate == faults.fill_rate == 0
