"""Benchmark `backtest-cli`: the commands a user types, end to end, each in its own process.

`mexbot backtest` as issue 16 types it (`--from 2023-04-02 --to 2023-05-01`; all ten symbols'
data covers 2023-04-01 21:04 to 2023-05-01 21:02 and the first day warms up, so it replays
2023-04-02 21:04 → 2023-05-01 21:02, saying so on stderr) and over the whole data folder (no
period: the longest files are read whole), both writing
report.txt, report.json and the four charts; then `mexbot --help` and `mexbot config`. Wall
time and peak RSS are measured from outside (bench/child.py). Each backtest's report.json is
compared with the one recorded in bench/month_reports.json (same trades: `same_report`); a
backtest's `cpu_s` is the user + system time of the command (and its launcher), which a
machine shared with other jobs inflates less than the wall time;
`python -m bench.backtest_cli --record` records them from the code at hand.
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import tempfile
from pathlib import Path

from bench.child import run_child
from bench.common import MONTH_DATA, month_data_or_none
from bench.goals import BACKTEST_GOALS, HELP_GOALS, Row, judged, skipped

RECORDED = Path(__file__).resolve().parent / "month_reports.json"
BACKTESTS = {
    "backtest --from 2023-04-02 --to 2023-05-01": ["--from", "2023-04-02", "--to", "2023-05-01"],
    "backtest whole folder (no --from/--to)": [],
}


def report_digest(path: Path) -> dict[str, object]:
    """Return the sha256 of a report.json (keys sorted) with its trade count and final value."""
    report = json.loads(path.read_text(encoding="utf-8"))
    canonical = json.dumps(report, sort_keys=True, separators=(",", ":")).encode()
    return {"sha256": hashlib.sha256(canonical).hexdigest(),
            "trade_count": report["trade_count"], "final_value": report["final_value"]}


def same_report(case: str, digest: dict[str, object]) -> bool | None:
    """Return whether the digest equals the recorded one (None when none is recorded)."""
    recorded = json.loads(RECORDED.read_text()) if RECORDED.exists() else {}
    return None if case not in recorded else recorded[case] == digest


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped descendants, grandchildren too
    return usage.ru_utime + usage.ru_stime


def _backtest(case: str, period: list[str], data: Path, work: Path) -> Row:
    out = work / "out"
    cpu_before = _children_cpu_s()
    done = run_child(["backtest", "--data", str(data), *period, "--out", str(out)], work)
    row: Row = {"benchmark": "backtest-cli", "case": case, "exit_code": done.exit_code,
                "wall_s": round(done.wall_s, 2), "peak_mib": round(done.peak_mib, 1),
                "cpu_s": round(_children_cpu_s() - cpu_before, 2)}
    if done.exit_code == 0:
        digest = report_digest(out / "report.json")
        row |= {"trades": digest["trade_count"], "same_report": same_report(case, digest),
                "digest": digest}
    return judged(row, BACKTEST_GOALS)


def _light(case: str, argv: list[str], work: Path) -> Row:
    done = run_child(argv, work)
    row: Row = {"benchmark": "backtest-cli", "case": case, "exit_code": done.exit_code,
                "wall_s": round(done.wall_s, 2), "peak_mib": round(done.peak_mib, 1)}
    return judged(row, HELP_GOALS)


def run() -> list[Row]:
    """Run the two backtests (when the month data is there), `--help` and `config`."""
    rows: list[Row] = []
    data = month_data_or_none()
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as folder:
        work = Path(folder)
        for case, period in BACKTESTS.items():
            rows.append(skipped("backtest-cli", case, f"no candles in {MONTH_DATA}")
                        if data is None else _backtest(case, period, data, work))
        rows.append(_light("mexbot --help", ["--help"], work))
        rows.append(_light("mexbot config", ["config"], work))
    return rows


def record() -> int:
    """Write bench/month_reports.json from the two backtests of the code at hand."""
    rows = [r for r in run() if "digest" in r]
    if not rows:
        print("nothing recorded: the month data is absent", file=sys.stderr)
        return 1
    RECORDED.write_text(json.dumps({r["case"]: r["digest"] for r in rows}, indent=1) + "\n")
    print(f"wrote {RECORDED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(record() if sys.argv[1:] == ["--record"] else 2)
