"""`--web` and `[web]`: where the dashboard listens, and the refusal beyond loopback."""

from __future__ import annotations

import socket

import pytest
from tests.unit.web.support import TOKEN

from mexcore.config import load_config
from mexcore.errors import ConfigError
from runners.cli import main
from runners.cli_checks import UsageError
from runners.web_link import WebLink, web_link

ON = load_config({"web": {"enabled": True, "listen": "127.0.0.1:9001", "allow_actions": True}})


def test_without_web_option_nor_section_there_is_no_dashboard() -> None:
    assert web_link(load_config({}), None, env={}) is None


def test_the_section_turns_it_on_and_the_option_overrides_its_address() -> None:
    assert web_link(ON, None, env={}) == WebLink("127.0.0.1", 9001, None, allow_actions=True)
    assert web_link(ON, "8123", env={}) == WebLink("127.0.0.1", 8123, None, allow_actions=True)
    assert web_link(load_config({}), "[::1]:0", env={}) == WebLink("::1", 0)


def test_beyond_loopback_without_a_token_is_refused_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="MEXBOT_WEB_TOKEN"):
        web_link(load_config({}), "0.0.0.0:8080", env={})


def test_beyond_loopback_with_a_token_listens_and_keeps_the_token_out_of_its_repr() -> None:
    link = web_link(load_config({}), "0.0.0.0:8080", env={"MEXBOT_WEB_TOKEN": TOKEN})
    assert link == WebLink("0.0.0.0", 8080, TOKEN)
    assert TOKEN not in repr(link)


def test_a_bad_web_option_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--web"):
        web_link(load_config({}), "localhost:http", env={})


def test_mexbot_sim_beyond_loopback_without_a_token_exits_2_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MEXBOT_WEB_TOKEN", raising=False)
    code = main(["sim", "--web", "0.0.0.0:0", "--days", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "MEXBOT_WEB_TOKEN" in err


def test_mexbot_sim_on_a_port_in_use_exits_2_naming_the_address(
    capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code = main(["sim", "--web", f"127.0.0.1:{port}", "--days", "1", "--quiet"])
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
