"""Objectives, walk-forward windows and the split of trials between workers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.fake.loader import DataError
from runners.backtest_metrics import Drawdown
from runners.backtest_report import BacktestReport
from runners.benchmarks import Benchmark
from runners.optimize_args import OBJECTIVES as CLI_OBJECTIVES
from runners.optimize_folds import Window, diverges, walk_forward
from runners.optimize_objective import OBJECTIVES, Objective, excess_return, score
from runners.optimize_study import shares
from runners.periods import DAY_MS

D = Decimal
T0 = 1_680_393_600_000  # 2023-04-02 00:00 UTC


def report(final: str, targets_final: str = "600", drawdown: str = "-0.05",
           sharpe: float | None = 1.5) -> BacktestReport:
    targets = Benchmark("targets", "buy BTC/ETH 60/40 and hold", D(600), D(targets_final), D(0))
    return BacktestReport(
        start_ms=T0, end_ms=T0 + DAY_MS, start_value=D(600), final_value=D(final),
        hold_value=D(600), fees=D(3), components=(), assets=(),
        drawdown=Drawdown(D(drawdown)), sharpe=sharpe, sortino=None, time_in_market=D(0),
        trades=(), series=(), benchmarks=(targets,))


def test_excess_return_is_the_bots_return_minus_buying_the_targets_and_holding() -> None:
    assert excess_return(report("612", targets_final="606")) == D("0.01")


def test_the_default_objective_scores_the_excess_return() -> None:
    assert score(report("594", targets_final="612"), Objective()) == pytest.approx(-0.03)


def test_an_undefined_ratio_scores_zero() -> None:
    assert score(report("600"), Objective("sortino")) == 0.0
    assert score(report("600", sharpe=2.5), Objective("sharpe")) == 2.5


def test_a_return_within_the_drawdown_cap_scores_the_return() -> None:
    capped = Objective("return-capped", D("0.2"))

    assert score(report("630", drawdown="-0.2"), capped) == pytest.approx(0.05)


def test_a_drawdown_beyond_the_cap_scores_below_any_return_that_kept_to_it() -> None:
    capped = Objective("return-capped", D("0.2"))

    assert score(report("900", drawdown="-0.3"), capped) == pytest.approx(-1.1)


def test_an_unknown_objective_or_a_cap_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="objective"):
        Objective("profit")
    with pytest.raises(ValueError, match="max-drawdown"):
        Objective("return-capped", D("1.5"))


def test_the_command_line_offers_exactly_the_objectives() -> None:
    assert CLI_OBJECTIVES == OBJECTIVES


def test_no_folds_is_one_fold_over_the_whole_period() -> None:
    (fold,) = walk_forward(T0, T0 + 30 * DAY_MS, 0)

    assert fold.in_sample == Window(T0, T0 + 30 * DAY_MS)
    assert fold.out_of_sample is None


def test_three_folds_cut_four_consecutive_windows_each_judged_on_the_next() -> None:
    folds = walk_forward(T0, T0 + 29 * DAY_MS, 3)

    windows = [folds[0].in_sample] + [f.out_of_sample for f in folds]
    assert [f.in_sample for f in folds[1:]] == [f.out_of_sample for f in folds[:-1]]
    assert windows[0].start_ms == T0
    assert windows[-1] == Window(T0 + 3 * 10440 * 60_000, T0 + 29 * DAY_MS)
    assert all(w is not None and w.end_ms - w.start_ms >= 10440 * 60_000 for w in windows)


def test_folds_shorter_than_a_day_are_refused() -> None:
    with pytest.raises(DataError, match="--folds 4"):
        walk_forward(T0, T0 + 4 * DAY_MS, 4)


@pytest.mark.parametrize(("in_sample", "out_of_sample", "expected"), [
    (0.04, 0.01, True), (0.04, 0.03, False), (0.04, 0.08, False), (-0.01, -0.015, False),
    (-0.01, -0.05, True), (0.0, -0.005, False),
])
def test_a_fold_diverges_when_out_of_sample_falls_far_below_in_sample(
    in_sample: float, out_of_sample: float, expected: bool,
) -> None:
    assert diverges(in_sample, out_of_sample) is expected


def test_trials_are_split_between_workers_as_evenly_as_possible() -> None:
    assert shares(5, 2) == [3, 2]
    assert shares(1, 3) == [1, 0, 0]
    assert sum(shares(97, 4)) == 97
