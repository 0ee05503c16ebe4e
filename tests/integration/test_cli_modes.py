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


CLOSED_PORT_URL = "http://127.0.0.1:9"  # nothing listens: a start that reached it would fail


def _run_on_journal(tmp_path: Path, journal_mode: str, run_mode: str,
                    ) -> subprocess.CompletedProcess[str]:
    import os

    from adapters.sqlite import SqliteStore

    state = tmp_path / "state"
    SqliteStore(state, mode=journal_mode, base_url=CLOSED_PORT_URL).close()
    config = tmp_path / "mexbot.toml"
    config.write_text(f'mode = "{run_mode}"\nstate_dir = "{state}"\n'
                      f'[mexc]\nbase_url = "{CLOSED_PORT_URL}"\n')
    env = {**os.environ, "MEXC_API_KEY": "k", "MEXC_API_SECRET": "s", "TELEGRAM_BOT_TOKEN": ""}
    live = ["--live"] if run_mode == "live" else []  # --live in paper mode is an error
    return _mexbot("run", "--config", str(config), *live, env=env)


@pytest.mark.parametrize(("journal_mode", "run_mode"), [("paper", "live"), ("live", "paper")])
def test_run_on_a_journal_of_another_mode_refuses_with_exit_2(
    tmp_path: Path, journal_mode: str, run_mode: str
) -> None:
    result = _run_on_journal(tmp_path, journal_mode, run_mode)
    assert result.returncode == 2, result.stderr
    assert f'belongs to mode "{journal_mode}"' in result.stderr
    assert f'this run is mode "{run_mode}"' in result.stderr
    assert "reconciliation" not in result.stderr


def test_run_refuses_the_journal_an_older_mexbot_shared_between_modes(tmp_path: Path) -> None:
    import os

    from adapters.sqlite import FILE_NAME, SqliteStore

    SqliteStore(tmp_path / "mexbot-state").close()  # the old default, without a mode record
    config = f'mode = "paper"\n[mexc]\nbase_url = "{CLOSED_PORT_URL}"\n'
    (tmp_path / "mexbot.toml").write_text(config)
    result = subprocess.run(
        [sys.executable, "-c", "from runners.cli import main; raise SystemExit(main())",
         "run", "--config", "mexbot.toml"], cwd=tmp_path, capture_output=True, text=True,
        timeout=60, check=False, env={**os.environ, "TELEGRAM_BOT_TOKEN": ""})
    assert result.returncode == 2, result.stderr
    assert f"mexbot-state/{FILE_NAME}" in result.stderr
    assert not (tmp_path / "mexbot-state" / "paper" / FILE_NAME).exists()


def test_the_example_state_dir_beside_the_config_still_finds_the_older_shared_journal(
        tmp_path: Path) -> None:
    import os

    from adapters.sqlite import SqliteStore

    SqliteStore(tmp_path / "mexbot-state").close()  # the old default, without a mode record
    config = (f'mode = "paper"\nstate_dir = "./mexbot-state/{{mode}}"\n'
              f'[mexc]\nbase_url = "{CLOSED_PORT_URL}"\n')
    (tmp_path / "mexbot.toml").write_text(config)
    result = subprocess.run(
        [sys.executable, "-c", "from runners.cli import main; raise SystemExit(main())",
         "run", "--config", "mexbot.toml"], cwd=tmp_path, capture_output=True, text=True,
        timeout=60, check=False, env={**os.environ, "TELEGRAM_BOT_TOKEN": ""})
    assert result.returncode == 2, result.stderr
    assert "older mexbot" in result.stderr
