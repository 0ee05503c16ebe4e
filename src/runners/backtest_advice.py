"""The advisor's paragraph about a backtest's period, when `[advisor]` is enabled."""

from __future__ import annotations

import attrs

from mexcore.advisor import PeriodSummary
from mexcore.policies import BotConfig
from mexcore.ports import Clock
from runners.advisor_link import advisor_for
from runners.backtest_output import render_report
from runners.backtest_report import BacktestReport


async def explained(config: BotConfig, report: BacktestReport, clock: Clock) -> BacktestReport:
    """Return `report` with the advisor's paragraph (the fake unless asked for a real model)."""
    advisor = advisor_for(config.advisor, "sim", clock)
    if advisor is None:
        return report
    try:
        paragraph = await advisor.explain(PeriodSummary(
            "backtest report", render_report(report), _figures(report)))
    finally:
        await advisor.aclose()
    return report if not paragraph else attrs.evolve(report, explanation=paragraph)


def _figures(r: BacktestReport) -> dict[str, str]:
    return {"start_value": str(r.start_value), "final_value": str(r.final_value),
            "return": str(r.total_return), "hold_return": str(r.hold_return),
            "fees": str(r.fees), "trades": str(len(r.trades)),
            "max_drawdown": str(r.drawdown.fraction), "vetoes": str(r.vetoes)}
