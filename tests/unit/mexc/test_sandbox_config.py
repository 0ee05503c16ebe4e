from decimal import Decimal

import pytest

from adapters.sandbox import ReplayClock, SandboxConfig, SandboxFaults
from mexcore.errors import ConfigError


class Timer:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_replay_clock_moves_at_its_speed_from_its_start() -> None:
    timer = Timer()
    clock = ReplayClock(1_000_000, speed=60, timer=timer)
    timer.now += 10
    assert clock.now_ms() == 1_000_000 + 600_000


def test_replay_clock_can_jump_forward_but_not_back() -> None:
    clock = ReplayClock(0, timer=Timer())
    clock.advance(5)
    assert clock.now_ms() == 5000
    with pytest.raises(ValueError, match="back"):
        clock.advance(-1)


def test_config_from_toml_tables_builds_accounts_and_faults() -> None:
    config = SandboxConfig.from_mapping({
        "speed": Decimal(2), "rate_limit": False,
        "accounts": [{"api_key": "k", "api_secret": "hush42", "balances": {"USDT": "10"}}],
        "faults": {"clock_skew_ms": 1500}})
    account = config.account("k")
    assert account is not None
    assert account.balances["USDT"] == Decimal(10)
    assert "hush42" not in repr(account)
    assert config.faults.clock_skew_ms == 1500
    assert config.speed == 2.0


@pytest.mark.parametrize("section", [{"colour": "red"}, {"faults": {"explode": 1}},
                                     {"accounts": [{"api_key": "k"}]}])
def test_config_refuses_unknown_keys_and_missing_secrets(section: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        SandboxConfig.from_mapping(section)


def test_faults_update_changes_named_fields() -> None:
    faults = SandboxFaults()
    faults.update({"server_error_next": 2, "server_error_methods": ["GET", "POST"]})
    assert (faults.server_error_next, faults.server_error_methods) == (2, ("GET", "POST"))
