"""The [web] section: its defaults, and bad values refused naming the key."""

from __future__ import annotations

import pytest

from mexcore.config import load_config
from mexcore.errors import ConfigError
from mexcore.policies import WebPolicy


def test_the_dashboard_is_off_loopback_and_read_only_by_default() -> None:
    assert load_config({}).web == WebPolicy(enabled=False, listen="127.0.0.1:8080",
                                            allow_actions=False)


def test_a_web_section_is_read() -> None:
    web = load_config({"web": {"enabled": True, "listen": "[::1]:9000",
                               "allow_actions": True}}).web
    assert web == WebPolicy(enabled=True, listen="[::1]:9000", allow_actions=True)


@pytest.mark.parametrize("listen", ["8080", "127.0.0.1", "host:port", "1.2.3.4:70000", 8080])
def test_a_listen_that_is_not_host_and_port_is_refused(listen: object) -> None:
    with pytest.raises(ConfigError, match=r"web\.listen.*HOST:PORT"):
        load_config({"web": {"listen": listen}})


def test_an_unknown_web_key_is_refused_with_a_hint() -> None:
    with pytest.raises(ConfigError, match="did you mean 'allow_actions'"):
        load_config({"web": {"allow_action": True}})
