"""The period a simulated run replays: exactly what was asked, or an error naming the data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.fake.loader import DataError
from runners.periods import DAY_MS, asked_period, backtest_period, sim_period

START = 1_681_948_800_000  # 2023-04-20 00:00 UTC
WEEK = (START, START + 8 * DAY_MS)  # eight days of data: a day of warm-up and seven to replay
HOUR_MS = 3_600_000


def test_sim_replays_the_days_asked_after_a_day_of_warm_up() -> None:
    assert sim_period(WEEK, Decimal(7)) == (START + DAY_MS, START + 8 * DAY_MS)


def test_sim_days_one_minute_beyond_the_data_is_an_error_not_a_shorter_run() -> None:
    with pytest.raises(DataError, match=r"at most 7\.00 days"):
        sim_period(WEEK, Decimal(7) + Decimal(1) / 1440)


def test_sim_warms_up_on_a_quarter_of_short_data() -> None:
    assert sim_period((START, START + DAY_MS), Decimal("0.5")) == (
        START + 6 * HOUR_MS, START + 18 * HOUR_MS)


@pytest.mark.parametrize("days", [Decimal(0), Decimal(-1), Decimal("NaN")])
def test_sim_days_that_are_not_positive_are_errors(days: Decimal) -> None:
    with pytest.raises(DataError, match="more than 0"):
        sim_period(WEEK, days)


def test_backtest_defaults_to_all_the_data_after_the_warm_up_day() -> None:
    assert backtest_period(WEEK, None, None, None) == (START + DAY_MS, WEEK[1])


def test_backtest_to_and_days_count_back_from_the_end() -> None:
    end = START + 5 * DAY_MS
    assert backtest_period(WEEK, None, end, Decimal(2)) == (end - 2 * DAY_MS, end)


def test_backtest_from_and_days_count_forward_from_the_start() -> None:
    begin = START + 2 * DAY_MS
    assert backtest_period(WEEK, begin, None, Decimal("0.25")) == (begin, begin + 6 * HOUR_MS)


def test_backtest_days_alone_start_after_the_warm_up() -> None:
    assert backtest_period(WEEK, None, None, Decimal(1)) == (START + DAY_MS, START + 2 * DAY_MS)


def test_backtest_starting_inside_the_warm_up_day_is_clipped_to_the_earliest_start() -> None:
    assert backtest_period(WEEK, START + HOUR_MS, None, None) == (START + DAY_MS, WEEK[1])


def test_backtest_days_alone_beyond_the_data_are_clipped_to_its_end() -> None:
    assert backtest_period(WEEK, None, None, Decimal(8)) == (START + DAY_MS, WEEK[1])


def test_backtest_overlapping_both_ends_replays_what_the_data_can() -> None:
    assert backtest_period(WEEK, START - DAY_MS, WEEK[1] + DAY_MS, None) == (
        START + DAY_MS, WEEK[1])


def test_asked_period_is_what_the_options_name_before_any_clipping() -> None:
    assert asked_period(WEEK, START + HOUR_MS, None, Decimal(9)) == (
        START + HOUR_MS, START + HOUR_MS + 9 * DAY_MS)


@pytest.mark.parametrize(("from_ms", "to_ms"), [
    (WEEK[1], None),  # starts where the data ends
    (None, START + DAY_MS),  # ends where the warm-up ends
    (START, START + HOUR_MS),  # inside the warm-up day
])
def test_backtest_with_nothing_replayable_is_an_error_naming_what_can_be_replayed(
    from_ms: int | None, to_ms: int | None
) -> None:
    with pytest.raises(DataError, match="can replay 2023-04-21 00:00 → 2023-04-28 00:00"):
        backtest_period(WEEK, from_ms, to_ms, None)
