"""A relative state_dir is taken from the configuration file's folder, never the cwd."""

from mexcore.config import load_config


def test_a_relative_state_dir_joins_the_configuration_folder() -> None:
    config = load_config({"mode": "paper", "state_dir": "./state/{mode}"}, "/home/me/bot")
    assert config.state_dir == "/home/me/bot/state/paper"


def test_an_absolute_state_dir_is_kept_as_written() -> None:
    config = load_config({"mode": "live", "state_dir": "/var/lib/mexbot"}, "/home/me/bot")
    assert config.state_dir == "/var/lib/mexbot"


def test_without_a_configuration_folder_the_state_dir_is_kept_as_written() -> None:
    assert load_config({"mode": "live", "state_dir": "./bot"}).state_dir == "./bot"


def test_the_resolved_configuration_reads_back_the_same() -> None:
    config = load_config({"mode": "paper", "state_dir": "state"}, "/srv/bot")
    assert load_config({"mode": "paper", "state_dir": config.state_dir}, "/elsewhere") == config
