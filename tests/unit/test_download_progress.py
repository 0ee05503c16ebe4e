"""The download's progress bar: drawn on a terminal only, one bar per symbol."""

from __future__ import annotations

from runners.download_command import DownloadProgress, summary_line


def test_without_a_terminal_there_is_no_bar_to_move() -> None:
    with DownloadProgress(enabled=False) as bar:
        assert bar.task("BTCUSDC 1m") is None


def test_a_bar_counts_the_candles_written_out_of_those_to_come() -> None:
    with DownloadProgress(enabled=True) as bar:
        move = bar.task("BTCUSDC 1m")
        move(1000, 2880)
        move(2880, 2880)
        [task] = bar._bar.tasks

    assert (task.completed, task.total, task.description) == (2880, 2880, "BTCUSDC 1m")


def test_the_summary_names_the_file_its_span_and_its_gaps() -> None:
    report = {"file": "BTCUSDC-1m.csv.gz", "candles": 2860, "added": 860,
              "first_candle": "2025-01-01T00:00:00Z", "last_candle": "2025-01-02T23:59:00Z",
              "gaps": [{}], "missing_candles": 20,
              "no_candles_after": {"from": "2025-01-03T00:00:00Z"}}

    assert summary_line(report) == (
        "BTCUSDC-1m.csv.gz: 2860 candles (860 new), 2025-01-01T00:00:00Z → "
        "2025-01-02T23:59:00Z, 1 gaps (20 candles missing at MEXC); none after "
        "2025-01-03T00:00:00Z")
