"""Shared pieces of the benchmarks: the month data folder, machine facts, result rows."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

# The month of candles lies beside the repository (../shared/data/candles), not in it.
MONTH_DATA = Path(os.environ.get(
    "MEXBOT_MONTH_DATA", Path(__file__).resolve().parents[2] / "shared" / "data" / "candles"))
MONTH_FROM, MONTH_TO = "2023-04-01", "2023-04-30"  # inclusive: 30 days
RESULTS = Path(__file__).resolve().parent / "results"

Row = dict[str, Any]


def month_data_or_none() -> Path | None:
    """Return the month data folder, or None (with a message) when it is absent."""
    if not any(MONTH_DATA.glob("*-1m.csv*")):
        print(f"skipped: no 1-minute candles in {MONTH_DATA}")
        return None
    return MONTH_DATA


def machine() -> dict[str, Any]:
    """Return nproc, the CPU model and the Python version."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version()}


def write_results(folder: Path, stamp: str, facts: dict[str, Any], rows: list[Row]) -> Path:
    """Write the run as `bench-<stamp>.json` and `latest.json` in `folder`; return the first."""
    folder.mkdir(exist_ok=True)
    text = json.dumps({"time": stamp, "machine": facts, "results": rows}, indent=1) + "\n"
    path = folder / f"bench-{stamp}.json"
    path.write_text(text)
    (folder / "latest.json").write_text(text)
    return path
