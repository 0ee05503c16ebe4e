"""Benchmark `optimize`: trials per minute over the month with two workers, and a walk-forward.

Two measurements on the month of candles (`../shared/data/candles`; its ten files cover
2023-04-01 21:04 → 05-01 21:02, so after the warm-up day the period is 2023-04-03 → 04-30,
28 days, as in bench/backtest_cli.py; every runner on, the seed's other defaults), each with
`--jobs 2` and a fresh journal storage:
1. the throughput: `TRIALS` trials over the whole period (each a 28-day backtest); trials per
   minute of wall time, counting the data loading of both workers (goal: >= 25 a minute),
   and the CPU seconds a trial takes (what two idle cores would do: 2 × 60 / cpu_s a minute);
2. what the optimiser finds with `--folds 3` (`FOLD_TRIALS` trials a fold): per fold the best
   in-sample excess return over buying BTC/ETH 60/40 and holding, and its out-of-sample one.
`MEXBOT_BENCH_OPTIMIZE_TRIALS` / `MEXBOT_BENCH_FOLD_TRIALS` change the counts.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.common import Row, month_data_or_none
from runners.backtest import parse_time_ms
from runners.optimize_output import best_values
from runners.optimize_run import FoldResult, Settings, optimize, overall
from runners.optimize_space import parse_space

TRIALS = int(os.environ.get("MEXBOT_BENCH_OPTIMIZE_TRIALS", "24"))
FOLD_TRIALS = int(os.environ.get("MEXBOT_BENCH_FOLD_TRIALS", "30"))
JOBS = 2
PERIOD = ("2023-04-03", "2023-04-30")
GOAL_PER_MIN = 25
SPACE = {
    "pnl_monitor.profit_threshold": {"low": "0.05", "high": "5", "log": True},
    "pnl_monitor.post_sale_rebalance": [True, False],
    "balancer_5050.deviation": {"low": "0.02", "high": "0.3"},
    "scanner.min_score": {"low": 0, "high": 6},
}


def _settings(folder: Path, storage: Path, trials: int, folds: int) -> Settings:
    period = (parse_time_ms(PERIOD[0]), parse_time_ms(PERIOD[1], end_of_day=True))
    return Settings({}, parse_space(SPACE), folder, trials, str(storage), jobs=JOBS,
                    folds=folds, period=period)


def _fold(result: FoldResult) -> Row:
    best = result.best
    return {"fold": result.fold.number, "in_sample": result.fold.in_sample.describe(),
            "in_sample_excess": None if best is None else round(best.value or 0, 4),
            "out_of_sample_excess": None if result.out_value is None else round(result.out_value,
                                                                                 4),
            "diverges": result.diverges, "best": None if best is None else dict(best.values)}


def _throughput(folder: Path, work: Path) -> Row:
    began = time.perf_counter()
    results = optimize(_settings(folder, work / "month.journal", TRIALS, 0))
    wall = time.perf_counter() - began
    done = [t for t in results[0].trials if t.state == "COMPLETE"]
    per_min = len(done) / wall * 60
    cpu = [float(t.facts["cpu_s"]) for t in done if "cpu_s" in t.facts]
    cpu_s = sum(cpu) / len(cpu) if cpu else None
    return {"benchmark": "optimize", "case": f"month, {TRIALS} trials, --jobs {JOBS}",
            "trials": len(done), "wall_s": round(wall, 1), "trials_per_min": round(per_min, 1),
            "cpu_s_per_trial": cpu_s and round(cpu_s, 2),
            "idle_machine_trials_per_min": cpu_s and round(JOBS * 60 / cpu_s, 1),
            "goal": f">= {GOAL_PER_MIN} trials/min", "reached": per_min >= GOAL_PER_MIN,
            "best": best_values(results), "best_excess": results[0].best and round(
                results[0].best.value or 0, 4)}


def _walk_forward(folder: Path, work: Path) -> Row:
    began = time.perf_counter()
    results = optimize(_settings(folder, work / "folds.journal", FOLD_TRIALS, 3))
    return {"benchmark": "optimize", "case": f"month --folds 3, {FOLD_TRIALS} trials a fold",
            "wall_s": round(time.perf_counter() - began, 1), "overall": overall(results),
            "folds": [_fold(r) for r in results]}


def run() -> list[Row] | None:
    """Measure the trial throughput and run the walk-forward (None without the month data)."""
    folder = month_data_or_none()
    if folder is None:
        return None
    with tempfile.TemporaryDirectory(prefix="bench-optimize-") as name:
        return [_throughput(folder, Path(name)), _walk_forward(folder, Path(name))]
