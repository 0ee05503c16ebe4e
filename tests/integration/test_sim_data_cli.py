"""`mexbot sim`/`backtest --data DIR` in a subprocess: no invented markets, periods checked."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.fake.loader import bundled_data_dir

HEADER = "open_time_ms,open,high,low,close,volume,quote_volume"
TRADED_BASES = ("BTC", "ETH", "ADA", "DOT", "LINK", "MATIC", "AVAX")  # the default configuration


def mexbot(cwd: Path, *words: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m runners WORDS` in `cwd`."""
    return subprocess.run([sys.executable, "-m", "runners", *words], cwd=cwd,
                          capture_output=True, text=True, timeout=180, check=False)


def copy_days(folder: Path, base: str, days: int) -> None:
    """Write the first `days` days of the bundled BASEUSDT candles as a plain CSV in `folder`."""
    text = gzip.decompress((bundled_data_dir() / f"{base}USDT-1m.csv.gz").read_bytes()).decode()
    lines = text.splitlines()[: 1 + days * 1440]
    (folder / f"{base}USDT-1m.csv").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with two days of candles of every USDT twin the default configuration trades."""
    folder = tmp_path_factory.mktemp("two-days")
    for base in TRADED_BASES:
        copy_days(folder, base, 2)
    return folder


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    """Return the one line a refused command printed, checking exit code 2 and no traceback."""
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("mexbot: error: "), line
    return line


def test_sim_on_an_empty_folder_is_refused_naming_the_missing_symbols_and_files(
    tmp_path: Path,
) -> None:
    line = error_line(mexbot(tmp_path, "sim", "--data", str(tmp_path), "--days", "0.25"))

    for base in TRADED_BASES:
        assert f"{base}USDC" in line
    assert "BTCUSDC-1m.csv[.gz] or BTCUSDT-1m.csv[.gz]" in line


def test_sim_on_a_folder_with_only_btc_is_refused_naming_the_others(tmp_path: Path) -> None:
    copy_days(tmp_path, "BTC", 2)

    line = error_line(mexbot(tmp_path, "sim", "--data", str(tmp_path), "--days", "0.25"))

    assert "ETHUSDC" in line
    assert "AVAXUSDC" in line
    assert "BTCUSDC" not in line


def test_sim_synthetic_fills_the_gaps_and_the_output_names_the_synthetic_markets(
    tmp_path: Path,
) -> None:
    copy_days(tmp_path, "BTC", 2)

    result = mexbot(tmp_path, "sim", "--data", str(tmp_path), "--days", "0.25", "--quiet",
                    "--synthetic")

    assert result.returncode == 0, result.stderr[-2000:]
    [data] = [x for x in result.stdout.splitlines() if x.startswith("Data: ")]
    assert "recorded 1: BTCUSDT" in data
    assert "ETHUSDC" in data.split("SYNTHETIC")[1]
    assert "BTCUSDC" in data.split("derived")[1].split("SYNTHETIC")[0]


def test_sim_on_a_full_folder_runs_and_names_recorded_and_derived_markets_only(
    two_days: Path,
) -> None:
    result = mexbot(two_days, "sim", "--data", str(two_days), "--days", "0.25", "--quiet")

    assert result.returncode == 0, result.stderr[-2000:]
    [data] = [x for x in result.stdout.splitlines() if x.startswith("Data: ")]
    assert "recorded 7: " in data
    assert "derived from the USDT ones at the USDC/USDT rate 7: ADAUSDC" in data
    assert "SYNTHETIC 1: USDCUSDT (a seeded peg near 1.0000)" in data
    assert "SOL" not in data  # no file, not traded: left out, not invented
    assert result.stdout.splitlines()[-1].startswith("Simulated 0.25 days in ")


def test_files_the_loader_does_not_understand_are_listed_in_one_warning(
    two_days: Path, tmp_path: Path
) -> None:
    for path in two_days.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    for name in ("notes.txt", "BTCUSDT-5m.csv", "btcusdt-1m.csv"):
        (tmp_path / name).write_text("x\n")

    result = mexbot(tmp_path, "sim", "--data", str(tmp_path), "--days", "0.05", "--quiet")

    assert result.returncode == 0, result.stderr[-2000:]
    [warning] = [x for x in result.stderr.splitlines() if "warning" in x]
    assert "BTCUSDT-5m.csv, btcusdt-1m.csv, notes.txt" in warning


def test_a_bad_csv_header_is_one_line_naming_the_file_and_the_expected_header(
    two_days: Path, tmp_path: Path
) -> None:
    for path in two_days.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "ETHUSDT-1m.csv").write_text("time,o,h,l,c,v\n1,2,3,4,5,6\n")

    line = error_line(mexbot(tmp_path, "sim", "--data", str(tmp_path), "--days", "0.25"))

    assert "ETHUSDT-1m.csv" in line
    assert HEADER in line


def test_sim_days_beyond_the_data_is_an_error_naming_the_range_the_data_covers(
    two_days: Path,
) -> None:
    line = error_line(mexbot(two_days, "sim", "--data", str(two_days), "--days", "30"))

    assert "the data covers 2023-04-20 00:00 → 2023-04-22 00:00 UTC" in line
    assert "at most 1.50 days" in line


@pytest.mark.parametrize("days", ["0", "-1"])
def test_sim_days_zero_or_negative_is_an_error(tmp_path: Path, days: str) -> None:
    result = mexbot(tmp_path, "sim", f"--days={days}")

    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    last = result.stderr.splitlines()[-1]  # argparse's own usage line precedes it
    assert "--days" in last
    assert "more than 0" in last


def test_backtest_on_a_folder_lacking_a_traded_symbol_is_refused(tmp_path: Path) -> None:
    copy_days(tmp_path, "ETH", 2)

    line = error_line(mexbot(tmp_path, "backtest", "--data", str(tmp_path), "--quiet"))

    assert "BTCUSDC-1m.csv[.gz] or BTCUSDT-1m.csv[.gz]" in line


@pytest.mark.parametrize(("words", "expected"), [
    (("--from", "2023-04-22"), "the data covers 2023-04-20 00:00 → 2023-04-22 00:00 UTC"),
    (("--to", "2023-04-20"), "can replay 2023-04-21 00:00 → 2023-04-22 00:00"),
    (("--from", "2023-04-21T12:00", "--to", "2023-04-21T06:00"), "empty or reversed"),
    (("--from", "2023-04-21T12:00", "--to", "2023-04-21T12:00"), "empty or reversed"),
    (("--from", "2023-04-25", "--days", "2"), "nothing of the period"),
    (("--from", "2023-04-21", "--to", "2023-04-21", "--days", "1"), "at most two"),
    (("--from", "yesterday"), "--from: 'yesterday' is not a UTC date"),
])
def test_backtest_periods_with_nothing_to_replay_or_empty_are_errors(
    two_days: Path, words: tuple[str, ...], expected: str
) -> None:
    line = error_line(mexbot(two_days, "backtest", "--data", str(two_days), "--quiet", *words))

    assert expected in line


def test_backtest_overlapping_the_data_replays_the_overlap_and_says_so(
    two_days: Path, tmp_path: Path
) -> None:
    result = mexbot(tmp_path, "backtest", "--data", str(two_days), "--quiet", "--no-charts",
                    "--from", "2023-04-21T18:00", "--days", "1", "--out", str(tmp_path))

    assert result.returncode == 0, result.stderr[-2000:]
    assert ("mexbot: asked for 2023-04-21 18:00 → 2023-04-22 18:00 UTC; replaying "
            "2023-04-21 18:00 → 2023-04-22 00:00 UTC") in result.stderr.splitlines()[1]
    report = (tmp_path / "report.txt").read_text().splitlines()
    assert report[0] == "=== mexbot backtest 2023-04-21 18:00 → 2023-04-22 00:00 UTC ==="


def test_backtest_accepts_days_like_sim(two_days: Path, tmp_path: Path) -> None:
    result = mexbot(tmp_path, "backtest", "--data", str(two_days), "--quiet", "--no-charts",
                    "--from", "2023-04-21T06:00", "--days", "0.25", "--out", str(tmp_path))

    assert result.returncode == 0, result.stderr[-2000:]
    report = (tmp_path / "report.txt").read_text().splitlines()
    assert report[0] == "=== mexbot backtest 2023-04-21 06:00 → 2023-04-21 12:00 UTC ==="
    assert report[1].startswith("Data recorded 7: ")
