"""Backtest metrics: returns, drawdowns, daily values, Sharpe/Sortino, win rate, time in market."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from runners.backtest_metrics import (
    DAY_MS,
    daily_values,
    drawdowns,
    max_drawdown,
    period_returns,
    sharpe,
    sortino,
    time_in_market,
    total_return,
    win_rate,
)

D = Decimal
values_st = st.lists(st.decimals(min_value=D("0.01"), max_value=D(1_000_000), places=2,
                                 allow_nan=False, allow_infinity=False), min_size=1, max_size=60)


def _points(values: list[Decimal]) -> list[tuple[int, Decimal]]:
    return [(i * 900_000, v) for i, v in enumerate(values)]


def test_total_return_of_600_to_612_is_two_percent() -> None:
    assert total_return(D(600), D(612)) == D("0.02")


def test_total_return_without_a_start_value_is_zero() -> None:
    assert total_return(D(0), D(5)) == 0


def test_max_drawdown_finds_the_deepest_fall_from_a_peak_with_its_times() -> None:
    dd = max_drawdown(_points([D(100), D(120), D(90), D(130), D(125)]))
    assert (dd.value, dd.fraction) == (D(-30), D("-0.25"))
    assert (dd.peak_ms, dd.trough_ms) == (900_000, 1_800_000)


def test_max_drawdown_of_a_rising_series_is_zero_without_dates() -> None:
    dd = max_drawdown(_points([D(1), D(2), D(3)]))
    assert (dd.value, dd.fraction, dd.peak_ms, dd.trough_ms) == (0, 0, None, None)


@given(values_st)
def test_drawdowns_are_never_positive_and_zero_at_each_new_peak(values: list[Decimal]) -> None:
    depths = drawdowns(values)
    assert all(d <= 0 for d in depths)
    assert all(d == 0 for v, d in zip(values, depths, strict=True) if v >= max(values))


@given(values_st)
def test_max_drawdown_is_the_minimum_of_the_drawdowns(values: list[Decimal]) -> None:
    dd = max_drawdown(_points(values))
    assert dd.fraction == min(drawdowns(values))
    assert dd.value <= 0
    assert dd.value >= min(values) - max(values)


@given(values_st)
def test_max_drawdown_peak_comes_before_its_trough(values: list[Decimal]) -> None:
    dd = max_drawdown(_points(values))
    if dd.peak_ms is not None and dd.trough_ms is not None:
        assert dd.peak_ms < dd.trough_ms


def test_daily_values_keep_the_last_value_of_each_day_and_midnight_closes_the_day() -> None:
    points = [(0, D(100)), (DAY_MS // 2, D(101)), (DAY_MS, D(102)), (DAY_MS + 1, D(103)),
              (2 * DAY_MS, D(104))]
    assert daily_values(points) == [(0, D(100)), (DAY_MS, D(102)), (2 * DAY_MS, D(104))]


@given(values_st)
def test_compounded_period_returns_give_the_total_return(values: list[Decimal]) -> None:
    growth = D(1)
    for r in period_returns(values):
        growth *= 1 + r
    total = total_return(values[0], values[-1])
    # Decimal keeps 28 digits: the error is relative to the size of the growth (10⁶× is fine).
    assert abs(growth - 1 - total) <= D("1e-20") * max(D(1), abs(total))


def test_sharpe_is_mean_over_sample_stdev_times_root_365() -> None:
    returns = [D("0.01"), D("0.03")]  # mean 0.02, stdev 0.0141421
    assert abs((sharpe(returns) or 0) - 0.02 / 0.01414213562 * 365**0.5) < 1e-6


def test_sharpe_and_sortino_need_two_returns() -> None:
    assert sharpe([D("0.01")]) is None
    assert sortino([D("0.01")]) is None


def test_sortino_uses_only_the_losing_days_for_the_deviation() -> None:
    returns = [D("0.02"), D("-0.01"), D("0.02"), D("-0.01")]  # mean 0.005, downside √(2e-4/4)
    assert abs((sortino(returns) or 0) - 0.005 / (0.0002 / 4) ** 0.5 * 365**0.5) < 1e-9


def test_sortino_without_a_losing_day_is_none() -> None:
    assert sortino([D("0.01"), D("0.02")]) is None


@given(st.lists(st.decimals(min_value=-1, max_value=1, places=4), min_size=2, max_size=30))
@settings(max_examples=50)
def test_sharpe_sign_follows_the_mean_return(returns: list[Decimal]) -> None:
    ratio = sharpe(returns)
    mean = sum(returns, D(0)) / len(returns)
    if ratio is not None and abs(mean) > D("1e-9"):
        assert (ratio > 0) == (mean > 0)


def test_win_rate_counts_sells_with_positive_realised_pnl() -> None:
    assert win_rate([D(1), D(0), D("-0.5"), D(2)]) == D("0.5")


def test_win_rate_without_sells_is_none() -> None:
    assert win_rate([]) is None


def test_time_in_market_counts_snapshots_with_more_than_one_percent_outside_stables() -> None:
    snapshots = [
        {"USDT": D(99), "BTC": D(2)},  # 1.98 % in BTC: in the market
        {"USDT": D(99), "USDC": D(100), "ETH": D(1)},  # 0.5 %: out
        {"USDC": D(50)},
        {"ETH": D(10)},
    ]
    assert time_in_market(snapshots) == D("0.5")


@given(st.lists(st.dictionaries(st.sampled_from(["USDT", "USDC", "BTC", "ETH"]),
                                st.decimals(min_value=0, max_value=1000, places=2),
                                max_size=4), max_size=20))
@settings(max_examples=50)
def test_time_in_market_is_a_share_between_zero_and_one(
    snapshots: list[dict[str, Decimal]],
) -> None:
    assert 0 <= time_in_market(snapshots) <= 1
