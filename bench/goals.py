"""The goals of issue 16 beside what was measured: one row per command, a table, pass or fail.

A row is a plain dict (it goes into the JSON as is): `benchmark`, `case`, the measured
`wall_s`, `peak_mib` and, for the 30-day sim, `growth_pct`; `goals` maps each of those keys to
its limit (strictly below it for `<`, at most it for `<=`); `pass` is true when every goal is
met (and the command exited 0 and, for a backtest, wrote the recorded report: `same_report`),
None when nothing was measured against a goal.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]
MB_IN_MIB = 1_000_000 / 1_048_576  # the "MB" read as 10^6 bytes: the stricter reading

# key -> (comparison, limit, how the goal is written)
Goal = tuple[str, float, str]
HELP_GOALS: dict[str, Goal] = {"wall_s": ("<", 0.5, "< 0.5 s")}
BACKTEST_GOALS: dict[str, Goal] = {"wall_s": ("<=", 4.0, "<= 4 s"),
                                   "peak_mib": ("<=", 120.0, "<= 120 MiB")}
SIM_GOALS: dict[str, Goal] = {"peak_mib": ("<", 100 * MB_IN_MIB, "< 100 MB")}
SIM_30_GOALS: dict[str, Goal] = {"peak_mib": ("<", 150 * MB_IN_MIB, "< 150 MB"),
                                 "growth_pct": ("<", 5.0, "growth < 5 %")}
COLUMNS = (("case", 46), ("exit", 5), ("wall_s", 8), ("cpu_s", 7), ("peak_mib", 10),
           ("growth_pct", 11),
           ("same", 6), ("goal", 32), ("pass", 5))


def meets(value: float | None, goal: Goal) -> bool | None:
    """Return whether `value` meets the goal (None when it was not measured)."""
    if value is None:
        return None
    comparison, limit, _ = goal
    return value < limit if comparison == "<" else value <= limit


def judged(row: Row, goals: dict[str, Goal]) -> Row:
    """Return the row with its goals written out and `pass` decided."""
    verdicts = [meets(row.get(key), goal) for key, goal in goals.items()]
    if row.get("exit_code", 0) != 0:
        verdicts.append(False)  # a command that failed meets no goal, however fast it failed
    if row.get("same_report") is False:
        verdicts.append(False)  # faster with other trades is no result
    passed = False if False in verdicts else None if None in verdicts else True
    return {**row, "goals": {key: goal[2] for key, goal in goals.items()},
            "pass": passed}


def _cell(row: Row, key: str) -> str:
    if key == "goal":
        return ", ".join(row.get("goals", {}).values()) or "-"
    if key == "pass":
        return {True: "PASS", False: "FAIL", None: "-"}[row.get("pass")]
    if key == "same":
        return {True: "yes", False: "NO", None: "-"}[row.get("same_report")]
    value = row.get("exit_code" if key == "exit" else key)
    if value is None:
        return "-"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def goal_table(rows: list[Row]) -> str:
    """Render the judged rows as a fixed-width table with a header line."""
    header = "".join(f"{name:<{width}}" for name, width in COLUMNS).rstrip()
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append("".join(f"{_cell(row, name):<{width}}" for name, width in COLUMNS).rstrip())
    return "\n".join(lines)


def skipped(benchmark: str, case: str, why: str) -> Row:
    """Return the row of a case that could not run (its data is absent)."""
    return {"benchmark": benchmark, "case": case, "skipped": why, "pass": None}
