"""`mexbot run` serves the dashboard from its `[web]` section, beside its runners."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from tests.integration.process.harness import (
    API_SECRET,
    CALM_SECTIONS,
    BotProcess,
    SandboxProcess,
    bot_config,
    wait_until,
)

pytestmark = pytest.mark.slow  # a sandbox and a bot process, ~10 s
URL_LINE = re.compile(r"mexbot web: dashboard on (http://\S+)")


def test_mexbot_run_serves_its_runners_and_log_tail_and_never_a_secret(tmp_path: Path) -> None:
    sandbox = SandboxProcess(tmp_path / "sandbox", 60, {})
    sections = {**CALM_SECTIONS, "balance_monitor": {"enabled": True},
                "web": {"enabled": True, "listen": "127.0.0.1:0"}}
    config = tmp_path / "mexbot.toml"
    try:
        config.write_text(bot_config(sandbox.url, tmp_path / "state", sections))
        bot = BotProcess(config, tmp_path / "bot", "bot")
        try:
            wait_until("the dashboard", lambda: URL_LINE.search(bot.stderr()) is not None,
                       bot.alive)
            found = URL_LINE.search(bot.stderr())
            assert found
            bot.wait_reconciled()
            pages = [httpx.get(found.group(1) + p, timeout=10) for p in
                     ("/", "/runners", "/positions", "/orders", "/log")]
            assert bot.stop() == 0
        finally:
            bot.close()
    finally:
        sandbox.close()
    assert [p.status_code for p in pages] == [200] * 5
    assert "balance_monitor" in pages[1].text
    assert "(simulated)" not in pages[1].text
    assert "mexbot.log" in pages[4].text
    assert "<pre class=\"log\">" in pages[4].text  # the run writes its log file
    assert not any(API_SECRET in p.text for p in pages)
