"""Benchmark `sim-memory`: peak RSS of `mexbot sim` (7 bundled days) and of 28 days of the month.

28 days: the month data covers 29.998 days and `sim` warms up on the first (29 is refused).

Each run is a child process (bench/child.py): the peak from `wait4`, and every 0.2 s its
`VmRSS` with the share of simulated time its progress bar showed (stderr is a pseudo-terminal,
as in a user's terminal, so the bar is drawn). Growth from day 1 to the last day is the highest
RSS sampled in the last tenth of the run (the summary included) against the RSS of the first
sample past the first simulated day: both after the loading, the pessimistic reading.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.child import ChildRun, Sample, run_child
from bench.common import MONTH_DATA, month_data_or_none
from bench.goals import SIM_30_GOALS, SIM_GOALS, Row, judged, skipped

SAMPLE_S = 0.2
MONTH_DAYS = 28


def growth_pct(samples: tuple[Sample, ...], days: float) -> float | None:
    """Return the RSS growth from simulated day 1 to the last day, in percent (None: unknown)."""
    first = _first_after_day_one(samples, days)
    late = [s.rss_mib for s in samples if s.percent is not None and s.percent >= 90]
    if first is None or not late:
        return None
    return round((max(late) - first.rss_mib) / first.rss_mib * 100, 2)


def _first_after_day_one(samples: tuple[Sample, ...], days: float) -> Sample | None:
    return next((s for s in samples if s.percent is not None and s.percent >= 100 / days), None)


def _row(case: str, done: ChildRun, days: float) -> Row:
    growth = growth_pct(done.samples, days)
    first = _first_after_day_one(done.samples, days)
    return {"benchmark": "sim-memory", "case": case, "exit_code": done.exit_code,
            "wall_s": round(done.wall_s, 2), "peak_mib": round(done.peak_mib, 1),
            "growth_pct": growth, "day1_rss_mib": None if first is None else first.rss_mib,
            "samples": [[s.wall_s, s.percent, s.rss_mib] for s in done.samples]}


def run() -> list[Row]:
    """Run `mexbot sim` and `mexbot sim --days 28 --data MONTH` and judge them."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-sim-") as folder:
        work = Path(folder)
        done = run_child(["sim"], work, SAMPLE_S, tty_stderr=True)
        rows.append(judged(_row("mexbot sim (7 bundled days)", done, 7), SIM_GOALS))
        case = f"mexbot sim --days {MONTH_DAYS} --data MONTH"
        data = month_data_or_none()
        if data is None:
            rows.append(skipped("sim-memory", case, f"no candles in {MONTH_DATA}"))
            return rows
        done = run_child(["sim", "--days", str(MONTH_DAYS), "--data", str(data)], work,
                         SAMPLE_S, tty_stderr=True)
        rows.append(judged(_row(case, done, MONTH_DAYS), SIM_30_GOALS))
    return rows
