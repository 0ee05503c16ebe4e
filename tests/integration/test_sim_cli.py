"""`mexbot sim` end to end: the whole bot in a subprocess, its exit code and its summary."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest

COMPONENTS = ("alts_monitor", "balance_monitor", "balancer_5050", "orders_reporter",
              "pnl_monitor", "portfolio_rebalance", "scanner")


@pytest.fixture(scope="module")
def sim_output(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """Run `python -m runners sim --days 0.25 --quiet` once, in an empty folder."""
    return subprocess.run(
        [sys.executable, "-m", "runners", "sim", "--days", "0.25", "--quiet"],
        cwd=tmp_path_factory.mktemp("sim"), capture_output=True, text=True, timeout=180,
        check=False,
    )


def test_sim_exits_zero(sim_output: subprocess.CompletedProcess[str]) -> None:
    assert sim_output.returncode == 0, sim_output.stderr[-2000:]


def test_sim_summary_has_a_line_per_component(
    sim_output: subprocess.CompletedProcess[str],
) -> None:
    lines = sim_output.stdout.splitlines()
    assert "=== mexbot run summary ===" in lines
    for component in COMPONENTS:
        [line] = [x for x in lines if x.split()[:1] == [component]]
        assert len(line.split()) == 8, line  # actions, orders, fills, bought, sold, fees, PnL


def test_sim_summary_ends_with_the_final_balances(
    sim_output: subprocess.CompletedProcess[str],
) -> None:
    lines = sim_output.stdout.splitlines()
    [balances] = [x for x in lines if x.startswith("Final balances: ")]
    assert "USDC " in balances
    assert "USDT " in balances
    assert lines[-1].startswith("Simulated 0.25 days in ")


def test_sim_summary_compares_the_bot_with_holding_and_with_buying_btc_eth_60_40(
    sim_output: subprocess.CompletedProcess[str],
) -> None:
    lines = sim_output.stdout.splitlines()
    [value] = [x for x in lines if x.startswith("Portfolio value: ")]
    start_text, final_text = value.split()[2], value.split()[4]
    rows = {}
    for label in ("bot", "hold the start balances", "buy BTC/ETH 60/40 and hold"):
        [line] = [x for x in lines if x.startswith(f"  {label} ")]
        rows[label] = line.split()[-3:]
        assert -100 <= float(rows[label][2].rstrip("%")) <= 0, line  # max drawdown
    assert rows["bot"][0] == final_text
    start, buy_and_hold = Decimal(start_text), Decimal(rows["buy BTC/ETH 60/40 and hold"][0])
    assert rows["buy BTC/ETH 60/40 and hold"][1] == f"{(buy_and_hold - start) / start:+.2%}"


def test_sim_quiet_prints_no_notifications_and_no_traceback(
    sim_output: subprocess.CompletedProcess[str],
) -> None:
    assert not any(x.startswith(("[info]", "[alert]")) for x in sim_output.stdout.splitlines())
    assert "Traceback" not in sim_output.stderr


def test_sim_actually_trades(sim_output: subprocess.CompletedProcess[str]) -> None:
    lines = sim_output.stdout.splitlines()
    [trades] = [x for x in lines if x.startswith("Trades (fills): ")]
    assert int(trades.split()[2].rstrip(";")) > 0


def test_no_command_runs_the_embedded_default_a_week_of_sim(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "runners"], cwd=tmp_path_factory.mktemp("default"),
        capture_output=True, text=True, timeout=300, check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert "=== mexbot run summary ===" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("Simulated 7.00 days in ")
