"""Issue 13.2: each mode has its own default state directory, so paper never writes live's."""

from __future__ import annotations

import pytest

from mexcore.config import load_config
from mexcore.policies import BotConfig, default_state_dir


def test_paper_and_live_default_to_different_state_directories() -> None:
    paper = load_config({"mode": "paper"}).state_dir
    live = load_config({"mode": "live"}).state_dir
    assert paper != live
    assert (paper, live) == ("./mexbot-state/paper", "./mexbot-state/live")


@pytest.mark.parametrize("mode", ["sim", "paper", "live"])
def test_a_config_without_state_dir_uses_the_default_of_its_mode(mode: str) -> None:
    assert BotConfig(mode=mode).state_dir == default_state_dir(mode)
    assert load_config({"mode": mode}).state_dir == default_state_dir(mode)


def test_a_mode_placeholder_in_state_dir_becomes_the_mode() -> None:
    config = load_config({"mode": "paper", "state_dir": "/var/lib/mexbot/{mode}"})
    assert config.state_dir == "/var/lib/mexbot/paper"


def test_an_explicit_state_dir_is_kept_as_written() -> None:
    assert load_config({"mode": "live", "state_dir": "./bot"}).state_dir == "./bot"
