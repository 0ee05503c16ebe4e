"""`mexbot --help` and `mexbot config` stay light: heavy packages load only in their commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "telegram", "starlette", "uvicorn", "talib", "dependency_injector",
         "numpy", "httpx", "rich")
# importlib.metadata (for --version) loads email, zipfile, csv...: ~3 MiB of every command.
UNUSED_STDLIB = ("importlib.metadata", "email")
COMMANDS = ("adapters.fake", "runners.backtest", "runners.sim", "runners.sim_command",
            "runners.run_command", "runners.sandbox_command", "runners.container")


def loaded_after_import(module: str) -> set[str]:
    """Return the names in sys.modules after importing `module` in a fresh interpreter."""
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    return set(json.loads(done.stdout))


def _roots(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


@pytest.fixture(scope="module")
def cli_modules() -> set[str]:
    return loaded_after_import("runners.cli")


def test_importing_the_cli_loads_no_chart_telegram_web_or_indicator_package(
    cli_modules: set[str],
) -> None:
    assert _roots(cli_modules) & set(HEAVY) == set()


def test_importing_the_cli_loads_no_command_module_nor_the_fake_exchange(
    cli_modules: set[str],
) -> None:
    assert cli_modules & set(COMMANDS) == set()


def test_importing_the_cli_does_not_load_the_package_metadata_before_version_is_asked(
    cli_modules: set[str],
) -> None:
    assert cli_modules & set(UNUSED_STDLIB) == set()


def test_importing_the_backtest_command_does_not_load_matplotlib_before_a_chart() -> None:
    assert "matplotlib" not in _roots(loaded_after_import("runners.backtest"))


def test_importing_the_sim_command_loads_no_telegram_chart_or_http_package() -> None:
    loaded = _roots(loaded_after_import("runners.sim_command"))
    assert loaded & {"telegram", "matplotlib", "httpx", "starlette", "uvicorn"} == set()
