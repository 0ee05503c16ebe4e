"""`mexbot sandbox --config FILE`: the `[sandbox]` table, then the command-line options."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from mexcore.errors import ConfigError
from runners.sandbox_command import sandbox_config


def _args(config: Path | None = None, **options: object) -> argparse.Namespace:
    values = {"config": config, "data": None, "speed": None, "seed": None, **options}
    return argparse.Namespace(**values)


def test_the_sandbox_table_sets_accounts_and_limits(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.toml"
    path.write_text('[sandbox]\nrate_limit = false\nspeed = 2\n[[sandbox.accounts]]\n'
                    'api_key = "k1"\napi_secret = "s1"\nbalances = { USDC = "5" }\n')
    config = sandbox_config(_args(path))
    assert config.rate_limit is False
    assert config.speed == 2.0
    assert [a.api_key for a in config.accounts] == ["k1"]
    assert str(config.accounts[0].balances["USDC"]) == "5"


def test_command_line_options_win_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.toml"
    path.write_text('[sandbox]\nspeed = 2\nseed = 3\n')
    config = sandbox_config(_args(path, speed=60.0, seed=9))
    assert (config.speed, config.seed) == (60.0, 9)


def test_no_file_gives_the_default_sandbox() -> None:
    config = sandbox_config(_args())
    assert (config.speed, config.data, config.accounts[0].api_key) == (
        1.0, "bundled", "sandbox-api-key")


def test_an_unknown_key_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.toml"
    path.write_text('[sandbox]\nsped = 2\n')
    with pytest.raises(ConfigError, match=r"sandbox\.sped"):
        sandbox_config(_args(path))
