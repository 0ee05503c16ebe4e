"""`mexbot status`, `mexbot trades` and `mexbot --version` as subprocesses on a built journal."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from tests.integration.watch.journal_builder import build_journal, config_for


def _mexbot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runners", *args], capture_output=True,
                          text=True, timeout=60, check=False)


def test_status_shows_mode_runners_open_orders_balances_and_pnl(tmp_path: Path) -> None:
    config = config_for(tmp_path, build_journal(tmp_path / "state"))
    done = _mexbot("status", "--config", str(config))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("mexbot live")
    assert "balance_monitor: 1 ticks, 2 actions, 0 errors; last 2025-12-02 00:00:00 UTC" in out
    assert "last error 2025-12-02 00:00:00 UTC: MEXC timed out" in out
    assert "open orders: 1\n  BTCUSDC BUY 0.001 @ 60000" in out
    assert "total 1000.12" in out
    assert "BTCUSDC: holds 0.005 BTC at average cost 60060.00" in out


def test_trades_lists_every_fill_as_csv_and_since_filters(tmp_path: Path) -> None:
    config = config_for(tmp_path, build_journal(tmp_path / "state"))
    every = _mexbot("trades", "--config", str(config), "--csv")
    later = _mexbot("trades", "--config", str(config), "--csv", "--since", "2025-12-01T12:00")
    rows = list(csv.DictReader(io.StringIO(every.stdout)))
    assert every.returncode == 0, every.stderr
    assert [(r["side"], r["price"], r["qty"], r["runner"]) for r in rows] == [
        ("BUY", "60000", "0.01", "balance_monitor"), ("SELL", "62000", "0.005", "balance_monitor")]
    assert [r["trade_id"] for r in csv.DictReader(io.StringIO(later.stdout))] == ["2"]


def test_trades_prints_a_table_with_a_count(tmp_path: Path) -> None:
    config = config_for(tmp_path, build_journal(tmp_path / "state"))
    done = _mexbot("trades", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "2 fill(s)"
    assert "2025-12-02 00:00:00  BTCUSDC  SELL" in done.stdout


def test_a_bad_since_date_is_one_line_naming_the_option(tmp_path: Path) -> None:
    config = config_for(tmp_path, build_journal(tmp_path / "state"))
    done = _mexbot("trades", "--config", str(config), "--since", "yesterday")
    assert done.returncode == 2
    assert "--since" in done.stderr
    assert "Traceback" not in done.stderr


def test_status_without_a_journal_says_so_and_creates_nothing(tmp_path: Path) -> None:
    config = config_for(tmp_path, tmp_path / "nothing")
    done = _mexbot("status", "--config", str(config))
    assert done.returncode == 2
    assert "no journal in" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "nothing").exists()


def test_version_prints_the_installed_version() -> None:
    done = _mexbot("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("mexbot ")
