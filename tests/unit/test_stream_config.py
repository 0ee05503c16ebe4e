"""The `[mexc] websocket` and `ws_url` keys: streams on by default, a WebSocket URL only."""

import pytest

from mexcore.config import load_config
from mexcore.errors import ConfigError


def test_streams_are_on_by_default_at_mexcs_websocket() -> None:
    mexc = load_config({"mode": "paper"}).mexc

    assert mexc.websocket is True
    assert mexc.ws_url == "wss://wbs-api.mexc.com/ws"


def test_websocket_false_turns_the_streams_off() -> None:
    assert load_config({"mexc": {"websocket": False}}).mexc.websocket is False


def test_a_ws_url_that_is_not_a_websocket_url_is_refused_by_name() -> None:
    with pytest.raises(ConfigError) as refused:
        load_config({"mexc": {"ws_url": "https://api.mexc.com"}})

    assert "mexc.ws_url" in str(refused.value)
