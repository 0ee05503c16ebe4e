"""Run the benchmarks: `.venv/bin/python -m bench [--only NAME,...] [--days N]`.

Prints one table and writes `bench/results/bench-<UTC time>.json` (and `latest.json`).
Benchmarks are measurements, never assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from bench import (
    backtest_cli,
    memory,
    positions,
    ratelimit,
    reaction,
    scan,
    sim_memory,
    throughput,
)
from bench.common import RESULTS, Row, machine, write_results
from bench.goals import goal_table


def _benchmarks(days: int) -> dict[str, Callable[[], Row | list[Row] | None]]:
    return {
        "throughput": lambda: throughput.run(days),
        "positions": positions.run,
        "memory": lambda: memory.run(days),
        "scan": scan.run,
        "ratelimit": ratelimit.run,
        "backtest-cli": backtest_cli.run,  # issue 16's goals: wall and peak RSS of commands
        "sim-memory": sim_memory.run,
        "optimize": _optimize,  # issue 19: trials a minute, walk-forward over the month
        "reaction": reaction.run,  # issue 18: price move → order, streams vs REST polling
    }


def _optimize() -> list[Row] | None:
    from bench import optimize  # optuna: only when this benchmark runs

    return optimize.run()


def _table(rows: list[Row]) -> str:
    lines = []
    for row in (r for r in rows if "goals" not in r and "skipped" not in r):
        name = row.get("benchmark", "?")
        facts = ", ".join(f"{k}={v}" for k, v in row.items() if k != "benchmark")
        lines.append(f"{name:<28} {facts}")
    return "\n".join(lines)


def _print_goals(rows: list[Row]) -> None:
    judged = [r for r in rows if "goals" in r or "skipped" in r]
    if judged:
        print(goal_table(judged))
    for row in (r for r in judged if "skipped" in r):
        print(f"skipped {row['case']}: {row['skipped']}")


def main() -> int:
    """Run the chosen benchmarks, print the table, write the JSON; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", default="throughput,positions,memory,scan",
                        help="comma-separated: throughput, positions, memory, scan, ratelimit, "
                             "backtest-cli, sim-memory, optimize, reaction")
    parser.add_argument("--days", type=int, default=30, help="simulated days (default 30)")
    args = parser.parse_args()
    chosen = _benchmarks(args.days)
    rows: list[Row] = []
    for name in args.only.split(","):
        print(f"running {name} …", flush=True)
        found = chosen[name.strip()]()
        rows += [] if found is None else found if isinstance(found, list) else [found]
    facts = machine()
    print(f"machine: {facts}")
    print(_table(rows))
    _print_goals(rows)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    print(f"wrote {write_results(RESULTS, stamp, facts, rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
