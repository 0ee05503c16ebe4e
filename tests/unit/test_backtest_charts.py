"""The value chart draws the bot next to holding and buying BTC/ETH 60/40, each labelled."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from runners.backtest_charts import value_chart, value_lines
from runners.backtest_metrics import Drawdown
from runners.backtest_report import BacktestReport, ValuePoint
from runners.benchmarks import benchmark

D = Decimal
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SERIES = [ValuePoint(0, D(600), D(600)), ValuePoint(60_000, D(570), D(601)),
          ValuePoint(120_000, D(612), D(600))]


def _report(with_benchmarks: bool = True) -> BacktestReport:
    benchmarks = (
        benchmark("bot", "bot", [(p.time_ms, p.value) for p in SERIES]),
        benchmark("hold", "hold the start balances", [(p.time_ms, p.hold) for p in SERIES]),
        benchmark("targets", "buy BTC/ETH 60/40 and hold",
                  [(0, D(600)), (0, D("599.7")), (60_000, D(540)), (120_000, D(630))]),
    ) if with_benchmarks else ()
    return BacktestReport(0, 120_000, D(600), D(612), D(600), D(0), [], [], Drawdown(),
                          None, None, D(0), [], SERIES, benchmarks)


def test_the_value_chart_has_a_line_for_the_bot_holding_and_buying_60_40() -> None:
    labels = [label for label, *_ in value_lines(_report())]
    assert labels == ["bot (+2.00%, max dd -5.00%)",
                      "hold the start balances (+0.00%, max dd -0.17%)",
                      "buy BTC/ETH 60/40 and hold (+5.00%, max dd -10.00%)"]


def test_without_benchmarks_the_chart_still_draws_the_bot_and_holding() -> None:
    lines = value_lines(_report(with_benchmarks=False))
    assert [label.split(" (")[0] for label, *_ in lines] == ["bot", "hold the start balances"]


def test_the_value_chart_is_a_png(tmp_path: Path) -> None:
    path = value_chart(_report(), tmp_path / "value.png")
    assert path.read_bytes()[:8] == PNG_MAGIC
