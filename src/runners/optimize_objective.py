"""What `mexbot optimize` maximises, from a finished backtest's report (fees always counted).

- `excess`: the bot's return minus that of buying the balance targets (BTC/ETH 60/40) at the
  start and holding (the report's `targets` benchmark, fees of those two buys included);
- `sharpe`, `sortino`: the report's annualised daily ratios (0 when undefined: no variation);
- `return-capped`: the return, when the deepest drawdown stays within `--max-drawdown`; beyond
  it -1 minus the excess drawdown, below any return that kept to the cap.
The report's values are after every fee the exchange charged. Scores are floats for optuna:
statistics, never money that reaches an order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from mexcore.money import ZERO, format_decimal
from runners.backtest_report import BacktestReport

OBJECTIVES = ("excess", "sharpe", "sortino", "return-capped")
DEFAULT_MAX_DRAWDOWN = Decimal("0.2")


@attrs.frozen
class Objective:
    """Which score to maximise and, for `return-capped`, the deepest drawdown allowed."""

    name: str = "excess"
    max_drawdown: Decimal = DEFAULT_MAX_DRAWDOWN

    def __attrs_post_init__(self) -> None:
        if self.name not in OBJECTIVES:
            raise ValueError(f"objective {self.name!r}: choose one of {', '.join(OBJECTIVES)}")
        if not ZERO < self.max_drawdown <= 1:
            raise ValueError(f"--max-drawdown {self.max_drawdown}: a fraction in (0, 1]")


def targets_return(report: BacktestReport) -> Decimal:
    """Return the return of buying the targets and holding (holding the start if none)."""
    for bench in report.benchmarks:
        if bench.key == "targets":
            return bench.total_return
    return report.hold_return


def excess_return(report: BacktestReport) -> Decimal:
    """Return the bot's return minus buying the targets and holding: -0.09 vs -0.001 → -0.089."""
    return report.total_return - targets_return(report)


def capped_return(report: BacktestReport, cap: Decimal) -> Decimal:
    """Return the total return if the drawdown is within `cap`, else -1 minus the overshoot.

    A 30 % drawdown with a 20 % cap scores -1.1.
    """
    fall = -report.drawdown.fraction
    return report.total_return if fall <= cap else Decimal(-1) - (fall - cap)


def score(report: BacktestReport, objective: Objective) -> float:
    """Return the value optuna maximises for this report."""
    if objective.name == "excess":
        return float(excess_return(report))
    if objective.name == "sharpe":
        return report.sharpe or 0.0
    if objective.name == "sortino":
        return report.sortino or 0.0
    return float(capped_return(report, objective.max_drawdown))


def report_facts(report: BacktestReport) -> dict[str, Any]:
    """Return the report's headline numbers as JSON-ready values (decimals as strings)."""
    return {
        "return": format_decimal(report.total_return.quantize(Decimal("1e-6"))),
        "excess": format_decimal(excess_return(report).quantize(Decimal("1e-6"))),
        "targets_return": format_decimal(targets_return(report).quantize(Decimal("1e-6"))),
        "drawdown": format_decimal(report.drawdown.fraction.quantize(Decimal("1e-6"))),
        "sharpe": None if report.sharpe is None else round(report.sharpe, 4),
        "sortino": None if report.sortino is None else round(report.sortino, 4),
        "fees": format_decimal(report.fees.quantize(Decimal("0.01"))),
        "trades": len(report.trades),
        "final_value": format_decimal(report.final_value.quantize(Decimal("0.01"))),
    }
