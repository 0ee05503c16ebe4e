"""`mexbot download` against a served sandbox; `mexbot backtest --data` reads what it wrote."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.fake import FakeClock
from adapters.fake.loader import BUNDLED_START_MS
from adapters.fake.testing.markets import bundled_market
from adapters.sandbox import RunningSandbox, SandboxConfig, running_sandbox
from mexcore.policies import BotConfig, ScannerPolicy
from mexcore.universe import select_universe
from runners.cli import main
from runners.periods import traded_symbols

DAY = 86_400_000
TWINS = ("BTCUSDT", "ETHUSDT", "ADAUSDT", "DOTUSDT", "LINKUSDT", "MATICUSDT", "AVAXUSDT")


@pytest.fixture
async def served() -> AsyncIterator[RunningSandbox]:
    async with running_sandbox(SandboxConfig(), clock=FakeClock(BUNDLED_START_MS + 3 * DAY),
                               market=bundled_market()) as run:
        yield run


async def test_a_symbol_mexc_does_not_list_fails_with_exit_2_before_any_file(
        served: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = await asyncio.to_thread(main, [
        "download", "--symbols", "BTCUSDT,NOPEUSDT", "--from", "2023-04-20", "--out",
        str(tmp_path / "out"), "--base-url", served.base_url])

    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "mexbot: error: argument --symbols: MEXC does not list NOPEUSDT (no such symbol in "
        "exchangeInfo); nothing was downloaded")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize(("interval", "hint"), [("1h", "MEXC spells it 60m"),
                                                ("2h", "MEXC serves 1m 5m")])
def test_an_interval_mexc_does_not_serve_is_refused_with_its_spelling(
        tmp_path: Path, interval: str, hint: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["download", "--symbols", "BTCUSDT", "--interval", interval, "--from",
                 "2023-04-20", "--out", str(tmp_path), "--base-url", "http://127.0.0.1:9"])

    assert code == 2
    assert hint in capsys.readouterr().err


async def test_backtest_runs_on_a_downloaded_folder(
        served: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "candles"
    code = await asyncio.to_thread(main, [
        "download", "--symbols", ",".join(TWINS), "--from", "2023-04-20", "--to", "2023-04-21",
        "--out", str(out), "--base-url", served.base_url])
    assert code == 0
    assert len(capsys.readouterr().out.splitlines()) == len(TWINS)
    report = json.loads((out / "BTCUSDT-1m.gaps.json").read_text())

    done = subprocess.run(
        [sys.executable, "-m", "runners", "backtest", "--data", str(out), "--quiet",
         "--no-charts", "--from", "2023-04-21T06:00", "--days", "0.25", "--out",
         str(tmp_path / "bt")], cwd=tmp_path, capture_output=True, text=True, timeout=180,
        check=False)

    assert (report["candles"], report["gaps"]) == (2 * 1440, [])
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "bt" / "report.json").exists()


async def test_the_universe_is_what_the_configured_bot_trades_and_would_scan(
        served: RunningSandbox, tmp_path: Path) -> None:
    public = served.sandbox.public
    expected = {*traded_symbols(BotConfig()), *select_universe(
        await public.tickers_24h(), await public.symbol_rules(), ScannerPolicy())}

    code = await asyncio.to_thread(main, [
        "download", "--universe", "--from", "2023-04-21T00:00", "--to", "2023-04-21T00:30",
        "--out", str(tmp_path), "--base-url", served.base_url, "--quiet"])

    assert code == 0
    assert {p.name.removesuffix("-1m.csv.gz") for p in tmp_path.glob("*.csv.gz")} == expected
    assert {"BTCUSDC", "ETHUSDC", "XRPUSDT"} <= expected  # traded, and a pair the scanner picks


async def test_a_configured_symbol_mexc_does_not_list_is_named_and_skipped_by_universe(
        served: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "mexbot.toml"
    config.write_text('[scanner]\nenabled = false\n[balancer_5050]\nenabled = false\n'
                      '[pnl_monitor]\nsymbols = ["BTCUSDC", "NOPEUSDC"]\n')

    code = await asyncio.to_thread(main, [
        "download", "--universe", "--config", str(config), "--from", "2023-04-21T00:00",
        "--to", "2023-04-21T00:10", "--out", str(tmp_path / "out"), "--base-url",
        served.base_url])

    assert code == 0
    assert {p.name for p in (tmp_path / "out").glob("*.csv.gz")} == {
        "BTCUSDC-1m.csv.gz", "ETHUSDC-1m.csv.gz"}
    assert "MEXC does not list NOPEUSDC" in capsys.readouterr().err
