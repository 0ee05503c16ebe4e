"""The CLI's refusals and the effective configuration, as a user sees them."""

import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "s3cr3t-key-value-that-must-not-leak"


def _mexbot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from runners.cli import main; "
                           "raise SystemExit(main())", *args],
                          capture_output=True, text=True, timeout=60, env=env, check=False)


def test_live_mode_without_the_live_flag_refuses_to_start(tmp_path: Path) -> None:
    config = tmp_path / "mexbot.toml"
    config.write_text('mode = "live"\n')
    result = _mexbot("run", "--config", str(config))
    assert result.returncode == 2
    assert "--live" in result.stderr


def test_a_bad_value_stops_the_start_with_the_key_named(tmp_path: Path) -> None:
    config = tmp_path / "mexbot.toml"
    config.write_text('[balance_monitor]\nreserve = "-2"\n')
    result = _mexbot("config", "--config", str(config))
    assert result.returncode == 2
    assert "balance_monitor.reserve" in result.stderr


def test_a_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    result = _mexbot("config", "--config", str(tmp_path / "nope.toml"))
    assert result.returncode == 2
    assert "nope.toml" in result.stderr


@pytest.mark.parametrize("variable", ["MEXC_API_KEY", "MEXC_API_SECRET", "TELEGRAM_BOT_TOKEN"])
def test_config_prints_no_secret(variable: str) -> None:
    import os

    env = {**os.environ, variable: SECRET}
    result = _mexbot("config", env=env)
    assert result.returncode == 0
    assert SECRET not in result.stdout + result.stderr
    assert f"{variable} = *** (set)" in result.stdout


def test_run_in_sim_mode_runs_the_simulation_and_prints_its_summary(tmp_path: Path) -> None:
    config = tmp_path / "mexbot.toml"
    config.write_text('mode = "sim"\n[sim]\ndays = 1\n')
    result = _mexbot("run", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "Simulated 1.00 days" in result.stdout
