"""Run the benchmarks: `.venv/bin/python -m bench [--only NAME,...] [--days N]`.

Prints one table and writes `bench/results/bench-<UTC time>.json` (and `latest.json`).
Benchmarks are measurements, never assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable

from bench import memory, positions, ratelimit, scan, throughput
from bench.common import RESULTS, Row, machine


def _benchmarks(days: int) -> dict[str, Callable[[], Row | None]]:
    return {
        "throughput": lambda: throughput.run(days),
        "positions": positions.run,
        "memory": lambda: memory.run(days),
        "scan": scan.run,
        "ratelimit": ratelimit.run,
    }


def _table(rows: list[Row]) -> str:
    lines = []
    for row in rows:
        name = row.get("benchmark", "?")
        facts = ", ".join(f"{k}={v}" for k, v in row.items() if k != "benchmark")
        lines.append(f"{name:<28} {facts}")
    return "\n".join(lines)


def main() -> int:
    """Run the chosen benchmarks, print the table, write the JSON; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", default="throughput,positions,memory,scan",
                        help="comma-separated: throughput, positions, memory, scan, ratelimit")
    parser.add_argument("--days", type=int, default=30, help="simulated days (default 30)")
    args = parser.parse_args()
    chosen = _benchmarks(args.days)
    rows: list[Row] = []
    for name in args.only.split(","):
        print(f"running {name} …", flush=True)
        row = chosen[name.strip()]()
        if row is not None:
            rows.append(row)
    facts = machine()
    print(f"machine: {facts}")
    print(_table(rows))
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps({"time": stamp, "machine": facts, "results": rows}, indent=1) + "\n"
    (RESULTS / f"bench-{stamp}.json").write_text(text)
    (RESULTS / "latest.json").write_text(text)
    print(f"wrote {RESULTS / f'bench-{stamp}.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
