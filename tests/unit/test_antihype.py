from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mexcore.antihype import (
    AntiHypeFilter,
    AntiHypeInputs,
    FilterResult,
    RebalancerAntiHypeFilter,
    check_buy,
    check_rebalance,
)
from mexcore.policies import AntiHypePolicy
from mexcore.values import Ticker24h

D = Decimal
POLICY = AntiHypePolicy()
EPS = D("0.0001")


def _inputs(change_24h: str = "0", from_high: str = "0", change_1h: str | None = "0",
            rsi: str | None = "50") -> AntiHypeInputs:
    return AntiHypeInputs(D(change_24h), D(from_high), None if change_1h is None else D(change_1h),
                          None if rsi is None else D(rsi))


def _shift(value: str, delta: Decimal) -> str:
    return str(D(value) + delta)


@pytest.mark.parametrize(
    ("field", "at", "delta", "expected"),
    [
        # 24h block at +15 %: exactly 15 % only damps
        ("change_24h", "0.15", EPS, "0"),
        ("change_24h", "0.15", 0, "0.5"),
        ("change_24h", "0.15", -EPS, "0.5"),
        # damp from +5 %
        ("change_24h", "0.05", EPS, "0.5"),
        ("change_24h", "0.05", 0, "0.5"),
        ("change_24h", "0.05", -EPS, "1"),
        # last-hour block at +8 %
        ("change_1h", "0.08", EPS, "0"),
        ("change_1h", "0.08", 0, "1"),
        ("change_1h", "0.08", -EPS, "1"),
        # RSI block at 80
        ("rsi", "80", D("0.01"), "0"),
        ("rsi", "80", 0, "1"),
        ("rsi", "80", D("-0.01"), "1"),
    ],
)
def test_buy_filter_thresholds_block_and_damp_exactly_as_documented(
    field: str, at: str, delta: Decimal, expected: str
) -> None:
    result = check_buy(_inputs(**{field: _shift(at, delta)}), POLICY)

    assert result.multiplier == D(expected)


@pytest.mark.parametrize(
    ("from_high", "rsi", "expected"),
    [
        ("0.05", "30", "2"),
        ("0.0501", "30", "2"),
        ("0.0499", "30", "1"),
        ("0.10", "35", "1"),
        ("0.10", "35.01", "1"),
        ("0.10", "34.99", "2"),
        ("0.10", None, "1"),
    ],
)
def test_dip_boost_needs_5_percent_under_the_high_and_rsi_under_35(
    from_high: str, rsi: str | None, expected: str
) -> None:
    assert check_buy(_inputs(from_high=from_high, rsi=rsi), POLICY).multiplier == D(expected)


def test_damp_wins_over_dip_when_both_apply() -> None:
    result = check_buy(_inputs(change_24h="0.10", from_high="0.08", rsi="30"), POLICY)

    assert result.multiplier == D("0.5")
    assert result.reason.startswith("hype")


@pytest.mark.parametrize(
    ("delta", "expected"),
    [(EPS, "0"), (D(0), "0.5"), (-EPS, "0.5")],
)
def test_rebalance_filter_blocks_only_above_25_percent_in_24h(
    delta: Decimal, expected: str
) -> None:
    result = check_rebalance(_inputs(change_24h=_shift("0.25", delta)), POLICY)

    assert result.multiplier == D(expected)


@pytest.mark.parametrize(
    "inputs",
    [_inputs(change_1h="0.2"), _inputs(rsi="95"), _inputs(change_24h="0.2")],
    ids=["last hour pump", "rsi over 80", "24h pump under 25 %"],
)
def test_rebalance_filter_damps_what_would_block_a_buy(inputs: AntiHypeInputs) -> None:
    assert check_buy(inputs, POLICY).blocked
    assert check_rebalance(inputs, POLICY).multiplier == D("0.5")


def test_rebalance_filter_gives_the_dip_boost_like_a_buy() -> None:
    assert check_rebalance(_inputs(from_high="0.06", rsi="20"), POLICY).multiplier == D("2")


def test_unknown_rsi_and_last_hour_change_trigger_nothing() -> None:
    result = check_buy(_inputs(change_1h=None, rsi=None), POLICY)

    assert result == FilterResult(D(1), "no hype, no dip: ×1")


def test_filter_reads_change_and_drop_from_the_24h_ticker() -> None:
    pumped = Ticker24h("PEPEUSDT", last_price="115.01", open_price="100", high="116", low="99",
                       volume="1", quote_volume="1")
    dipped = Ticker24h("ADAUSDT", last_price="95", open_price="96", high="100", low="90",
                       volume="1", quote_volume="1")

    blocked = AntiHypeFilter().check(pumped, None, None)
    boosted = AntiHypeFilter().check(dipped, D("-0.01"), D("30"))

    assert blocked.blocked
    assert blocked.reason == "blocked: 24h change +15.01% > +15.00%"
    assert boosted == FilterResult(D(2), "dip: price -5.00% from 24h high and RSI 30 < 35, DCA ×2")


def test_rebalancer_filter_reads_the_ticker_too() -> None:
    pumped = Ticker24h("ETHUSDC", last_price="130", open_price="100", high="130", low="99",
                       volume="1", quote_volume="1")

    assert RebalancerAntiHypeFilter().check(pumped, None, None).blocked


def test_zero_high_means_no_drop_from_high() -> None:
    ticker = Ticker24h("XUSDT", last_price="0", open_price="0", high="0", low="0",
                       volume="0", quote_volume="0")

    assert AntiHypeInputs.of(ticker, None, None).from_high == 0


def test_filter_result_refuses_a_float_multiplier() -> None:
    with pytest.raises(TypeError):
        FilterResult(0.5, "float")  # type: ignore[arg-type]


fractions = st.decimals(min_value=-1, max_value=2, places=4)
rsis = st.none() | st.decimals(min_value=0, max_value=100, places=2)
policies = st.builds(
    AntiHypePolicy,
    damp_multiplier=st.decimals(min_value=D("0.01"), max_value=D("0.99"), places=2),
    dip_multiplier=st.decimals(min_value=D("1.01"), max_value=D(5), places=2),
    block_rsi=st.decimals(min_value=50, max_value=100, places=1),
    dip_rsi=st.decimals(min_value=0, max_value=50, places=1),
)
inputs = st.builds(AntiHypeInputs, fractions, st.decimals(min_value=0, max_value=1, places=4),
                   st.none() | fractions, rsis)


@settings(max_examples=200)
@given(inputs, policies)
def test_multiplier_is_always_block_damp_one_or_dip(i: AntiHypeInputs, p: AntiHypePolicy) -> None:
    allowed = {D(0), p.damp_multiplier, D(1), p.dip_multiplier}

    assert check_buy(i, p).multiplier in allowed
    assert check_rebalance(i, p).multiplier in allowed


@settings(max_examples=200)
@given(inputs)
def test_rebalance_is_never_stricter_than_a_buy(i: AntiHypeInputs) -> None:
    assert check_rebalance(i, POLICY).multiplier >= check_buy(i, POLICY).multiplier


@settings(max_examples=200)
@given(inputs)
def test_rebalance_blocks_only_above_its_24h_limit(i: AntiHypeInputs) -> None:
    blocked = check_rebalance(i, POLICY).blocked

    assert blocked == (i.change_24h > POLICY.rebalance_block_change_24h)
