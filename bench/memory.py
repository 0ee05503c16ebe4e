"""Benchmark 4: peak RSS of `mexbot sim` over 1 and 30 simulated days of the month data."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.common import Row, month_data_or_none


def _peak_rss_mb(days: int, data: str) -> tuple[float, float]:
    command = [sys.executable, "-m", "runners", "sim", "--days", str(days),
               "--data", data, "--quiet"]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
    return usage.ru_maxrss / 1024, time.perf_counter() - began


def run(days: int = 30) -> Row | None:
    """Run `sim` (SQLite journal, as the command does) for 1 day and for `days` days."""
    folder = month_data_or_none()
    if folder is None:
        return None
    day1_mb, day1_s = _peak_rss_mb(1, str(folder))
    last_mb, last_s = _peak_rss_mb(days, str(folder))
    return {
        "benchmark": "sim peak RSS", "days": days, "day1_peak_mb": round(day1_mb, 1),
        f"day{days}_peak_mb": round(last_mb, 1), "growth_mb": round(last_mb - day1_mb, 1),
        "day1_wall_s": round(day1_s, 1), f"day{days}_wall_s": round(last_s, 1),
    }
