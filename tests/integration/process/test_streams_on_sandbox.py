"""Issue 18: `mexbot run --live` with streams on against `mexbot sandbox`, two real processes.

The bot subscribes to the sandbox's `/ws` (market channels and, with a listen key, the
private ones), trades, and keeps trading when the server closes its streams.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.integration.process.checks import PLACED
from tests.integration.process.conftest import StartSandbox
from tests.integration.process.harness import BotProcess, SandboxProcess, bot_config, wait_until
from tests.integration.process.journal import Journal
from tests.integration.process.test_bot_trades_on_sandbox import EVERY_RUNNER_FAST

pytestmark = pytest.mark.slow  # two processes for about 20 s
PRIVATE_CHANNELS = 3


def _placed(journal: Journal) -> int:
    return sum(status in PLACED for status in journal.statuses().values())


def _ws(sandbox: SandboxProcess) -> dict[str, int]:
    stats: dict[str, int] = sandbox.state()["ws"]
    return stats


def test_the_bot_trades_over_streams_and_goes_on_when_the_server_closes_them(
    tmp_path: Path, start_sandbox: StartSandbox
) -> None:
    sandbox = start_sandbox({})
    config = tmp_path / "mexbot.toml"
    config.write_text(bot_config(sandbox.url, tmp_path / "state", EVERY_RUNNER_FAST))
    journal = Journal(tmp_path / "state")
    bot = BotProcess(config, tmp_path / "bot", "bot")
    try:
        bot.wait_reconciled()
        wait_until("subscriptions and a few orders", lambda: _ws(sandbox)[
            "private_subscriptions"] >= PRIVATE_CHANNELS and _placed(journal) >= 3, bot.alive)
        before: dict[str, Any] = {"placed": _placed(journal), **_ws(sandbox)}
        httpx.post(f"{sandbox.url}/sandbox/faults", json={"ws_close_next": 2}, timeout=10)
        wait_until("the streams closed and back", lambda: _ws(sandbox)["connections"]
                   >= before["connections"] + 2, bot.alive)
        wait_until("more orders", lambda: _placed(journal) > before["placed"], bot.alive)
        after = _ws(sandbox)
        code = bot.stop()
    finally:
        bot.close()

    assert code == 0, bot.stderr()
    assert "stopped cleanly" in bot.stderr()
    assert after["closed_by_fault"] == 2
    assert after["subscriptions"] > before["subscriptions"]  # subscribed again
    assert after["pushes"] > before["pushes"]
    assert after["private_subscriptions"] >= 2 * PRIVATE_CHANNELS  # the user stream too
