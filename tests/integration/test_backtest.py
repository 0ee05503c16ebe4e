"""A short backtest on the bundled data: files written, numbers consistent, runs repeatable."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.integration.backtest_runs import run_backtest

from runners.backtest import parse_time_ms

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHARTS = ("value.png", "drawdown.png", "allocation.png", "trades_btc.png")


def _run(out: Path, *extra: str) -> dict[str, Any]:
    return run_backtest(out, *extra)


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("backtest")
    _run(out)
    return out


@pytest.fixture(scope="module")
def report(report_dir: Path) -> dict[str, Any]:
    return json.loads((report_dir / "report.json").read_text())  # type: ignore[no-any-return]


def test_the_backtest_writes_the_text_report_the_json_and_four_png_charts(
    report_dir: Path,
) -> None:
    assert (report_dir / "report.txt").read_text().startswith("=== mexbot backtest")
    for name in CHARTS:
        assert (report_dir / name).read_bytes()[:8] == PNG_MAGIC


def test_the_backtest_covers_exactly_the_requested_period(report: dict[str, Any]) -> None:
    assert report["period"]["start_ms"] == parse_time_ms("2023-04-25T00:00")
    assert report["period"]["end_ms"] == parse_time_ms("2023-04-25T08:00")


def test_final_value_minus_start_value_is_the_pnl(report: dict[str, Any]) -> None:
    start, final = Decimal(report["start_value"]), Decimal(report["final_value"])
    assert final - start == Decimal(report["pnl"])
    assert Decimal(report["total_return"]) == (final - start) / start


def test_every_trade_is_listed_and_belongs_to_a_component(report: dict[str, Any]) -> None:
    trades = report["trades"]
    assert report["trade_count"] == len(trades) > 0
    assert sum(c["trades"] for c in report["components"].values()) == len(trades)
    sells = [t for t in trades if t["side"] == "SELL"]
    assert sum(c["sells"] for c in report["components"].values()) == len(sells)


def test_realised_pnl_of_the_trades_adds_up_per_component(report: dict[str, Any]) -> None:
    for name, component in report["components"].items():
        realised = sum((Decimal(t["realised_pnl"]) for t in report["trades"]
                        if t["runner"] == name and t["realised_pnl"] is not None), Decimal(0))
        assert abs(realised - Decimal(component["realised_pnl"])) < Decimal("0.0001"), name


def test_fees_by_component_add_up_to_the_total_fees(report: dict[str, Any]) -> None:
    fees = sum(Decimal(c["fees"]) for c in report["components"].values())
    assert abs(fees - Decimal(report["fees"])) < Decimal("0.000001")


def test_drawdown_is_not_positive_and_its_peak_precedes_its_trough(report: dict[str, Any]) -> None:
    dd = report["max_drawdown"]
    assert Decimal(dd["value"]) <= 0
    assert Decimal(dd["fraction"]) <= 0
    if dd["peak_ms"] is not None:
        assert dd["peak_ms"] < dd["trough_ms"]
    assert 0 <= Decimal(report["time_in_market"]) <= 1


def test_the_same_data_config_and_seed_give_the_same_report(
    tmp_path: Path, report: dict[str, Any]
) -> None:
    again = _run(tmp_path, "--no-charts")
    assert again == report
    assert not (tmp_path / "value.png").exists()


def test_the_json_compares_the_bot_with_holding_and_with_buying_btc_eth_60_40(
    report: dict[str, Any],
) -> None:
    benchmarks = report["benchmarks"]
    assert list(benchmarks) == ["bot", "hold", "targets"]
    assert benchmarks["targets"]["label"] == "buy BTC/ETH 60/40 and hold"
    assert benchmarks["bot"]["return"] == report["total_return"]
    assert benchmarks["bot"]["max_drawdown"] == report["max_drawdown"]["fraction"]
    assert benchmarks["hold"]["return"] == report["hold_return"]
    for b in benchmarks.values():
        assert b["start_value"] == report["start_value"]
        assert -1 <= Decimal(b["max_drawdown"]) <= 0
    assert benchmarks["targets"]["final_value"] != report["start_value"]  # prices moved


def test_the_text_report_shows_each_benchmark_with_its_return_and_drawdown(
    report_dir: Path, report: dict[str, Any],
) -> None:
    lines = (report_dir / "report.txt").read_text().splitlines()
    for b in report["benchmarks"].values():
        [line] = [x for x in lines if x.strip().startswith(b["label"] + " ")]
        final, change, drawdown = line.split()[-3:]
        assert Decimal(final) == Decimal(b["final_value"]).quantize(Decimal("0.01"))
        assert change == f"{Decimal(b['return']):+.2%}"
        assert drawdown == f"{Decimal(b['max_drawdown']):+.2%}"
