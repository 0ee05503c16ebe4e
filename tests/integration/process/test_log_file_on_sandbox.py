"""Issue 14: a live bot on the sandbox at the default --log-level fills its log file.

The file under state_dir holds every placement and notification as JSON lines (--log-json)
while stderr keeps only warnings; the API secret never appears in it.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
from tests.integration.process.checks import PLACED
from tests.integration.process.conftest import StartSandbox
from tests.integration.process.harness import (
    API_SECRET,
    Logged,
    bot_config,
    bot_env,
    mexbot_argv,
    wait_until,
)
from tests.integration.process.journal import Journal
from tests.integration.process.test_bot_trades_on_sandbox import EVERY_RUNNER_FAST

from runners.logs import FILE_NAME

TRADING_S = 20.0
ENOUGH_ORDERS = 2

pytestmark = pytest.mark.slow  # two processes for about 10 s


def _placed(journal: Journal) -> int:
    return sum(status in PLACED for status in journal.statuses().values())


def test_the_log_file_records_placements_and_notifications_as_json_lines(
    tmp_path: Path, start_sandbox: StartSandbox
) -> None:
    sandbox = start_sandbox({})
    config = tmp_path / "mexbot.toml"
    config.write_text(bot_config(sandbox.url, tmp_path / "state", EVERY_RUNNER_FAST))
    journal = Journal(tmp_path / "state")
    bot = Logged(mexbot_argv("--log-json", "run", "--config", str(config), "--live"),
                 tmp_path / "bot", "bot", bot_env())
    try:
        end = time.monotonic() + TRADING_S
        wait_until("orders", lambda: _placed(journal) >= ENOUGH_ORDERS
                   or time.monotonic() > end, bot.alive)
        bot.signal(signal.SIGTERM)
    finally:
        bot.close()

    text = (tmp_path / "state" / FILE_NAME).read_text()
    entries = [json.loads(line) for line in text.splitlines()]
    loggers = {e["logger"] for e in entries}
    assert _placed(journal) >= 1, bot.stderr()
    assert any(e["message"].startswith("placing ") for e in entries), loggers
    assert "mexbot.notify" in loggers
    assert API_SECRET not in text
