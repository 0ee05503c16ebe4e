"""The backtest report's by-asset table: quantities without exponents, prices to the tick."""

from decimal import Decimal

from runners.backtest_metrics import Drawdown
from runners.backtest_output import render_report
from runners.backtest_report import AssetReport, BacktestReport

D = Decimal


def _report(asset: AssetReport) -> BacktestReport:
    return BacktestReport(0, 60_000, D(600), D(600), D(600), D(0), [], [asset], Drawdown(),
                          None, None, D(0), [], [])


def test_the_by_asset_table_shows_the_quantity_plainly_and_the_cost_to_the_tick() -> None:
    ada = AssetReport("ADAUSDC", "USDC", D("100"), D("0.40112345"), D(0), D("-0.16"),
                      price_tick=D("0.0001"))

    [row] = [line for line in render_report(_report(ada)).splitlines()
             if line.strip().startswith("ADAUSDC")]

    assert row.split()[1:3] == ["100", "0.4011"]
