"""What `mexbot optimize` writes: best.toml loads into the configuration; tables rank trials."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path

from mexcore.config import load_config
from runners.optimize_folds import Fold, Window
from runners.optimize_output import best_toml, results_json, top_table, write_outputs
from runners.optimize_run import FoldResult, Settings, TrialRow, best_row, overall
from runners.optimize_space import parse_space

D = Decimal
T0 = 1_680_393_600_000
DAY = 86_400_000
SPACE = parse_space({"pnl_monitor.profit_threshold": {"low": "0.05", "high": "5"},
                     "pnl_monitor.post_sale_rebalance": [True, False]})
SETTINGS = Settings({}, SPACE, None, 3, "unused.journal", folds=1)


def row(number: int, value: float | None, threshold: str = "0.5", state: str = "COMPLETE",
        ) -> TrialRow:
    values = {"pnl_monitor.profit_threshold": threshold, "pnl_monitor.post_sale_rebalance": False}
    return TrialRow(number, state, value, values, {"return": "0.01", "trades": 3})


def result(rows: list[TrialRow], out_value: float | None = None) -> FoldResult:
    fold = Fold(1, Window(T0, T0 + 2 * DAY), Window(T0 + 2 * DAY, T0 + 4 * DAY))
    return FoldResult(fold, "mexbot-fold-1", rows, best_row(rows), out_value,
                      importances={"pnl_monitor.profit_threshold": 0.7,
                                   "pnl_monitor.post_sale_rebalance": 0.3})


def test_the_best_trial_is_the_highest_score_and_the_first_on_a_tie() -> None:
    rows = [row(0, 0.01), row(1, 0.03), row(2, 0.03), row(3, None, state="PRUNED")]

    best = best_row(rows)

    assert best is not None
    assert best.number == 1


def test_best_toml_loads_into_the_configuration_with_exact_values() -> None:
    text = best_toml([result([row(0, 0.02, threshold="0.734512")])], SETTINGS)

    config = load_config(tomllib.loads(text, parse_float=Decimal))

    assert config.pnl_monitor.profit_threshold == D("0.734512")
    assert config.pnl_monitor.post_sale_rebalance is False


def test_the_top_trials_table_lists_the_best_first_and_leaves_out_pruned_ones() -> None:
    table = top_table([row(0, 0.01), row(1, 0.05), row(2, None, state="PRUNED")])

    numbers = [int(line.split()[0]) for line in table.splitlines()[1:]]
    assert numbers == [1, 0]


def test_a_fold_far_worse_out_of_sample_is_flagged_in_the_json() -> None:
    data = results_json([result([row(0, 0.04)], out_value=0.001)], SETTINGS)

    assert data["results"][0]["diverges"] is True
    assert data["overall"]["diverges"] is True
    assert len(data["warnings"]) == 2


def test_the_outputs_are_written_with_both_plots(tmp_path: Path) -> None:
    paths = write_outputs([result([row(0, 0.01), row(1, 0.02)], out_value=0.015)], SETTINGS,
                          tmp_path)

    names = sorted(p.name for p in paths)
    assert names == ["best.toml", "history.png", "importance.png", "results.json",
                     "top_trials.txt", "walk_forward.txt"]
    assert (tmp_path / "history.png").read_bytes()[:4] == b"\x89PNG"
    assert json.loads((tmp_path / "results.json").read_text())["best"] == \
        {"pnl_monitor.profit_threshold": "0.5", "pnl_monitor.post_sale_rebalance": False}


def test_most_folds_diverging_makes_the_whole_walk_forward_diverge() -> None:
    pairs = [(0.0099, -0.0093), (-0.012, -0.0008), (0.0048, -0.0092)]  # the month's 3 folds

    total = overall([result([row(0, ins)], out_value=out) for ins, out in pairs])

    assert total["folds_diverging"] == 2
    assert total["diverges"] is True
