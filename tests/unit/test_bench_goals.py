"""The benchmark's goal table, its JSON and its growth reading (no command is run here)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.backtest_cli import report_digest
from bench.child import Sample, last_percent
from bench.common import write_results
from bench.goals import BACKTEST_GOALS, HELP_GOALS, SIM_GOALS, goal_table, judged, meets, skipped
from bench.sim_memory import growth_pct


def test_a_backtest_within_four_seconds_and_120_mib_passes() -> None:
    row = judged({"case": "month", "exit_code": 0, "wall_s": 4.0, "peak_mib": 120.0},
                 BACKTEST_GOALS)
    assert row["pass"] is True
    assert row["goals"] == {"wall_s": "<= 4 s", "peak_mib": "<= 120 MiB"}


def test_a_backtest_over_either_limit_fails() -> None:
    slow = judged({"exit_code": 0, "wall_s": 4.01, "peak_mib": 90.0}, BACKTEST_GOALS)
    fat = judged({"exit_code": 0, "wall_s": 2.0, "peak_mib": 120.1}, BACKTEST_GOALS)
    assert (slow["pass"], fat["pass"]) == (False, False)


def test_a_command_that_exited_with_an_error_fails_however_fast() -> None:
    assert judged({"exit_code": 2, "wall_s": 0.1}, HELP_GOALS)["pass"] is False


def test_a_fast_backtest_with_other_trades_than_recorded_fails() -> None:
    row = judged({"exit_code": 0, "wall_s": 1.0, "peak_mib": 50.0, "same_report": False},
                 BACKTEST_GOALS)
    assert row["pass"] is False


def test_a_strict_goal_is_not_met_at_its_limit() -> None:
    assert meets(0.5, ("<", 0.5, "< 0.5 s")) is False
    assert meets(0.49, ("<", 0.5, "< 0.5 s")) is True


def test_100_mb_is_read_as_decimal_megabytes_the_stricter_reading() -> None:
    assert judged({"exit_code": 0, "peak_mib": 95.3}, SIM_GOALS)["pass"] is True
    assert judged({"exit_code": 0, "peak_mib": 95.4}, SIM_GOALS)["pass"] is False


def test_an_unmeasured_value_leaves_the_verdict_open() -> None:
    assert judged({"exit_code": 0}, HELP_GOALS)["pass"] is None


def test_the_table_has_a_line_per_row_with_its_goal_and_verdict() -> None:
    rows = [judged({"case": "mexbot --help", "exit_code": 0, "wall_s": 0.21,
                    "peak_mib": 22.5}, HELP_GOALS),
            skipped("backtest-cli", "backtest whole folder", "no candles")]
    lines = goal_table(rows).splitlines()
    assert lines[0].split() == ["case", "exit", "wall_s", "cpu_s", "peak_mib", "growth_pct",
                                "same", "goal", "pass"]
    assert lines[2].split() == ["mexbot", "--help", "0", "0.21", "-", "22.50", "-", "-", "<",
                                "0.5", "s", "PASS"]
    assert lines[3].split() == ["backtest", "whole", "folder", "-", "-", "-", "-", "-", "-",
                                "-", "-"]


def test_the_results_json_holds_the_machine_and_every_row(tmp_path: Path) -> None:
    rows = [judged({"case": "mexbot config", "exit_code": 0, "wall_s": 0.3}, HELP_GOALS)]
    path = write_results(tmp_path, "20260101T000000Z", {"nproc": 2}, rows)
    written = json.loads(path.read_text())
    assert written == {"time": "20260101T000000Z", "machine": {"nproc": 2}, "results": rows}
    assert (tmp_path / "latest.json").read_text() == path.read_text()


def test_growth_compares_the_late_peak_with_the_first_sample_after_day_one() -> None:
    samples = (Sample(0.1, None, 50.0), Sample(1.0, 2.0, 200.0), Sample(2.0, 5.0, 100.0),
               Sample(3.0, 90.0, 104.0), Sample(4.0, 100.0, 102.0))
    assert growth_pct(samples, 28) == 4.0  # day one of 28 ends at 3.6 %


def test_growth_is_unknown_without_a_progress_bar() -> None:
    assert growth_pct((Sample(1.0, None, 100.0), Sample(2.0, None, 120.0)), 28) is None


def test_the_report_digest_ignores_the_order_of_keys(tmp_path: Path) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    one.write_text(json.dumps({"trade_count": 2, "final_value": "1.5", "fees": "0.1"}))
    two.write_text(json.dumps({"fees": "0.1", "final_value": "1.5", "trade_count": 2}))
    assert report_digest(one) == report_digest(two)
    assert report_digest(one)["trade_count"] == 2


def test_the_progress_reading_is_the_last_percentage_the_bar_drew() -> None:
    output = (b"simulated \x1b[90m\xe2\x94\x81\x1b[0m \x1b[35m  4%\x1b[0m 2023-04-21 01:00\r"
              b"\x1b[2K2023-04-21 01:05 [info] return +0.18% today\r\n"
              b"simulated \x1b[91m\xe2\x94\x81\x1b[0m \x1b[35m 12%\x1b[0m 2023-04-21 03:00")
    assert last_percent(output) == 12.0
    assert last_percent(b"mexbot sim: 1 days on bundled data") is None
